"""Each source message counts once, at its latest version, across nights."""

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from analyzer import run
from analyzer.cli import cli
from analyzer.engine.report import department_report, scored_interactions, weekly_trend
from analyzer.report.counting import latest_versions

HEADER = "id,department,channel,direction,role,text\n"
TICKETS = {
    "T-1": "We are so sorry the parcel went astray, that was our mistake and a new one is on its way today.",
    "T-2": "You failed to pay the invoice again and we will pass your account to collections.",
    "T-3": "Thank you for waiting, we have refunded the double charge and apologise for the trouble it caused.",
}
LETTER = ("Dear customer,\n\nWe are sorry for the delay with your refund. It was our error and we have now "
          "sent the full amount back to your card, with a small credit for the trouble.\n\nKind regards\n")


def _tickets(rows: dict[str, str]) -> str:
    return HEADER + "".join(f'{key},support,email,outbound,agent,"{text}"\n' for key, text in rows.items())


@pytest.fixture(scope="module")
def two_nights(tmp_path_factory):
    """Night 1: a 3-row export and a letter. Night 2 (--full-refresh): the export changed (T-2 removed,
    T-3 reworded), the letter re-scored unchanged."""
    root = tmp_path_factory.mktemp("counting")
    drop, out = root / "drop", root / "out"
    (drop / "support").mkdir(parents=True)
    (drop / "support" / "tickets.csv").write_text(_tickets(TICKETS), encoding="utf-8")
    (drop / "support" / "letter.txt").write_text(LETTER, encoding="utf-8")
    run([drop], out, run_date="2026-11-02")
    changed = {"T-1": TICKETS["T-1"], "T-3": "Your refund is done and we are sorry it took us a whole week."}
    (drop / "support" / "tickets.csv").write_text(_tickets(changed), encoding="utf-8")
    run([drop], out, run_date="2026-11-10", full_refresh=True)
    return out


def _frame(rows):
    return pd.DataFrame(rows, columns=["source_path", "source_offset", "run_date", "value"])


def test_rows_of_an_earlier_partition_are_replaced_by_the_files_current_partition():
    frame = _frame([("/a", 0, "2026-11-02", "old"), ("/a", 0, "2026-11-10", "new"), ("/b", 0, "2026-11-02", "b")])
    kept = latest_versions(frame, {"/a": "2026-11-10", "/b": "2026-11-02"})
    assert sorted(kept["value"]) == ["b", "new"]


def test_a_message_removed_from_a_changed_file_is_not_counted():
    frame = _frame([("/a", 0, "2026-11-02", "kept-old"), ("/a", 1, "2026-11-02", "removed"),
                    ("/a", 0, "2026-11-10", "kept-new")])
    assert list(latest_versions(frame, {"/a": "2026-11-10"})["value"]) == ["kept-new"]


def test_the_manifest_wins_over_the_latest_run_date_after_a_backfill():
    frame = _frame([("/a", 0, "2026-11-02", "backfilled"), ("/a", 0, "2026-11-10", "older run")])
    assert list(latest_versions(frame, {"/a": "2026-11-02"})["value"]) == ["backfilled"]


def test_a_file_missing_from_the_manifest_counts_at_its_latest_run_date():
    frame = _frame([("/a", 0, "2026-11-02", "old"), ("/a", 0, "2026-11-10", "new")])
    assert list(latest_versions(frame, {})["value"]) == ["new"]


def test_a_file_whose_current_version_has_no_rows_is_not_counted():
    frame = _frame([("/a", 0, "2026-11-02", "old")])
    assert latest_versions(frame, {"/a": "2026-11-10"}).empty  # night 2 read it as an error


def test_two_nights_count_each_message_once_at_its_latest_version(two_nights):
    current = scored_interactions(two_nights)
    assert len(current) == 3  # T-1, T-3 (reworded) and the letter; T-2 was removed
    assert set(current["run_date"].dt.strftime("%Y-%m-%d")) == {"2026-11-10"}
    assert not current["interaction_id"].duplicated().any()
    support = department_report(two_nights).query("level == 'department'").iloc[0]
    assert support["n_interactions"] == 3


def test_the_removed_message_does_not_reach_the_report(two_nights):
    current = scored_interactions(two_nights)
    assert current.query("relative_path == 'support/tickets.csv'")["source_offset"].tolist() == [0, 1]


def test_the_weekly_trend_counts_the_rescored_night_only(two_nights):
    trend = weekly_trend(two_nights)
    assert list(trend["count"].columns) == ["2026-W46"] and trend["count"].loc["support", "2026-W46"] == 3


def test_report_json_counts_each_message_once(two_nights):
    result = CliRunner().invoke(cli, ["report", "--out", str(two_nights), "--json"])
    company = next(json.loads(line) for line in result.output.splitlines() if '"company"' in line)
    assert result.exit_code == 0 and company["n_interactions"] == 3
