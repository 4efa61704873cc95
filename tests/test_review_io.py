"""Safe review I/O: the CSV export cannot run formulas, the terminal queue cannot run escape
sequences, and the import reads what spreadsheets save, fails in one line, and is idempotent."""

import codecs
import csv

import pandas as pd
import pytest
import test_review
from click.testing import CliRunner

from analyzer.cli import cli
from analyzer.engine import review
from analyzer.engine.review import import_verdicts, record_verdicts, review_queue, write_queue_csv
from analyzer.engine.safe_text import neutralize_cell, terminal_safe, unneutralize_cell
from analyzer.errors import UsageError
from analyzer.io import reviews

scored, out = test_review.scored, test_review.out  # the scored run output and a copy per test, as in test_review

FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"click\")", "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)"]
HOSTILE = "\x1b[2J\x1b[1Aerased \u202eevil\u202c \x1b]0;title\x07\x9b31mred\r\x08"


def _first_flag(out):
    return review_queue(out).iloc[0]["flag_id"]


def _stored(out) -> pd.DataFrame:
    return pd.read_parquet(out / "reviews")


def _write(path, text: str, encoding: str = "utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def _export_rows(path) -> list[dict]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def _rewrite(path, rows: list[dict]):
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


# neutralize_cell / terminal_safe

@pytest.mark.parametrize("cell", FORMULAS + ["\t=1+1", "\r=1+1", "  =1+1"])
def test_a_cell_a_spreadsheet_would_run_gets_a_leading_apostrophe(cell):
    assert neutralize_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["theft", "£78.00", "a-b", "", "'quoted", 42, None])
def test_other_cells_are_left_as_they_are(cell):
    assert neutralize_cell(cell) == cell


@pytest.mark.parametrize("cell", FORMULAS + ["'=1", "''-1", "'plain", "plain"])
def test_unneutralize_undoes_exactly_what_neutralize_added(cell):
    assert unneutralize_cell(neutralize_cell(cell)) == cell


def test_terminal_safe_removes_escape_sequences_controls_and_bidi_overrides():
    assert terminal_safe(HOSTILE) == "erased evil red "


def test_terminal_safe_keeps_text_readable_on_one_line():
    assert terminal_safe("Dear customer,\n\tpay £78.00 — merci") == "Dear customer,  pay £78.00 — merci"


# CSV export

def test_formula_cells_are_exported_neutralised(out, tmp_path):
    queue = review_queue(out).head(len(FORMULAS))
    queue["evidence"] = FORMULAS[:len(queue)]
    write_queue_csv(queue, tmp_path / "queue.csv")
    assert [row["evidence"] for row in _export_rows(tmp_path / "queue.csv")] == ["'" + f for f in FORMULAS[:len(queue)]]


def test_the_export_starts_with_a_utf8_bom_and_keeps_the_pound_sign(out, tmp_path):
    record_verdicts(out, [_first_flag(out)], "confirmed", "A. Jones", "refund of £78.00")
    result = CliRunner().invoke(cli, ["review", "queue", "--out", str(out), "--all", "--csv", str(tmp_path / "q.csv")])
    data = (tmp_path / "q.csv").read_bytes()
    assert result.exit_code == 0 and data.startswith(codecs.BOM_UTF8) and "refund of £78.00".encode() in data


def test_the_pound_sign_and_a_formula_note_round_trip_through_export_and_import(out, tmp_path):
    flag = _first_flag(out)
    record_verdicts(out, [flag], "confirmed", "A. Jones", "=HYPERLINK(\"x\") refund of £78.00")
    write_queue_csv(review_queue(out, include_reviewed=True), tmp_path / "q.csv")
    rows = _export_rows(tmp_path / "q.csv")
    row = next(r for r in rows if r["flag_id"] == flag)
    assert row["note"] == "'=HYPERLINK(\"x\") refund of £78.00"
    row["verdict"] = "dismissed"
    _rewrite(tmp_path / "q.csv", rows)
    assert import_verdicts(out, tmp_path / "q.csv").new == 1
    assert _stored(out).iloc[-1]["note"] == "=HYPERLINK(\"x\") refund of £78.00"


def test_an_export_to_a_missing_folder_is_a_usage_error(out, tmp_path):
    with pytest.raises(UsageError, match="cannot write"):
        write_queue_csv(review_queue(out), tmp_path / "no" / "such" / "q.csv")


# terminal output

def test_the_terminal_queue_prints_no_escape_or_control_characters(out, monkeypatch):
    queue = review_queue(out)
    for column in ("context", "evidence", "relative_path", "reasons", "department"):
        queue[column] = HOSTILE
    monkeypatch.setattr(review, "review_queue", lambda *args, **kwargs: queue)
    result = CliRunner().invoke(cli, ["review", "queue", "--out", str(out)])
    assert result.exit_code == 0 and "erased evil red" in result.output
    assert not any(ch in result.output for ch in "\x1b\x9b\x07\r\x08\u202e\u202c")


# import: encodings and separators

@pytest.mark.parametrize("encoding", ["cp1252", "utf-8", "utf-8-sig", "utf-16"])
def test_import_reads_the_encodings_spreadsheets_save(out, tmp_path, encoding):
    path = _write(tmp_path / "v.csv", f"flag_id,verdict,reviewer,note\r\n{_first_flag(out)},confirmed,A. Jones,"
                                      "£78.00 café\r\n", encoding)
    assert import_verdicts(out, path).new == 1
    assert _stored(out).iloc[-1]["note"] == "£78.00 café"


def test_import_reads_a_semicolon_separated_file_with_header_case_and_spaces(out, tmp_path):
    path = _write(tmp_path / "v.csv", f" Flag_ID ;VERDICT;Reviewer;Note\n{_first_flag(out)};Confirmed;A. Jones;1,5 %\n",
                  "cp1252")
    assert import_verdicts(out, path).new == 1
    assert _stored(out).iloc[-1][["verdict", "note"]].tolist() == ["confirmed", "1,5 %"]


def test_import_reads_the_tab_separated_utf16_file_excel_saves_as_unicode_text(out, tmp_path):
    path = _write(tmp_path / "v.txt", f"flag_id\tverdict\treviewer\n{_first_flag(out)}\tdismissed\tA. Jones\n",
                  "utf-16")
    assert import_verdicts(out, path).new == 1


def test_rows_with_an_empty_verdict_are_skipped_and_counted(out, tmp_path):
    flags = review_queue(out)["flag_id"][:3].tolist()
    path = _write(tmp_path / "v.csv", f"flag_id,verdict,reviewer\n{flags[0]},confirmed,A. Jones\n{flags[1]},,\n"
                                      f"{flags[2]},  ,\n")
    assert import_verdicts(out, path) == (1, 0, 2)


# import: clear errors

def test_a_binary_file_is_refused_as_not_a_csv(out, tmp_path):
    (tmp_path / "v.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(UsageError, match="is not a CSV file: it looks binary"):
        import_verdicts(out, tmp_path / "v.csv")


def test_a_file_of_control_characters_without_nul_is_refused_as_binary(out, tmp_path):
    (tmp_path / "v.csv").write_bytes(bytes(range(1, 32)) * 20)
    with pytest.raises(UsageError, match="looks binary"):
        import_verdicts(out, tmp_path / "v.csv")


def test_a_file_over_the_size_bound_is_refused_before_it_is_read(out, tmp_path, monkeypatch):
    monkeypatch.setattr(reviews, "MAX_CSV_BYTES", 1024)
    path = _write(tmp_path / "v.csv", "flag_id,verdict\n" + "x,confirmed\n" * 200)
    with pytest.raises(UsageError, match="larger than"):
        import_verdicts(out, path)


def test_a_200_kb_note_is_refused_naming_its_line_and_field(out, tmp_path):
    path = _write(tmp_path / "v.csv", f"flag_id,verdict,reviewer,note\n{_first_flag(out)},confirmed,A. Jones,"
                                      f"{'x' * 200_000}\n")
    with pytest.raises(UsageError, match="v.csv line 2: note is 200,000 characters long; at most 2,000"):
        import_verdicts(out, path)
    assert not (out / "reviews").exists()


def test_an_overlong_reviewer_is_refused_naming_its_line_and_field(out, tmp_path):
    path = _write(tmp_path / "v.csv", f"flag_id,verdict,reviewer\n{_first_flag(out)},confirmed,{'A' * 201}\n")
    with pytest.raises(UsageError, match="line 2: reviewer is 201 characters long; at most 200"):
        import_verdicts(out, path)


def test_broken_quoting_is_refused_naming_its_line(out, tmp_path):
    path = _write(tmp_path / "v.csv", f"flag_id,verdict,reviewer,note\n{_first_flag(out)},confirmed,A. Jones,ok\n"
                                      f"{_first_flag(out)},confirmed,A. Jones,\"never closed\n")
    with pytest.raises(UsageError, match="v.csv line 3: broken quoting"):
        import_verdicts(out, path)


def test_a_row_with_more_fields_than_the_header_is_refused_naming_its_line(out, tmp_path):
    path = _write(tmp_path / "v.csv", f"flag_id,verdict,reviewer,note\n{_first_flag(out)},confirmed,A. Jones,paid, "
                                      "thanks\n")
    with pytest.raises(UsageError, match="line 2: 5 fields but the header has 4"):
        import_verdicts(out, path)


def test_a_file_without_the_needed_columns_names_what_it_found(out, tmp_path):
    path = _write(tmp_path / "v.csv", "flag;decision\nabc;confirmed\n")
    with pytest.raises(UsageError, match="needs the columns flag_id and verdict \\(found: 'flag', 'decision'\\)"):
        import_verdicts(out, path)


def test_an_unknown_flag_id_fails_the_import_before_anything_is_written(out, tmp_path):
    path = _write(tmp_path / "v.csv", f"flag_id,verdict,reviewer\n{_first_flag(out)},confirmed,A. Jones\n"
                                      "nope,confirmed,A. Jones\n")
    with pytest.raises(UsageError, match="line 3: unknown flag id 'nope'"):
        import_verdicts(out, path)
    assert not (out / "reviews").exists()


def test_two_different_verdicts_from_one_reviewer_on_one_flag_in_a_file_are_refused(out, tmp_path):
    flag = _first_flag(out)
    path = _write(tmp_path / "v.csv", f"flag_id,verdict,reviewer\n{flag},confirmed,A. Jones\n"
                                      f"{flag},dismissed,A. Jones\n")
    with pytest.raises(UsageError, match="line 3: flag .* already has a different verdict from 'A. Jones' on line 2"):
        import_verdicts(out, path)


@pytest.mark.parametrize("content", [b"\x00\x01\x02binary", b"flag_id,verdict\nx,\"open\n",
                                     b"flag_id,verdict,note\nx,confirmed," + b"y" * 200_000,
                                     "flag_id\xff\xfe,verdict\n".encode("utf-16-le")])
def test_review_import_command_fails_with_one_error_line_and_exit_code_2(out, tmp_path, content):
    (tmp_path / "v.csv").write_bytes(content)
    result = CliRunner().invoke(cli, ["review", "import", str(tmp_path / "v.csv"), "--out", str(out),
                                      "--reviewer", "A. Jones"])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1 and "Traceback" not in result.output


# import: idempotent

def test_importing_the_same_csv_twice_stores_each_verdict_once(out, tmp_path):
    flags = review_queue(out)["flag_id"][:2].tolist()
    path = _write(tmp_path / "v.csv", f"flag_id,verdict,reviewer,note\n{flags[0]},confirmed,A. Jones,theft\n"
                                      f"{flags[1]},dismissed,A. Jones,\n")
    assert import_verdicts(out, path) == (2, 0, 0)
    assert import_verdicts(out, path) == (0, 2, 0)
    assert len(_stored(out)) == 2


def test_a_repeated_import_does_not_overturn_a_later_verdict_from_another_reviewer(out, tmp_path):
    flag = _first_flag(out)
    path = _write(tmp_path / "v.csv", f"flag_id,verdict,reviewer\n{flag},confirmed,A. Jones\n")
    import_verdicts(out, path)
    record_verdicts(out, [flag], "dismissed", "B. Smith")
    import_verdicts(out, path)
    assert review_queue(out, include_reviewed=True).set_index("flag_id").loc[flag, "verdict"] == "dismissed"


def test_a_changed_note_is_a_new_verdict(out, tmp_path):
    flag = _first_flag(out)
    record_verdicts(out, [flag], "confirmed", "A. Jones", "theft")
    assert record_verdicts(out, [flag], "confirmed", "A. Jones", "implies theft") == (1, 0, 0)
    assert record_verdicts(out, [flag], "confirmed", "A. Jones", "implies theft") == (0, 1, 0)


def test_review_import_command_reports_new_and_unchanged_verdicts(out, tmp_path):
    path = _write(tmp_path / "v.csv", f"flag_id,verdict\n{_first_flag(out)},confirmed\n")
    command = ["review", "import", str(path), "--out", str(out), "--reviewer", "A. Jones"]
    CliRunner().invoke(cli, command)
    result = CliRunner().invoke(cli, command)
    assert result.exit_code == 0
    assert result.output == (f"0 verdict(s) recorded under {out}/reviews; "
                             "1 already on record (same verdict and note from the same reviewer)\n")
