"""Department and channel aggregates of one run, with intervals and gap tests.

For each group (the whole company, each department, each channel): counts, mean,
median and 10th percentile of the empathy score with a percentile-bootstrap 95%
interval of the mean, sentence-level rates, interaction-level rates, and the gap
to the company-wide mean. The gap is tested with Welch's t-test of the group
against the rest of the company (not against a total that contains the group),
and p-values are Holm-adjusted across the groups of one level, so a report can
say "collections is 18 points below the company, p < 0.01".
"""

from __future__ import annotations

import warnings
import zlib

import numpy as np
import pandas as pd
from scipy import stats

BOOTSTRAP_RESAMPLES = 2000
ALPHA = 0.05
MIN_GROUP_FOR_TEST = 2
_BOOTSTRAP_CHUNK = 200
ALL = None  # a column not grouped on is null (SQL GROUPING SETS convention)

AGGREGATE_COLUMNS = [
    "level", "department", "channel", "n_interactions", "n_scored", "n_sentences",
    "empathy_mean", "empathy_median", "empathy_p10", "empathy_ci_low", "empathy_ci_high",
    "customer_blame_rate", "company_ownership_rate", "hostile_rate", "curt_rate",
    "apology_rate", "threat_rate", "flagged_rate", "n_flagged",
    "gap_to_company", "gap_p_value", "gap_p_adjusted", "gap_verdict",
]


def bootstrap_ci(values: np.ndarray, seed: int, resamples: int = BOOTSTRAP_RESAMPLES) -> tuple[float, float]:
    """Percentile 95% interval of the mean; resampled in chunks so memory stays flat for large groups."""
    if len(values) == 0:
        return (np.nan, np.nan)
    if len(values) == 1:
        return (float(values[0]), float(values[0]))
    rng = np.random.default_rng(seed)
    means = []
    for start in range(0, resamples, _BOOTSTRAP_CHUNK):
        size = min(_BOOTSTRAP_CHUNK, resamples - start)
        means.append(values[rng.integers(0, len(values), size=(size, len(values)))].mean(axis=1))
    low, high = np.percentile(np.concatenate(means), [2.5, 97.5])
    return float(low), float(high)


def _ratio(numerator: float, denominator: float) -> float | None:
    return float(numerator) / denominator if denominator else None


def _round(value, digits: int = 4):
    return None if value is None or (isinstance(value, float) and np.isnan(value)) else round(float(value), digits)


def _group_row(level: str, department, channel, group: pd.DataFrame) -> dict:
    scored = group[group["applicable"]]
    scores = scored["empathy_score"].to_numpy(dtype=float)
    seed = zlib.crc32(f"{level}/{department}/{channel}".encode())
    low, high = bootstrap_ci(scores, seed)
    sentences = int(group["n_sentences"].sum())
    n_scored = len(scored)
    return {
        "level": level, "department": department, "channel": channel,
        "n_interactions": len(group), "n_scored": n_scored, "n_sentences": sentences,
        "empathy_mean": _round(scores.mean() if n_scored else None, 2),
        "empathy_median": _round(np.median(scores) if n_scored else None, 2),
        "empathy_p10": _round(np.percentile(scores, 10) if n_scored else None, 2),
        "empathy_ci_low": _round(low if n_scored else None, 2),
        "empathy_ci_high": _round(high if n_scored else None, 2),
        "customer_blame_rate": _round(_ratio(group["n_customer_blame"].sum(), sentences)),
        "company_ownership_rate": _round(_ratio(group["n_company_blame"].sum(), sentences)),
        "hostile_rate": _round(_ratio(group["n_hostile"].sum(), sentences)),
        "curt_rate": _round(_ratio(group["n_curt"].sum(), sentences)),
        "apology_rate": _round(_ratio((scored["n_apologies"] > 0).sum(), n_scored)),
        "threat_rate": _round(_ratio((scored["n_threats"] > 0).sum(), n_scored)),
        "flagged_rate": _round(_ratio(scored["flagged"].sum(), n_scored)),
        "n_flagged": int(group["flagged"].sum()),
        "gap_to_company": None, "gap_p_value": None, "gap_p_adjusted": None, "gap_verdict": None,
    }


def holm(p_values: list[float]) -> list[float]:
    """Holm-Bonferroni adjusted p-values, in the input order."""
    order = np.argsort(p_values)
    adjusted = np.empty(len(p_values))
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (len(p_values) - rank) * p_values[index]))
        adjusted[index] = running
    return adjusted.tolist()


def _test_gaps(rows: list[dict], groups: list[pd.DataFrame], company: pd.DataFrame) -> None:
    company_scores = company.loc[company["applicable"], "empathy_score"].to_numpy(dtype=float)
    company_mean = company_scores.mean() if len(company_scores) else np.nan
    tested = []
    for row, group in zip(rows, groups):
        own = group.loc[group["applicable"], "empathy_score"].to_numpy(dtype=float)
        rest = company.loc[company["applicable"] & ~company.index.isin(group.index), "empathy_score"].to_numpy(dtype=float)
        if len(own):
            row["gap_to_company"] = _round(own.mean() - company_mean, 2)
        if len(own) < MIN_GROUP_FOR_TEST or len(rest) < MIN_GROUP_FOR_TEST:
            row["gap_verdict"] = "too few to test"
            continue
        if np.ptp(np.concatenate([own, rest])) == 0:
            p_value = 1.0  # every score equal: nothing to distinguish
        else:
            with warnings.catch_warnings():  # near-identical scores: scipy warns, the p-value is still right
                warnings.simplefilter("ignore", RuntimeWarning)
                p_value = float(stats.ttest_ind(own, rest, equal_var=False).pvalue)
            p_value = 1.0 if np.isnan(p_value) else p_value  # both groups constant, at different values
        row["gap_p_value"] = _round(p_value, 6)
        tested.append(row)
    for row, adjusted in zip(tested, holm([row["gap_p_value"] for row in tested])):
        row["gap_p_adjusted"] = _round(adjusted, 6)
        if adjusted < ALPHA:
            row["gap_verdict"] = "below company" if row["gap_to_company"] < 0 else "above company"
        else:
            row["gap_verdict"] = "not distinguishable"


def aggregate(interactions: pd.DataFrame) -> pd.DataFrame:
    """Rows for the company, each department and each channel (``level`` says which).

    ``interactions`` needs: department, channel, applicable, empathy_score, flagged (and, when
    present, direction: internal mail is left out),
    n_sentences, n_customer_blame, n_company_blame, n_hostile, n_curt, n_apologies, n_threats.
    """
    frame = interactions.reset_index(drop=True)
    if "direction" in frame.columns:  # staff-to-staff mail is reported apart, never in the customer-facing rows
        frame = frame[frame["direction"] != "internal"].reset_index(drop=True)
    rows = [_group_row("company", ALL, ALL, frame)]
    for level, column in (("department", "department"), ("channel", "channel")):
        level_rows, groups = [], []
        for value, group in frame.groupby(column, sort=True):
            department = value if column == "department" else ALL
            channel = value if column == "channel" else ALL
            level_rows.append(_group_row(level, department, channel, group))
            groups.append(group)
        _test_gaps(level_rows, groups, frame)
        rows += level_rows
    return pd.DataFrame(rows, columns=AGGREGATE_COLUMNS)
