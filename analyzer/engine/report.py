"""Department comparison over any span of run dates, and its week-by-week trend.

A nightly partition holds only that night's new messages; ``department_report``
pools the partitions of a date range (a month, a quarter) and recomputes the
same comparison as the ``departments`` dataset (``analyzer.scoring.aggregate``),
and ``weekly_trend`` shows each department's mean score per ISO week, so ops can
see whether a department is getting better.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analyzer.errors import UsageError
from analyzer.io.store import OutputStore
from analyzer.scoring.aggregate import aggregate

COLUMNS = ["department", "channel", "applicable", "empathy_score", "flagged", "n_sentences", "n_customer_blame",
           "n_company_blame", "n_hostile", "n_curt", "n_apologies", "n_threats", "run_date"]


def scored_interactions(out: str | Path, since: str | None = None, until: str | None = None) -> pd.DataFrame:
    frame = OutputStore(Path(out)).read("interactions", columns=COLUMNS).to_pandas()
    frame["run_date"] = pd.to_datetime(frame["run_date"].astype(str))
    if since:
        frame = frame[frame["run_date"] >= _date(since, "--since")]
    if until:
        frame = frame[frame["run_date"] <= _date(until, "--until")]
    if frame.empty:
        raise UsageError(f"no interactions published between {since or 'the first run'} and {until or 'the last run'}")
    return frame


def _date(value: str, option: str) -> pd.Timestamp:
    try:
        return pd.Timestamp(value)
    except ValueError:
        raise UsageError(f"{option} must be a date YYYY-MM-DD, got {value!r}") from None


def department_report(out: str | Path, since: str | None = None, until: str | None = None) -> pd.DataFrame:
    return aggregate(scored_interactions(out, since, until))


def weekly_trend(out: str | Path, since: str | None = None, until: str | None = None) -> pd.DataFrame:
    """Mean empathy score and scored count per department and ISO week (weeks as columns)."""
    frame = scored_interactions(out, since, until)
    scored = frame[frame["applicable"]].copy()
    scored["week"] = scored["run_date"].dt.strftime("%G-W%V")
    table = scored.pivot_table(index="department", columns="week", values="empathy_score",
                               aggfunc=["mean", "count"])
    return table
