"""Department comparison over any span of run dates, its weekly trend, the HTML report and target alerts.

A nightly partition holds only that night's new and re-scored files;
``department_report`` pools the partitions of a date range (a month, a quarter)
and recomputes the same comparison as the ``departments`` dataset
(``analyzer.scoring.aggregate``), and ``weekly_trend`` shows each department's
mean score per ISO week with its 95% interval. Every view counts each source
message once, at its latest version (``analyzer.report.counting``): a file
re-scored or changed on a later night replaces its earlier rows.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analyzer.config import Config, load_config
from analyzer.engine.safe_text import neutralize_cell
from analyzer.errors import UsageError
from analyzer.io.store import OutputStore
from analyzer.report.alerts import target_alerts
from analyzer.report.counting import latest_versions
from analyzer.report.periods import period_stats
from analyzer.scoring.aggregate import aggregate

COLUMNS = ["interaction_id", "source_path", "relative_path", "source_offset", "department", "channel", "direction",
           "sent_at", "subject", "applicable", "empathy_score", "flagged", "flag_reasons", "n_sentences",
           "n_customer_blame", "n_company_blame", "n_hostile", "n_curt", "n_apologies", "n_threats",
           "model_version", "run_date"]
SENTENCE_COLUMNS = ["interaction_id", "source_path", "sentence_index", "start", "text", "spans", "valence",
                    "run_date"]


def _in_window(frame: pd.DataFrame, since: str | None, until: str | None) -> pd.DataFrame:
    dates = pd.to_datetime(frame["run_date"].astype(str))
    keep = pd.Series(True, index=frame.index)
    if since:
        keep &= dates >= _date(since, "--since")
    if until:
        keep &= dates <= _date(until, "--until")
    return frame[keep]


def scored_interactions(out: str | Path, since: str | None = None, until: str | None = None,
                        columns: list[str] | None = None) -> pd.DataFrame:
    """Every message's latest version published between ``since`` and ``until`` (run dates)."""
    store = OutputStore(Path(out))
    frame = store.read("interactions", columns=columns or COLUMNS).to_pandas()
    frame = _in_window(latest_versions(frame, store.current_run_dates()), since, until)
    if frame.empty:
        raise UsageError(f"no interactions published between {since or 'the first run'} and {until or 'the last run'}")
    frame = frame.copy()
    frame["run_date"] = pd.to_datetime(frame["run_date"].astype(str))
    return frame.reset_index(drop=True)


def current_sentences(out: str | Path, interaction_ids) -> pd.DataFrame:
    """The sentences of the given (current) interactions, from their current partition only."""
    store = OutputStore(Path(out))
    frame = store.read("sentences", columns=SENTENCE_COLUMNS).to_pandas()
    frame = latest_versions(frame, store.current_run_dates())
    return frame[frame["interaction_id"].isin(set(interaction_ids))].reset_index(drop=True)


def _date(value: str, option: str) -> pd.Timestamp:
    try:
        return pd.Timestamp(value)
    except ValueError:
        raise UsageError(f"{option} must be a date YYYY-MM-DD, got {value!r}") from None


def department_report(out: str | Path, since: str | None = None, until: str | None = None) -> pd.DataFrame:
    return aggregate(scored_interactions(out, since, until))


def weekly_stats(out: str | Path, since: str | None = None, until: str | None = None) -> pd.DataFrame:
    """One row per department and ISO week: n_scored, mean and its 95% bootstrap interval."""
    return period_stats(scored_interactions(out, since, until), "week")


def weekly_trend(out: str | Path, since: str | None = None, until: str | None = None) -> pd.DataFrame:
    """Mean, 95% interval and scored count per department and ISO week (weeks as columns under each statistic)."""
    stats = weekly_stats(out, since, until).rename(columns={"period": "week", "n_scored": "count"})
    return stats.pivot_table(index="department", columns="week", values=["mean", "ci_low", "ci_high", "count"])


def window_label(since: str | None, until: str | None, run_dates: pd.Series | None = None) -> str:
    """The report's span: the dates asked for, else the first and last run date in the data."""
    first = run_dates.min().date().isoformat() if run_dates is not None and len(run_dates) else "first run"
    last = run_dates.max().date().isoformat() if run_dates is not None and len(run_dates) else "last run"
    return f"{since or first} to {until or last}"


def report_document(out: str | Path, since: str | None = None, until: str | None = None,
                    config: Config | str | Path | None = None) -> dict:
    """The HTML report's content (see ``analyzer.report.document``)."""
    from analyzer.report.document import build_document

    if not isinstance(config, Config):
        config = load_config(config)
    interactions = scored_interactions(out, since, until)
    sentences = current_sentences(out, interactions["interaction_id"])
    return build_document(interactions, sentences, config,
                          window_label(since, until, pd.to_datetime(interactions["run_date"].astype(str))))


def write_html_report(path: str | Path, out: str | Path, since: str | None = None, until: str | None = None,
                      config: Config | str | Path | None = None) -> dict:
    """Write the self-contained HTML report to ``path``; returns its content."""
    from analyzer.report.page import render_page

    document = report_document(out, since, until, config)
    _write_text(path, render_page(document))
    return document


def write_department_csv(path: str | Path, document: dict) -> None:
    """The department table for a spreadsheet: UTF-8 with a BOM, no cell that runs as a formula."""
    from analyzer.report.document import TABLE_COLUMNS

    rows = [{**row, "alerts": "; ".join(row["alerts"])} for row in document["departments"]]
    table = pd.DataFrame(rows, columns=TABLE_COLUMNS).astype(object).map(neutralize_cell)
    try:
        table.to_csv(path, index=False, encoding="utf-8-sig")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None


def _write_text(path: str | Path, text: str) -> None:
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None


def department_alerts(out: str | Path, config: Config) -> list[dict]:
    """Target alerts on everything published under ``out`` (for the nightly run's summary)."""
    if not config.targets.configured or not (Path(out) / "interactions").exists():
        return []
    try:
        interactions = scored_interactions(out)
    except UsageError:
        return []  # nothing published yet (every file failed): nothing to judge
    return target_alerts(interactions[interactions["direction"] != "internal"], config.targets,
                         config.report.min_scored)
