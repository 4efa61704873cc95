"""Department comparison over a span of run dates, and the weekly trend."""

import shutil

import pytest
from click.testing import CliRunner

from analyzer import run
from analyzer.cli import cli
from analyzer.engine.report import department_report, weekly_trend
from analyzer.errors import UsageError
from conftest import SAMPLES

CONFIG = SAMPLES / "analyzer.toml"


@pytest.fixture(scope="module")
def two_nights(tmp_path_factory):
    root = tmp_path_factory.mktemp("report")
    out = root / "out"
    for night, (date, files) in enumerate([("2026-11-02", ("support/email-refund-double-charge.eml",
                                                           "agency/demand-letter-2.txt")),
                                           ("2026-11-10", ("support/email-latin1-exchange.eml",
                                                           "agency/final-warning.docx"))]):
        drop = root / f"night{night}"
        for relative in files:
            (drop / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(SAMPLES / relative, drop / relative)
        run([drop], out, CONFIG, run_date=date)
    return out


def _department(table, name):
    return table[(table["level"] == "department") & (table["department"] == name)].iloc[0]


def test_the_report_pools_every_published_night_by_default(two_nights):
    table = department_report(two_nights)
    assert _department(table, "support")["n_scored"] == 2 and _department(table, "agency")["n_scored"] == 2


def test_the_report_can_be_limited_to_a_span_of_run_dates(two_nights):
    table = department_report(two_nights, since="2026-11-05")
    assert _department(table, "support")["n_scored"] == 1


def test_the_weekly_trend_has_one_column_per_iso_week(two_nights):
    trend = weekly_trend(two_nights)
    assert list(trend["mean"].columns) == ["2026-W45", "2026-W46"]
    assert trend["mean"].loc["support"].min() > trend["mean"].loc["agency"].max()


def test_a_span_without_runs_is_a_clear_usage_error(two_nights):
    with pytest.raises(UsageError, match="no interactions published between 2027-01-01"):
        department_report(two_nights, since="2027-01-01")


def test_report_command_prints_the_comparison(two_nights):
    result = CliRunner().invoke(cli, ["report", "--out", str(two_nights)])
    assert result.exit_code == 0 and "(company)" in result.output and "agency" in result.output


def test_report_command_rejects_a_bad_date_with_one_line(two_nights):
    result = CliRunner().invoke(cli, ["report", "--out", str(two_nights), "--since", "nope"])
    assert result.exit_code == 2 and result.output.strip() == "Error: --since must be a date YYYY-MM-DD, got 'nope'"
