"""The review queue and reviewers' verdicts on a small scored drop."""

import csv
import shutil
from datetime import datetime, timedelta, timezone

import pandas as pd
import pytest
from click.testing import CliRunner

from analyzer import run
from analyzer.cli import cli
from analyzer.engine.review import import_verdicts, record_verdicts, review_queue
from analyzer.errors import UsageError
from conftest import SAMPLES

FILES = ("agency/demand-letter-2.txt", "collections/email-you-failed-to-pay.eml",
         "support/email-refund-double-charge.eml")


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    root = tmp_path_factory.mktemp("review")
    for relative in FILES:
        (root / "drop" / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SAMPLES / relative, root / "drop" / relative)
    run([root / "drop"], root / "base", SAMPLES / "analyzer.toml", run_date="2026-04-01")
    return root / "base"


@pytest.fixture
def out(scored, tmp_path):
    shutil.copytree(scored, tmp_path / "out")
    return tmp_path / "out"


def test_the_queue_puts_the_most_severe_flags_first_with_the_words_in_brackets(out):
    queue = review_queue(out)
    assert list(queue["severity"])[0] == "critical" and queue.iloc[0]["rule"] == "implied_crime"
    assert "[theft]" in queue.iloc[0]["context"]
    assert set(queue["department"]) <= {"agency", "collections"}


def test_the_queue_can_be_narrowed_to_a_department_and_a_severity(out):
    queue = review_queue(out, departments=("collections",), min_severity="high")
    assert len(queue) > 0 and set(queue["department"]) == {"collections"}
    assert set(queue["severity"]) <= {"high", "critical"}


def test_a_recorded_verdict_takes_the_flag_off_the_queue(out):
    flag = review_queue(out).iloc[0]["flag_id"]
    assert record_verdicts(out, [flag], "confirmed", "A. Jones", "accuses the customer of theft").new == 1
    assert flag not in set(review_queue(out)["flag_id"])
    reviewed = review_queue(out, include_reviewed=True).set_index("flag_id")
    assert reviewed.loc[flag, "verdict"] == "confirmed" and reviewed.loc[flag, "reviewer"] == "A. Jones"


def test_the_latest_verdict_on_a_flag_wins(out):
    flag = review_queue(out).iloc[0]["flag_id"]
    now = datetime(2026, 4, 2, 9, 0, tzinfo=timezone.utc)
    record_verdicts(out, [flag], "confirmed", "A. Jones", now=now)
    record_verdicts(out, [flag], "dismissed", "B. Smith", now=now + timedelta(hours=1))
    reviewed = review_queue(out, include_reviewed=True).set_index("flag_id")
    assert reviewed.loc[flag, "verdict"] == "dismissed"
    assert len(pd.read_parquet(out / "reviews")) == 2  # the earlier verdict stays as history


def test_an_unknown_flag_id_is_rejected_and_nothing_is_written(out):
    with pytest.raises(UsageError, match="unknown flag id 'nope'"):
        record_verdicts(out, ["nope"], "confirmed", "A. Jones")
    assert not (out / "reviews").exists()


def test_verdicts_filled_into_the_exported_csv_are_imported(out, tmp_path):
    queue = review_queue(out)
    path = tmp_path / "queue.csv"
    queue.to_csv(path, index=False)
    rows = list(csv.DictReader(open(path, newline="")))
    rows[0]["verdict"], rows[1]["verdict"], rows[1]["note"] = "confirmed", "Dismissed", "legitimate notice"
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = import_verdicts(out, path, reviewer="A. Jones")
    assert (result.new, result.skipped) == (2, len(queue) - 2)
    assert len(review_queue(out)) == len(queue) - 2


def test_a_bad_verdict_in_the_csv_names_its_line(out, tmp_path):
    flag = review_queue(out).iloc[0]["flag_id"]
    path = tmp_path / "verdicts.csv"
    path.write_text(f"flag_id,verdict,reviewer\n{flag},maybe,A. Jones\n")
    with pytest.raises(UsageError, match="line 2: verdict must be one of confirmed, dismissed; got 'maybe'"):
        import_verdicts(out, path)


def test_review_queue_on_a_folder_without_a_run_exits_2(tmp_path):
    result = CliRunner().invoke(cli, ["review", "queue", "--out", str(tmp_path)])
    assert result.exit_code == 2 and result.output.startswith("Error: no flags dataset")


def test_review_record_command_confirms_a_flag(out):
    flag = review_queue(out).iloc[0]["flag_id"]
    result = CliRunner().invoke(cli, ["review", "record", flag, "--out", str(out), "--verdict", "confirmed",
                                      "--reviewer", "A. Jones"])
    assert result.exit_code == 0 and "1 verdict(s) recorded" in result.output


def test_review_queue_command_prints_the_evidence(out):
    result = CliRunner().invoke(cli, ["review", "queue", "--out", str(out), "--min-severity", "critical"])
    assert result.exit_code == 0 and "[critical] implied_crime" in result.output and "[theft]" in result.output


def test_the_queue_drops_the_flags_of_a_changed_files_earlier_version(tmp_path):
    drop = tmp_path / "drop" / "collections"
    drop.mkdir(parents=True)
    letter = drop / "letter.txt"
    letter.write_text("Dear Ms Marin,\n\nYou have kept the clothes without paying for them and that is theft. "
                      "Pay today or we will take legal action.\n\nCollections Team\n")
    run([tmp_path / "drop"], tmp_path / "out", SAMPLES / "analyzer.toml", run_date="2026-04-01")
    before = set(review_queue(tmp_path / "out")["flag_id"])
    letter.write_text("Dear Ms Marin,\n\nWe are so sorry: our payment page failed and charged you twice. We have "
                      "refunded the second payment and you owe nothing.\n\nCollections Team\n")
    run([tmp_path / "drop"], tmp_path / "out", SAMPLES / "analyzer.toml", run_date="2026-04-02")
    assert before and not before & set(review_queue(tmp_path / "out", include_reviewed=True)["flag_id"])
