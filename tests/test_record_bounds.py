"""Bounds on one record ([limits] record_mb, json_depth, header_kb, extracted_chars) and odd
field types: a record that breaks them is one error row, the rest of the file is read, and
finding out is fast."""

import io
import json
import time
from datetime import date

import pyarrow as pa
import pyarrow.parquet as pq

from analyzer.config import config_from_dict
from conftest import read_all, read_error

SMALL = {"record_mb": 0.01}  # 10 KiB records keep the generated files small
EMAIL_HEAD = b"From: a@northwind.example\nTo: b@mail.example\nSubject: x\n"


def _config(**limits):
    return config_from_dict({"limits": limits})


def _jsonl(*records) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records)


def _kinds(errors):
    return [(e.kind, e.offset) for e in errors]


# --- odd field types: one error row, or text ---

def test_jsonl_list_where_a_value_belongs_is_one_malformed_row_and_the_rest_is_read(write, config):
    text = _jsonl({"text": "One"}, {"text": "Two", "conversation_id": [1]}, {"text": "Three"})
    interactions, errors = read_all(write("exports/t.jsonl", text), config)
    assert [i.source_offset for i in interactions] == [0, 2]
    assert _kinds(errors) == [("malformed", 1)] and "conversation_id" in errors[0].message


def test_jsonl_object_in_the_text_field_is_one_malformed_row(write, config):
    text = _jsonl({"text": {"body": "Hi"}}, {"text": "Fine"})
    interactions, errors = read_all(write("exports/t.jsonl", text), config)
    assert _kinds(errors) == [("malformed", 0)] and [i.turns[0].text for i in interactions] == ["Fine"]


def test_numbers_and_booleans_in_fields_are_read_as_text(write, config):
    text = _jsonl({"text": 42, "id": 7, "department": True, "speaker": 3.5})
    interactions, errors = read_all(write("exports/t.jsonl", text), config)
    assert not errors
    item = interactions[0]
    assert (item.turns[0].text, item.external_id, item.department, item.turns[0].speaker) == ("42", "7", "true", "3.5")


def test_numeric_and_string_conversation_ids_form_one_conversation(write, config):
    text = _jsonl({"text": "First", "conversation_id": 5}, {"text": "Second", "conversation_id": "5"})
    interactions, _ = read_all(write("exports/t.jsonl", text), config)
    assert [[t.text for t in i.turns] for i in interactions] == [["First", "Second"]]


def test_epoch_number_in_sent_at_is_still_a_time(write, config):
    interactions, _ = read_all(write("exports/t.jsonl", _jsonl({"text": "Hi", "sent_at": 1772668800})), config)
    assert interactions[0].sent_at.isoformat() == "2026-03-05T00:00:00+00:00"


def test_jsonl_line_with_a_5000_digit_number_is_one_malformed_row(write, config):
    text = _jsonl('{"text": "Big", "id": ' + "9" * 5000 + "}", {"text": "Fine"})
    interactions, errors = read_all(write("exports/t.jsonl", text), config)
    assert _kinds(errors) == [("malformed", 0)] and len(interactions) == 1


def test_jsonl_line_separator_inside_a_string_does_not_split_the_line(write, config):
    text = _jsonl(json.dumps({"text": "Before\u2028after"}, ensure_ascii=False), {"text": "Next"})
    interactions, errors = read_all(write("exports/t.jsonl", text), config)
    assert not errors and [i.source_offset for i in interactions] == [0, 1]


def test_json_array_element_that_is_not_an_object_is_one_error_row(write, config):
    text = json.dumps([{"text": "One"}, 5, {"text": "Three"}])
    interactions, errors = read_all(write("exports/t.json", text), config)
    assert _kinds(errors) == [("malformed", 1)] and [i.source_offset for i in interactions] == [0, 2]


def test_json_array_record_with_a_list_field_is_one_error_row(write, config):
    text = json.dumps([{"text": "One", "conversation_id": [1, 2]}, {"text": "Two"}])
    interactions, errors = read_all(write("exports/t.json", text), config)
    assert _kinds(errors) == [("malformed", 0)] and [i.source_offset for i in interactions] == [1]


def test_parquet_list_cell_is_one_error_row_and_other_types_are_text(write, config):
    table = pa.table({"text": pa.array([101, 102], pa.int64()),
                      "conversation_id": pa.array([[1], None], pa.list_(pa.int64())),
                      "id": pa.array([b"m1", b"m2"], pa.binary()),
                      "sent_at": pa.array([date(2026, 3, 5), None], pa.date32())})
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    interactions, errors = read_all(write("exports/t.parquet", buffer.getvalue()), config)
    assert _kinds(errors) == [("malformed", 0)]
    assert [(i.turns[0].text, i.external_id) for i in interactions] == [("102", "m2")]


# --- nesting ---

def test_jsonl_line_nested_100000_deep_is_one_malformed_row_and_the_rest_is_read(write, config):
    text = _jsonl({"text": "One"}, "[" * 100_000, {"text": "Three"})
    started = time.perf_counter()
    interactions, errors = read_all(write("exports/t.jsonl", text), config)
    assert time.perf_counter() - started < 2
    assert _kinds(errors) == [("malformed", 1)] and "json_depth" in errors[0].message
    assert [i.source_offset for i in interactions] == [0, 2]


def test_nesting_one_level_past_json_depth_is_malformed_and_at_it_is_read(write):
    config = _config(json_depth=3)
    text = _jsonl({"text": "ok", "x": [[1]]}, {"text": "deep", "x": [[[1]]]})
    interactions, errors = read_all(write("exports/t.jsonl", text), config)
    assert _kinds(errors) == [("malformed", 1)] and [i.source_offset for i in interactions] == [0]


def test_brackets_inside_strings_are_not_nesting(write):
    config = _config(json_depth=3)
    text = _jsonl({"text": "[[[[[ {{{{ \"[[[[\" \\[[[["})
    interactions, errors = read_all(write("exports/t.jsonl", text), config)
    assert not errors and interactions[0].turns[0].text.startswith("[[[[[")


def test_json_document_nested_past_json_depth_is_one_malformed_error(write):
    text = json.dumps([{"text": "Hi", "x": [[[[1]]]]}])
    assert read_error(write("exports/t.json", text), _config(json_depth=4)).kind == "malformed"


def test_cut_off_json_with_escaped_quotes_is_truncated(write, config):
    text = '[{"text": "She said \\"wait\\" and \\\\'
    assert read_error(write("exports/t.json", text), config).kind == "truncated"


# --- record size ---

def test_jsonl_line_above_record_mb_is_one_too_large_row_and_the_rest_is_read(write):
    text = _jsonl({"text": "One"}, {"text": "x" * 20_000}, {"text": "Three"})
    interactions, errors = read_all(write("exports/t.jsonl", text), _config(**SMALL))
    assert _kinds(errors) == [("too_large", 1)] and [i.source_offset for i in interactions] == [0, 2]


def test_record_size_counts_utf8_bytes_not_characters(write):
    text = _jsonl({"text": "é" * 6000}, {"text": "Fine"})  # 6,000 characters, 12,000 bytes
    interactions, errors = read_all(write("exports/t.jsonl", text.encode("utf-8")), _config(**SMALL))
    assert _kinds(errors) == [("too_large", 0)] and len(interactions) == 1


def test_11_mb_jsonl_line_is_too_large_within_3_seconds(write, config):
    data = (b'{"text": "One"}\n{"role": "agent", "text": "' + b"a" * (11 * 1024 * 1024)
            + b'"}\n{"text": "Three"}\n')
    started = time.perf_counter()
    interactions, errors = read_all(write("exports/t.jsonl", data), config)
    assert time.perf_counter() - started < 3
    assert _kinds(errors) == [("too_large", 1)] and [i.source_offset for i in interactions] == [0, 2]


def test_11_mb_single_line_json_file_is_too_large_within_3_seconds(write, config):
    data = b'[{"text": "' + b"a" * (11 * 1024 * 1024) + b'"}]'
    started = time.perf_counter()
    error = read_error(write("exports/t.json", data), config)
    assert time.perf_counter() - started < 3
    assert error.kind == "too_large" and "record_mb" in error.message


def test_text_above_extracted_chars_is_one_too_large_row(write):
    config = _config(extracted_chars=100)
    text = _jsonl({"text": "x" * 101}, {"text": "Fine"})
    interactions, errors = read_all(write("exports/t.jsonl", text), config)
    assert _kinds(errors) == [("too_large", 0)] and len(interactions) == 1


def test_csv_row_above_record_mb_is_one_too_large_row_and_the_rest_is_read(write):
    text = "text,department\nOne,sales\n" + "x" * 20_000 + ",sales\nThree,sales\n"
    interactions, errors = read_all(write("exports/t.csv", text), _config(**SMALL))
    assert _kinds(errors) == [("too_large", 1)] and [i.source_offset for i in interactions] == [0, 2]


def test_csv_field_longer_than_the_csv_module_default_is_read(write, config):
    text = "text,department\n" + "x" * 200_000 + ",sales\n"
    interactions, errors = read_all(write("exports/t.csv", text), config)
    assert not errors and len(interactions[0].turns[0].text) == 200_000


# --- email ---

def test_mbox_message_above_record_mb_is_one_too_large_row_and_the_rest_is_read(write):
    separator = b"From a@mail.example Mon Mar 16 10:01:22 2026\n"
    box = (separator + EMAIL_HEAD + b"\nFirst.\n" + separator + EMAIL_HEAD + b"\n" + b"words " * 3000 + b"\n"
           + separator + EMAIL_HEAD + b"\nThird.\n")
    interactions, errors = read_all(write("billing/box.mbox", box), _config(**SMALL))
    assert _kinds(errors) == [("too_large", 1)] and [i.source_offset for i in interactions] == [0, 2]


def test_mbox_message_with_an_oversized_header_is_one_too_large_row(write):
    separator = b"From a@mail.example Mon Mar 16 10:01:22 2026\n"
    box = (separator + EMAIL_HEAD + b"X-Long: " + b"a" * 3000 + b"\n\nFirst.\n"
           + separator + EMAIL_HEAD + b"\nSecond.\n")
    interactions, errors = read_all(write("billing/box.mbox", box), _config(header_kb=1))
    assert _kinds(errors) == [("too_large", 0)] and "header_kb" in errors[0].message
    assert [i.source_offset for i in interactions] == [1]


def test_eml_with_a_header_line_longer_than_the_sniff_window_is_too_large(write):
    data = b"Received: " + b"a" * 70_000 + b"\n" + EMAIL_HEAD + b"\nHello.\n"
    error = read_error(write("support/a.eml", data), _config(header_kb=64))
    assert error.kind == "too_large" and "header_kb" in error.message


def test_13_mb_header_line_is_too_large_within_3_seconds(write):
    data = b"X-Long: " + b"a" * (13 * 1024 * 1024) + b"\n" + EMAIL_HEAD + b"\nHello.\n"
    started = time.perf_counter()
    error = read_error(write("support/a.eml", data), _config(max_file_mb=50))
    assert time.perf_counter() - started < 3
    assert error.kind == "too_large"


def test_email_body_above_extracted_chars_is_too_large(write):
    data = EMAIL_HEAD + b"\n" + b"word " * 50 + b"\n"
    assert read_error(write("support/a.eml", data), _config(extracted_chars=100)).kind == "too_large"


def test_mbox_from_line_full_of_times_is_split_fast(write, config):
    data = b"From x " + b"1:11 " * 200_000 + b"\n"  # the separator pattern once backtracked for minutes
    started = time.perf_counter()
    read_all(write("billing/box.mbox", data), config)
    assert time.perf_counter() - started < 2


def test_a_run_of_unclosed_html_tags_is_read_in_linear_time():
    import time

    from analyzer.ingest.html_text import html_to_text

    started = time.monotonic()
    text = html_to_text("<p>Dear customer,</p>" + "<a " * 20000)
    assert time.monotonic() - started < 1.0 and text.startswith("Dear customer,")


def test_a_line_of_many_angle_brackets_in_a_transcript_is_read_in_linear_time():
    import time

    from analyzer.ingest.turns import _TAG

    started = time.monotonic()
    assert _TAG.sub("", "<" * 40000 + "<b>x</b>") == "<" * 40000 + "x"
    assert time.monotonic() - started < 1.0


def test_a_parquet_file_whose_dictionary_expands_beyond_the_file_limit_is_too_large(write):
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    from analyzer.config import config_from_dict

    buffer = io.BytesIO()
    pq.write_table(pa.table({"text": ["a" * 1000] * 3000}), buffer, compression="zstd")
    config = config_from_dict({"limits": {"max_file_mb": 1}})
    assert len(buffer.getvalue()) < 1048576  # small on disk, 3 MB unpacked
    error = read_error(write("support/packed.parquet", buffer.getvalue()), config)
    assert error.kind == "too_large" and "unpacks" in error.message  # 3,000 rows of one dictionary value


def test_an_unexpected_reader_exception_does_not_quote_the_input(write, config, monkeypatch):
    from analyzer.ingest import reader

    def explode(source, data, config):
        raise ValueError("card 4111 1111 1111 1111 in the text")

    monkeypatch.setitem(reader.READERS, "txt", explode)
    error = read_error(write("support/letter.txt", "Dear customer,\n\nHello.\n"), config)
    assert error.message == "unexpected ValueError while reading"


def test_a_parquet_file_whose_pages_decompress_beyond_the_file_limit_is_too_large(write):
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    from analyzer.config import config_from_dict

    buffer = io.BytesIO()
    pq.write_table(pa.table({"text": ["a" * 3_000_000]}), buffer, compression="zstd", use_dictionary=False)
    assert len(buffer.getvalue()) < 100_000
    error = read_error(write("support/bomb.parquet", buffer.getvalue()), config_from_dict({"limits": {"max_file_mb": 1}}))
    assert error.kind == "too_large"
