"""Fuzz targets, one per reader: whatever bytes a file holds, reading it never raises and never hangs.

Each target starts from a real sample of its format (``data/samples/``) and lets
Hypothesis damage it: bytes flipped, cut short, spliced, repeated, or replaced by
arbitrary text. The property is the engine's promise: ``read_source`` yields
interactions and ``InputFileError`` records, nothing else escapes. Examples are
derandomized, so CI runs the same cases every time; ``FUZZ_EXAMPLES=2000 pytest
tests/test_fuzz_readers.py`` searches longer. Every test is bounded by a timeout.
"""

import os
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer.config import config_from_dict
from analyzer.errors import InputFileError
from analyzer.ingest.reader import read_source
from analyzer.ingest.records import Interaction
from analyzer.ingest.source import SourceFile
from conftest import SAMPLES

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))
SECONDS_PER_FILE = 5.0  # no damaged file of a few KB may take longer than this to read
CONFIG = config_from_dict({"company": {"email_domains": ["northwind.example"]},
                           "limits": {"max_file_mb": 5, "record_mb": 1, "pdf_pages": 50, "docx_elements": 20000}})
TARGETS = {  # reader -> a real sample of its format
    "eml": "support/email-refund-double-charge.eml",
    "mbox": "billing/mailbox-2026-03.mbox",
    "vtt": "agency/call-agency-0415.vtt",
    "srt": "billing/call-dispute.srt",
    "transcribe_json": "support/call-transcribe-lost-parcel.json",
    "transcript_txt": "collections/call-payment-plan.txt",
    "letter_txt": "collections/reminder-1.txt",
    "docx": "agency/final-warning.docx",
    "pdf": "agency/demand-letter.pdf",
    "csv": "exports/helpdesk-tickets.csv",
    "jsonl": "support/chat-export.jsonl",
    "parquet": "sales/crm-outreach.parquet",
}
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

pytestmark = pytest.mark.timeout(300)


@st.composite
def damaged(draw, original: bytes) -> bytes:
    """The sample with one kind of damage a disk, a mail gateway or an attacker could do."""
    kind = draw(st.sampled_from(["flip", "cut", "splice", "repeat", "noise", "text"]))
    size = len(original)
    if kind == "flip":
        data = bytearray(original)
        for position in draw(st.lists(st.integers(0, size - 1), min_size=1, max_size=16)):
            data[position] = draw(st.integers(0, 255))
        return bytes(data)
    if kind == "cut":
        return original[:draw(st.integers(0, size))]
    if kind == "splice":
        start = draw(st.integers(0, size))
        return original[:start] + draw(st.binary(max_size=512)) + original[start:]
    if kind == "repeat":
        start = draw(st.integers(0, max(0, size - 1)))
        piece = original[start:start + draw(st.integers(1, 256))]
        return original[:start] + piece * draw(st.integers(2, 200)) + original[start:]
    if kind == "noise":
        return draw(st.binary(max_size=4096))
    return draw(st.text(max_size=2000)).encode("utf-8", "surrogatepass")


def _read_everything(tmp_path, name: str, data: bytes) -> list:
    path = tmp_path / name
    path.write_bytes(data)
    started = time.monotonic()
    items = list(read_source(SourceFile(path=path, relative_path=f"support/{name}"), CONFIG))
    assert time.monotonic() - started < SECONDS_PER_FILE
    return items


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_a_damaged_file_of_every_format_yields_only_interactions_and_error_rows(target, tmp_path_factory):
    sample = SAMPLES / TARGETS[target]
    original = sample.read_bytes()
    folder = tmp_path_factory.mktemp(target)

    @FUZZ
    @given(data=damaged(original))
    def reads_cleanly(data):
        for item in _read_everything(folder, sample.name, data):
            assert isinstance(item, (Interaction, InputFileError)), type(item)
            if isinstance(item, InputFileError):
                assert item.kind in InputFileError.KINDS and item.message

    reads_cleanly()


@FUZZ
@given(text=st.text(max_size=3000), suffix=st.sampled_from([".txt", ".eml", ".vtt", ".srt", ".csv", ".jsonl",
                                                            ".json", ".mbox", ""]))
def test_arbitrary_text_under_any_name_yields_only_interactions_and_error_rows(tmp_path_factory, text, suffix):
    folder = tmp_path_factory.mktemp("text")
    for item in _read_everything(folder, f"input{suffix}", text.encode("utf-8", "surrogatepass")):
        assert isinstance(item, (Interaction, InputFileError))
