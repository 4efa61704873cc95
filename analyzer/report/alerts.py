"""Departments that miss their targets in the latest period, as structured alerts.

Three checks (``[targets]`` in the config), each on the latest period in the data
(ISO week or month of the run dates) and only for departments with at least
``min_scored`` scored messages in the period(s) compared, so three messages do
not page anyone:
- ``below_target``: mean empathy below the department's ``min_empathy``;
- ``gap_to_reference``: mean more than ``max_gap`` points below ``max_gap_to``'s;
- ``falling``: mean more than ``max_drop`` points below the previous period's.
"""

from __future__ import annotations

import pandas as pd

from analyzer.config import Targets
from analyzer.report.periods import period_stats, previous_period


def target_alerts(interactions: pd.DataFrame, targets: Targets, min_scored: int) -> list[dict]:
    """Alerts for the latest period of ``interactions`` (customer-facing, current versions), worst first."""
    if not targets.configured:
        return []
    stats = period_stats(interactions, targets.period)
    if stats.empty:
        return []
    latest = stats["period"].max()
    before = previous_period(latest, targets.period)
    now = stats[stats["period"] == latest].set_index("department")
    previous = stats[stats["period"] == before].set_index("department")
    judged = now[now["n_scored"] >= min_scored]
    alerts = []
    for department, row in judged.iterrows():
        base = {"department": department, "period": latest, "empathy_mean": row["mean"],
                "ci_low": row["ci_low"], "ci_high": row["ci_high"], "n_scored": int(row["n_scored"])}
        target = targets.min_empathy.get(department)
        if target is not None and row["mean"] < target:
            alerts.append({**base, "kind": "below_target", "threshold": target,
                           "shortfall": round(target - row["mean"], 2),
                           "message": f"{department}: mean empathy {row['mean']:.1f} in {latest} is below its "
                                      f"target of {target:g}"})
        reference = targets.max_gap_to
        if (targets.max_gap is not None and department != reference and reference in judged.index):
            gap = judged.loc[reference, "mean"] - row["mean"]
            if gap > targets.max_gap:
                alerts.append({**base, "kind": "gap_to_reference", "threshold": targets.max_gap,
                               "reference": reference, "reference_mean": judged.loc[reference, "mean"],
                               "shortfall": round(gap - targets.max_gap, 2),
                               "message": f"{department}: {gap:.1f} points below {reference} in {latest} "
                                          f"(allowed: {targets.max_gap:g})"})
        if targets.max_drop is not None and department in previous.index \
                and previous.loc[department, "n_scored"] >= min_scored:
            drop = previous.loc[department, "mean"] - row["mean"]
            if drop > targets.max_drop:
                alerts.append({**base, "kind": "falling", "threshold": targets.max_drop, "previous_period": before,
                               "previous_mean": previous.loc[department, "mean"],
                               "shortfall": round(drop - targets.max_drop, 2),
                               "message": f"{department}: fell {drop:.1f} points from {before} to {latest} "
                                          f"(allowed: {targets.max_drop:g})"})
    return sorted(alerts, key=lambda alert: (-alert["shortfall"], alert["department"], alert["kind"]))
