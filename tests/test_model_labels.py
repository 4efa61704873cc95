import json

import pandas as pd
import pytest

from analyzer.model.labels import LabelFileError, read_label_file, read_labels
from conftest import REPO


def _write_csv(tmp_path, text):
    path = tmp_path / "labels.csv"
    path.write_text(text)
    return path


def test_csv_label_file_is_read_with_optional_columns_filled(tmp_path):
    frame = read_label_file(_write_csv(tmp_path, "text,tone,blame\nThanks!,neutral,none\n"))
    assert frame.loc[0, "tone"] == "neutral" and frame.loc[0, "department"] == ""


def test_jsonl_and_parquet_label_files_are_read(tmp_path):
    rows = [{"text": "You failed to pay.", "tone": "curt", "blame": "customer"}]
    (tmp_path / "l.jsonl").write_text("\n".join(json.dumps(r) for r in rows))
    pd.DataFrame(rows).to_parquet(tmp_path / "l.parquet")
    assert len(read_labels([tmp_path / "l.jsonl", tmp_path / "l.parquet"])) == 2


def test_missing_column_names_the_file_and_the_columns(tmp_path):
    path = _write_csv(tmp_path, "text,tone\nHi,neutral\n")
    with pytest.raises(LabelFileError, match=r"labels.csv: missing column\(s\) blame"):
        read_label_file(path)


def test_unknown_label_names_the_row_and_the_allowed_values(tmp_path):
    path = _write_csv(tmp_path, "text,tone,blame\nHi,neutral,none\nGo away,rude,none\n")
    with pytest.raises(LabelFileError) as caught:
        read_label_file(path)
    assert "labels.csv, line 3: unknown tone 'rude'; allowed: empathetic, neutral, curt, hostile" in str(caught.value)


def test_unknown_blame_lists_the_allowed_values(tmp_path):
    path = _write_csv(tmp_path, "text,tone,blame\nHi,neutral,courier\n")
    with pytest.raises(LabelFileError, match="allowed: customer, company, none"):
        read_label_file(path)


def test_empty_text_names_the_row(tmp_path):
    path = _write_csv(tmp_path, 'text,tone,blame\n"  ",neutral,none\n')
    with pytest.raises(LabelFileError, match="line 2: empty text"):
        read_label_file(path)


def test_unsupported_file_type_is_rejected(tmp_path):
    (tmp_path / "labels.xlsx").write_text("x")
    with pytest.raises(LabelFileError, match="unsupported label file type"):
        read_label_file(tmp_path / "labels.xlsx")


def test_split_filter_keeps_only_that_split(tmp_path):
    path = _write_csv(tmp_path, "text,tone,blame,split\nA,neutral,none,train\nB,curt,none,test\n")
    assert read_labels([path], split="test")["text"].tolist() == ["B"]


def test_shipped_label_files_are_valid():
    from conftest import REPO

    for name in ("written.csv", "real_tweetsumm.csv"):
        assert len(read_label_file(REPO / "data" / "labels" / name)) > 800


def test_hash_split_is_fixed_by_the_text_and_matches_the_label_files():
    from analyzer.model.labels import hash_split

    rows = pd.read_csv(REPO / "data" / "labels" / "written_contrastive.csv")
    assert [hash_split(t) for t in rows.text] == rows.split.tolist()


def test_hash_split_puts_about_70_15_15_percent_in_train_dev_test():
    from analyzer.model.labels import hash_split

    counts = pd.Series([hash_split(f"sentence number {i}") for i in range(3000)]).value_counts(normalize=True)
    assert abs(counts["train"] - 0.70) < 0.03 and abs(counts["dev"] - 0.15) < 0.03


def test_sgd_agent_dialog_rows_are_never_in_a_training_split():
    rows = pd.read_csv(REPO / "data" / "labels" / "agent_dialogs.csv")
    assert (rows[rows.source.str.startswith("sgd:")].split == "test").all()
    assert rows.licence.str.len().gt(0).all()
