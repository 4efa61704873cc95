"""Mean empathy per department and period (ISO week or calendar month) with a 95% interval.

The interval is the percentile bootstrap of the mean that the ``departments``
dataset uses (``analyzer.scoring.aggregate.bootstrap_ci``, 2,000 resamples, a
seed fixed per department and period), so a week's interval reads like the
department table's.
"""

from __future__ import annotations

import zlib

import pandas as pd

from analyzer.scoring.aggregate import bootstrap_ci

PERIOD_COLUMNS = ["department", "period", "n_scored", "mean", "ci_low", "ci_high"]


def period_label(run_dates: pd.Series, period: str) -> pd.Series:
    """``2026-W45`` (ISO week) or ``2026-11`` (month) for each run date."""
    dates = pd.to_datetime(run_dates.astype(str))
    return dates.dt.strftime("%G-W%V" if period == "week" else "%Y-%m")


def previous_period(label: str, period: str) -> str:
    """The period just before ``label``: a week without runs is still the previous week."""
    if period == "week":
        monday = pd.Timestamp.fromisocalendar(int(label[:4]), int(label[6:]), 1)
        return (monday - pd.Timedelta(days=7)).strftime("%G-W%V")
    return (pd.Period(label, freq="M") - 1).strftime("%Y-%m")


def period_stats(interactions: pd.DataFrame, period: str = "week") -> pd.DataFrame:
    """One row per department and period with scored messages: n_scored, mean, ci_low, ci_high."""
    scored = interactions[interactions["applicable"]].copy()
    if scored.empty:
        return pd.DataFrame(columns=PERIOD_COLUMNS)
    scored["period"] = period_label(scored["run_date"], period)
    rows = []
    for (department, label), group in scored.groupby(["department", "period"], sort=True):
        scores = group["empathy_score"].to_numpy(dtype=float)
        low, high = bootstrap_ci(scores, zlib.crc32(f"{department}/{label}".encode()))
        rows.append({"department": department, "period": label, "n_scored": len(scores),
                     "mean": round(float(scores.mean()), 2), "ci_low": round(low, 2), "ci_high": round(high, 2)})
    return pd.DataFrame(rows, columns=PERIOD_COLUMNS)
