"""[targets]: validation, alerts in the report, the run summary and run --json; the department CSV."""

import json

import pytest
from click.testing import CliRunner
from report_frames import department, frames

from analyzer.cli import cli
from analyzer.config import Targets, config_from_dict
from analyzer.engine.report import write_department_csv
from analyzer.engine.summary import RunSummary, render
from analyzer.report.alerts import target_alerts
from analyzer.report.document import build_document
from analyzer.report.page import render_page

WEEK_1, WEEK_2 = "2026-11-02", "2026-11-09"


def _alerts(rows, targets, min_scored=3):
    interactions, _ = frames(rows)
    return target_alerts(interactions, targets, min_scored)


def test_a_department_below_its_minimum_gets_a_below_target_alert():
    alerts = _alerts(department("collections", [40, 45, 50]), Targets(min_empathy={"collections": 60}))
    assert [(a["department"], a["kind"], a["threshold"]) for a in alerts] == [("collections", "below_target", 60)]


def test_a_department_at_its_minimum_gets_no_alert():
    assert _alerts(department("collections", [60, 60, 60]), Targets(min_empathy={"collections": 60})) == []


def test_a_fall_larger_than_max_drop_since_the_previous_week_is_an_alert():
    rows = department("billing", [70, 72, 74], WEEK_1) + department("billing", [60, 62, 64], WEEK_2)
    alerts = _alerts(rows, Targets(max_drop=5))
    assert [(a["kind"], a["previous_mean"], a["empathy_mean"]) for a in alerts] == [("falling", 72.0, 62.0)]


def test_a_gap_to_the_reference_department_beyond_max_gap_is_an_alert():
    rows = department("support", [80, 80, 80]) + department("sales", [75, 75, 75]) + department("agency", [50] * 3)
    alerts = _alerts(rows, Targets(max_gap_to="support", max_gap=10))
    assert [(a["department"], a["kind"]) for a in alerts] == [("agency", "gap_to_reference")]


def test_a_small_sample_is_not_judged():
    assert _alerts(department("collections", [10, 10]), Targets(min_empathy={"collections": 60})) == []


def test_the_report_marks_the_alerts():
    rows = department("billing", [70, 72, 74], WEEK_1) + department("billing", [60, 62, 64], WEEK_2)
    interactions, sentences = frames(rows)
    config = config_from_dict({"targets": {"max_drop": 5}, "report": {"min_scored": 3}})
    page = render_page(build_document(interactions, sentences, config, "all runs"))
    assert 'class="alert">billing: fell 10.0 points from 2026-W45 to 2026-W46 (allowed: 5)' in page


def test_the_run_summary_lists_the_alerts():
    summary = RunSummary(out="out", alerts=[{"message": "collections: mean empathy 40.0 in 2026-W46 is below its "
                                                        "target of 60", "kind": "below_target"}])
    assert "ALERT collections: mean empathy 40.0" in render(summary)
    assert summary.to_dict()["alerts"][0]["kind"] == "below_target"


@pytest.mark.parametrize("section, message", [
    ("[targets]\ncollections = 60", "unknown key 'collections' in [targets]"),
    ("[targets]\nmax_gap = 10", "max_gap and max_gap_to go together"),
    ("[targets.min_empathy]\ncollections = 160", "min_empathy.collections must be a number from 0 to 100"),
    ("[targets]\nperiod = \"day\"", "period must be one of week, month"),
])
def test_an_invalid_targets_section_is_one_line_and_exit_2(tmp_path, section, message):
    config = tmp_path / "bad.toml"
    config.write_text(section + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["report", "--out", str(tmp_path), "--html", str(tmp_path / "r.html"),
                                      "--config", str(config)])
    assert result.exit_code == 2 and message in result.output and len(result.output.strip().splitlines()) == 1


def test_targets_do_not_change_the_scoring_digest():
    assert config_from_dict({"targets": {"max_drop": 5}}).digest == config_from_dict({}).digest


def test_the_csv_has_a_bom_and_neutralised_formula_cells(tmp_path):
    rows = department("=HYPERLINK(1)", [50, 60, 70]) + department("support", [80, 85, 90])
    interactions, sentences = frames(rows)
    document = build_document(interactions, sentences, config_from_dict({}), "all runs")
    path = tmp_path / "departments.csv"
    write_department_csv(path, document)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert "\n'=HYPERLINK(1)," in data.decode("utf-8-sig") and "\n=HYPERLINK" not in data.decode("utf-8-sig")


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    """A real run of the pipeline on a few sample files, with targets every department misses."""
    import shutil

    from conftest import SAMPLES

    root = tmp_path_factory.mktemp("targets")
    drop = root / "drop"
    for relative in ("support/email-refund-double-charge.eml", "agency/demand-letter-2.txt",
                     "agency/final-warning.docx", "billing/mailbox-2026-03.mbox"):
        (drop / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SAMPLES / relative, drop / relative)
    config = root / "analyzer.toml"
    # the sample config without its own [targets] and [report] sections
    base = (SAMPLES / "analyzer.toml").read_text(encoding="utf-8").split("\n[targets]")[0]
    config.write_text(base + '\n[targets.min_empathy]\n'
                      'agency = 100\nsupport = 100\n\n[report]\nmin_scored = 1\npartners = ["agency"]\n',
                      encoding="utf-8")
    result = CliRunner().invoke(cli, ["run", str(drop), "--out", str(root / "out"), "--config", str(config),
                                      "--run-date", "2026-11-02", "--json"])
    return root, config, result


def test_run_json_carries_the_alerts(sample_run):
    _, _, result = sample_run
    summary = json.loads(result.output)
    assert {(a["department"], a["kind"]) for a in summary["alerts"]} == {("agency", "below_target"),
                                                                         ("support", "below_target")}


def test_report_command_writes_the_html_and_csv_of_a_real_run(sample_run):
    root, config, _ = sample_run
    html, csv = root / "report.html", root / "departments.csv"
    result = CliRunner().invoke(cli, ["report", "--out", str(root / "out"), "--html", str(html), "--csv", str(csv),
                                      "--config", str(config)])
    page = html.read_text(encoding="utf-8")
    assert result.exit_code == 0, result.output
    for name in ("support", "agency (partner)", "billing"):
        assert name in page
    assert "below target" in page and "tone-" in page and "<script" not in page
    assert csv.read_bytes().startswith(b"\xef\xbb\xbf")


def test_report_weekly_shows_intervals(sample_run):
    root, _, _ = sample_run
    result = CliRunner().invoke(cli, ["report", "--out", str(root / "out"), "--weekly", "--json"])
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert result.exit_code == 0 and all(r["ci_low"] <= r["mean"] <= r["ci_high"] for r in rows) and rows
