from datetime import datetime, timezone

import pytest

from analyzer.errors import SchemaError
from analyzer.io.datasets import to_table
from analyzer.io.schemas import ERRORS


def _error_row(**changes):
    row = {"source_path": "/drop/a.eml", "relative_path": "a.eml", "source_offset": None, "error_kind": "empty",
           "message": "file is empty", "model_version": "tone-test", "analyzer_version": "0.1.0", "run_id": "r1"}
    row.update(changes)
    return row


def test_valid_rows_become_a_table_with_the_declared_schema():
    table = to_table([_error_row()], ERRORS, "errors")
    assert table.schema.equals(ERRORS) and table.num_rows == 1


def test_wrong_type_is_rejected_naming_the_column_and_value():
    with pytest.raises(SchemaError) as caught:
        to_table([_error_row(source_offset="third")], ERRORS, "errors")
    assert "errors.source_offset must be int64; got 'third' (str)" in str(caught.value)


def test_null_in_a_required_column_is_rejected():
    with pytest.raises(SchemaError, match="errors.message must not be null"):
        to_table([_error_row(message=None)], ERRORS, "errors")


def test_missing_and_unknown_columns_are_rejected():
    row = _error_row(extra=1)
    del row["run_id"]
    with pytest.raises(SchemaError, match=r"missing columns: \['run_id'\]; unknown columns: \['extra'\]"):
        to_table([row], ERRORS, "errors")


def test_interaction_rows_match_the_interactions_schema_and_keep_utc_times():
    from analyzer.engine.rows import interaction_row
    from analyzer.ingest.records import Interaction, Turn
    from analyzer.io.schemas import COUNT_COLUMNS, INTERACTIONS

    item = Interaction(source_path="/drop/support/a.eml", relative_path="support/a.eml", source_offset=0,
                       source_format="eml", channel="email", direction="outbound", department="support",
                       department_source="folder", turns=[Turn(role="company", text="Hi", start_s=1.5)],
                       sent_at=datetime(2026, 3, 1, 9, 30, tzinfo=timezone.utc))
    item.assign_id()
    scores = {"empathy_score": None, "applicable": False, "not_applicable_reason": "too_short",
              **{name: 0 for name in COUNT_COLUMNS}, "flagged": False, "flag_reasons": [],
              "max_flag_severity": None, "n_flags": 0, "model_version": "tone-test"}
    row = to_table([{**interaction_row(item, "r1"), **scores}], INTERACTIONS, "interactions").to_pylist()[0]
    assert row["sent_at"] == datetime(2026, 3, 1, 9, 30, tzinfo=timezone.utc)
    assert row["turns"] == [{"role": "company", "speaker": None, "text": "Hi", "start_s": 1.5, "end_s": None}]


def test_every_dataset_schema_stores_model_version_and_run_id():
    from analyzer.io.schemas import DATASETS

    for name, schema in DATASETS.items():
        assert {"model_version", "run_id"} <= set(schema.names), name


def test_wrong_type_in_a_nested_span_is_rejected_naming_the_column():
    from analyzer.io.schemas import FLAGS

    evidence = [{"turn_index": 0, "sentence_index": 0, "start": "ten", "end": 12, "text": "x", "trigger": "THREAT"}]
    row = {"flag_id": "f", "interaction_id": "i", "source_path": "/a", "relative_path": "a", "source_offset": 0,
           "department": "billing", "channel": "email", "sent_at": None, "rule": "threat", "severity": "high",
           "description": "d", "n_sentences": 1, "reasons": ["r"], "evidence": evidence,
           "model_version": "m", "analyzer_version": "v", "run_id": "r"}
    with pytest.raises(SchemaError, match="flags.evidence must be list<item: struct"):
        to_table([row], FLAGS, "flags")


def test_every_column_of_every_dataset_is_documented():
    from pathlib import Path

    from analyzer.io.schemas import DATASETS, REVIEWS

    docs = (Path(__file__).resolve().parent.parent / "docs" / "outputs.md").read_text(encoding="utf-8")
    for name, schema in {**DATASETS, "reviews": REVIEWS}.items():
        assert f"## `{name}`" in docs, name
        for column in schema.names:
            assert f"`{column}`" in docs, f"{name}.{column}"
