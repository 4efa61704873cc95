import io
import json

import pyarrow as pa
import pyarrow.parquet as pq

from analyzer.config import config_from_dict
from conftest import read_all, read_error


def test_csv_rows_are_interactions_with_their_row_offsets(write, config):
    text = ("id,department,channel,direction,sent_at,text\n"
            "m1,Billing,email,outbound,2026-03-05 16:48,Your invoice is attached.\n"
            "m2,Support,chat,inbound,2026-03-06T08:00:00Z,Where is my order?\n")
    interactions, errors = read_all(write("exports/t.csv", text), config)
    assert not errors
    assert [(i.source_offset, i.department, i.channel, i.direction) for i in interactions] == [
        (0, "billing", "email", "outbound"), (1, "support", "chat", "inbound")]
    assert [i.turns[0].role for i in interactions] == ["company", "customer"]
    assert interactions[0].external_id == "m1"
    assert interactions[1].sent_at.isoformat() == "2026-03-06T08:00:00+00:00"


def test_common_export_column_names_are_recognized(write, config):
    text = "Ticket_ID,Created_At,Team,Author_Type,Body\nT1,2026-03-04,support,agent,Sorry about that!\n"
    interactions, _ = read_all(write("exports/t.csv", text), config)
    assert interactions[0].department == "support" and interactions[0].turns[0].role == "company"


def test_semicolon_delimited_csv_is_sniffed(write, config):
    interactions, _ = read_all(write("exports/t.csv", "text;department\nHello there;sales\nHi;sales\n"), config)
    assert [i.turns[0].text for i in interactions] == ["Hello there", "Hi"]


def test_conversation_id_groups_rows_into_ordered_turns(write, config):
    text = ("conversation_id,sent_at,role,author,text\n"
            "c1,2026-03-11T14:03:00Z,agent,Lena,Second.\n"
            "c1,2026-03-11T14:02:00Z,customer,Visitor,First.\n"
            "c2,2026-03-12T09:00:00Z,customer,Visitor,Other chat.\n")
    interactions, _ = read_all(write("support/chats.csv", text), config)
    assert len(interactions) == 2
    first = interactions[0]
    assert [(t.role, t.text) for t in first.turns] == [("customer", "First."), ("company", "Second.")]
    assert first.external_id == "c1" and first.direction == "outbound"
    assert interactions[1].direction == "inbound"


def test_configured_column_names_override_the_aliases(write):
    config = config_from_dict({"tabular": {"columns": {"text": "Nachricht", "department": "Abteilung"}}})
    interactions, _ = read_all(write("exports/t.csv", "Nachricht,Abteilung\nHallo,Vertrieb\n"), config)
    assert (interactions[0].turns[0].text, interactions[0].department) == ("Hallo", "vertrieb")


def test_missing_text_column_is_one_malformed_error_naming_the_fix(write, config):
    error = read_error(write("exports/t.csv", "id,department\n1,sales\n"), config)
    assert error.kind == "malformed" and "[tabular.columns]" in error.message


def test_row_with_empty_text_is_an_error_row_and_the_others_are_read(write, config):
    interactions, errors = read_all(write("exports/t.csv", "text,department\nHello,sales\n,sales\nBye,sales\n"), config)
    assert [i.source_offset for i in interactions] == [0, 2]
    assert [(e.kind, e.offset) for e in errors] == [("empty", 1)]


def test_jsonl_bad_line_is_an_error_with_its_line_and_the_rest_is_read(write, config):
    text = '{"text": "One", "department": "sales"}\n{"text": "Two", \n\n{"text": "Three"}\n'
    interactions, errors = read_all(write("exports/t.jsonl", text), config)
    assert [i.source_offset for i in interactions] == [0, 3]
    assert [(e.kind, e.offset) for e in errors] == [("malformed", 1)]


def test_json_array_of_records_is_read(write, config):
    text = json.dumps([{"text": "Hello", "department": "sales"}, {"text": "Bye", "department": "sales"}])
    interactions, _ = read_all(write("exports/t.json", text), config)
    assert [i.source_format for i in interactions] == ["json", "json"]


def test_parquet_rows_are_read_with_types(write, config):
    table = pa.table({"text": ["Quote attached.", "Thanks!"], "department": ["sales", "sales"],
                      "sent_at": pa.array([1772668800000, None], pa.int64()), "direction": ["outbound", "inbound"]})
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    interactions, errors = read_all(write("exports/t.parquet", buffer.getvalue()), config)
    assert not errors
    assert interactions[0].sent_at.isoformat() == "2026-03-05T00:00:00+00:00"
    assert [i.direction for i in interactions] == ["outbound", "inbound"]


def test_truncated_parquet_is_a_truncated_error(write, config):
    buffer = io.BytesIO()
    pq.write_table(pa.table({"text": ["x"] * 100}), buffer)
    data = buffer.getvalue()
    assert read_error(write("exports/t.parquet", data[: len(data) // 2]), config).kind == "truncated"


def test_unknown_channel_value_falls_back_to_the_configured_default(write):
    config = config_from_dict({"tabular": {"default_channel": "email"}})
    interactions, _ = read_all(write("exports/t.csv", "text,channel\nHi,carrier pigeon\n"), config)
    assert interactions[0].channel == "email"


def test_csv_row_with_another_field_count_than_the_header_is_one_malformed_row(write, config):
    text = "text,department\nOne,sales\nTwo,sales,extra\nThree\nFour,sales\n"
    interactions, errors = read_all(write("exports/t.csv", text), config)
    assert [(e.kind, e.offset) for e in errors] == [("malformed", 1), ("malformed", 2)]
    assert [i.source_offset for i in interactions] == [0, 3]


def test_csv_unclosed_quote_is_one_error_row_and_the_rows_it_swallowed_are_read(write, config):
    text = 'text,department\n"One,sales\nTwo,sales\nThree,sales\n'
    interactions, errors = read_all(write("exports/t.csv", text), config)
    assert [(e.kind, e.offset) for e in errors] == [("malformed", 0)]
    assert [i.turns[0].text for i in interactions] == ["Two", "Three"]


def test_csv_quote_closed_inside_the_next_row_is_one_error_row_and_that_row_is_read(write, config):
    text = 'id,text\n1,"I was charged twice\n2,"Second message"\n3,Third\n'
    interactions, errors = read_all(write("exports/t.csv", text), config)
    assert [(e.kind, e.offset) for e in errors] == [("malformed", 0)]
    assert [i.turns[0].text for i in interactions] == ["Second message", "Third"]


def test_csv_text_after_a_closing_quote_is_one_malformed_row(write, config):
    interactions, errors = read_all(write("exports/t.csv", 'text,department\n"Hi" there,sales\nBye,sales\n'), config)
    assert [(e.kind, e.offset) for e in errors] == [("malformed", 0)]
    assert [i.turns[0].text for i in interactions] == ["Bye"]


def test_csv_quoted_field_over_1000_lines_is_one_malformed_row_and_the_rest_is_read(write, config):
    text = 'text,department\n"Unclosed,sales\n' + "".join(f"Row {i},sales\n" for i in range(1500))
    interactions, errors = read_all(write("exports/t.csv", text), config)
    assert [(e.kind, e.offset) for e in errors] == [("malformed", 0)] and "1000 lines" in errors[0].message
    assert len(interactions) == 1500


def test_csv_multi_line_quoted_field_is_one_row(write, config):
    interactions, errors = read_all(write("exports/t.csv", 'text,department\n"Hello,\nthanks",sales\n'), config)
    assert not errors and interactions[0].turns[0].text == "Hello,\nthanks"


def test_csv_with_a_broken_header_is_one_malformed_error(write, config):
    assert read_error(write("exports/t.csv", '"text,department\n'), config).kind == "malformed"


def test_a_conversation_is_yielded_as_soon_as_its_last_row_is_read(write, config):
    text = "conversation_id,role,text\nA,agent,Hello\nA,customer,Hi\nB,agent,Other chat\nA,agent,Bye\n"
    interactions, _ = read_all(write("exports/t.csv", text), config)
    assert [(i.external_id, len(i.turns)) for i in interactions] == [("B", 1), ("A", 3)]


def test_a_conversation_whose_last_row_is_broken_keeps_its_other_rows(write, config):
    text = "conversation_id,role,text\nA,agent,Hello\nA,customer,Hi\nA,agent,\n"
    interactions, errors = read_all(write("exports/t.csv", text), config)
    assert [(i.external_id, len(i.turns)) for i in interactions] == [("A", 2)]
    assert [(e.kind, e.offset) for e in errors] == [("empty", 2)]
