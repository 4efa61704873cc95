import pytest

from analyzer.config import Config
from analyzer.errors import InputFileError
from analyzer.ingest.detect import detect_format

EMAIL = b"From: a@northwind.example\nTo: b@mail.example\nSubject: Hi\n\nHello.\n"
VTT = b"WEBVTT\n\n00:01.000 --> 00:02.000\nHello\n"
SRT = b"1\n00:00:01,000 --> 00:00:02,000\nAGENT: Hello\n"
MBOX = b"From a@b Mon Mar 16 10:01:22 2026\nFrom: a@b\nSubject: x\n\nbody\n"
TRANSCRIPT = b"Agent: Hello, how can I help?\nCustomer: My order is late.\nAgent: Let me check.\n"
LETTER = b"Dear Mr Price,\n\nYour account is overdue.\n\nCredit Control\n"


@pytest.mark.parametrize("data, suffix, expected", [
    (EMAIL, ".eml", "eml"),
    (EMAIL, ".txt", "eml"),  # an email saved as .txt
    (EMAIL, "", "eml"),
    (VTT, ".txt", "vtt"),
    (SRT, "", "srt"),
    (MBOX, "", "mbox"),
    (TRANSCRIPT, ".txt", "transcript_txt"),
    (TRANSCRIPT, ".eml", "transcript_txt"),
    (LETTER, ".txt", "txt"),
    (LETTER, "", "txt"),
    (b'{"Transcript": []}', ".txt", "json"),
    (b'{"text": "a"}\n{"text": "b"}\n', ".log", "jsonl"),
    (b"text,department\nhi,sales\n", ".csv", "csv"),
    (b"%PDF-1.7\n...", ".txt", "pdf"),
    (b"PAR1....", ".dat", "parquet"),
])
def test_format_is_detected_from_content(data, suffix, expected):
    assert detect_format(data, suffix, Config()) == expected


def test_transcript_header_with_date_and_subject_is_not_an_email():
    data = b"Date: 2026-03-17\nSubject: quote\n\nSpeaker 1: Hi.\nSpeaker 2: Hello.\nSpeaker 1: Bye.\n"
    assert detect_format(data, ".txt", Config()) == "transcript_txt"


def test_timestamped_transcript_starting_with_a_bracket_is_not_json():
    assert detect_format(b"[00:01:05] Agent: Hello.\n[00:01:09] Customer: Hi.\n", ".txt", Config()) == "transcript_txt"


def test_letter_with_field_lines_is_still_a_letter():
    data = (b"Dear Ms Novak,\n\nAmount due: $64.00\nDue date: 3 March\n\nPlease pay by the due date, online or by "
            b"transfer. If you have any questions, call us.\nWe are happy to help with a plan.\n\nBilling\n")
    assert detect_format(data, ".txt", Config()) == "txt"


@pytest.mark.parametrize("data, suffix, kind", [
    (b"\x00\x01\x02\x03binary\x00\x00\x05" * 50, ".txt", "binary"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".doc", "unsupported"),
    (b"just text", ".pdf", "malformed"),
    (b"Hello, this is a letter.", ".vtt", "malformed"),
])
def test_content_that_cannot_be_read_is_an_error(data, suffix, kind):
    with pytest.raises(InputFileError) as caught:
        detect_format(data, suffix, Config())
    assert caught.value.kind == kind


@pytest.mark.parametrize("suffix", [".eml", ".mbox"])
def test_email_whose_first_header_line_outgrows_the_sniff_window_is_an_email(suffix):
    data = b"Received: " + b"a" * 70_000 + b"\n" + EMAIL
    assert detect_format(data, suffix, Config()) == "eml"


def test_short_header_like_line_named_eml_is_still_not_an_email():
    with pytest.raises(InputFileError) as caught:
        detect_format(b"Note: call back tomorrow\n", ".eml", Config())
    assert caught.value.kind == "malformed"
