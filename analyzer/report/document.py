"""Everything the department report shows, computed from the current rows of a span of runs.

``build_document`` takes the interactions and sentences already reduced to each
message's latest version (``analyzer.report.counting``) and returns plain data:
the department table, trend, rates, alerts, examples, internal mail and caveats.
The HTML page, the CSV and the JSON are views of it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyzer.config import Config
from analyzer.report.alerts import target_alerts
from analyzer.report.highlight import highlight
from analyzer.report.periods import period_stats
from analyzer.scoring.aggregate import aggregate

EXAMPLES_PER_SIDE = 3
SENTENCES_PER_EXAMPLE = 4
# (column, label) of the per-department rates, in the order the page shows them
RATES = [("customer_blame_rate", "customer blame (share of sentences)"),
         ("threat_rate", "threats (share of messages)"),
         ("deflection_rate", "deflection (share of messages)"),
         ("apology_rate", "apologies (share of messages)"),
         ("company_ownership_rate", "ownership: company blame (share of sentences)")]
TABLE_COLUMNS = ["department", "partner", "n_interactions", "n_scored", "empathy_mean", "empathy_ci_low",
                 "empathy_ci_high", "gap_to_company", "gap_p_adjusted", "gap_verdict", "target", "alerts",
                 "small_sample", *[column for column, _ in RATES], "hostile_rate", "curt_rate", "flagged_rate"]


def _clean(value):
    if isinstance(value, float) and np.isnan(value):
        return None
    return value.item() if isinstance(value, np.generic) else value


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{key: _clean(value) for key, value in row.items()} for row in frame.to_dict("records")]


def _deflection_counts(sentences: pd.DataFrame) -> pd.Series:
    """Sentences with a DEFLECTION span, per interaction."""
    if sentences.empty:
        return pd.Series(dtype=int)
    has = sentences["spans"].map(lambda spans: any(s["label"] == "DEFLECTION" for s in spans))
    return has.groupby(sentences["interaction_id"]).sum()


def department_table(customer_facing: pd.DataFrame, sentences: pd.DataFrame, config: Config,
                     alerts: list[dict]) -> tuple[dict, list[dict]]:
    """The company row and one row per department, best mean first."""
    table = aggregate(customer_facing)
    deflections = customer_facing["interaction_id"].map(_deflection_counts(sentences)).fillna(0)
    deflected = customer_facing.assign(deflected=(deflections > 0) & customer_facing["applicable"])
    scored = deflected[deflected["applicable"]]
    rate = scored.groupby("department")["deflected"].mean()
    company = _records(table[table["level"] == "company"])[0]
    company["deflection_rate"] = round(float(scored["deflected"].mean()), 4) if len(scored) else None
    rows = []
    for row in _records(table[table["level"] == "department"]):
        department = row["department"]
        row["deflection_rate"] = round(float(rate[department]), 4) if department in rate.index else None
        row["partner"] = department in config.report.partners
        row["target"] = config.targets.min_empathy.get(department)
        row["alerts"] = [alert["kind"] for alert in alerts if alert["department"] == department]
        row["small_sample"] = row["n_scored"] < config.report.min_scored
        rows.append(row)
    rows.sort(key=lambda r: (r["empathy_mean"] is None, -(r["empathy_mean"] or 0), r["department"]))
    return company, rows


def _example(message: pd.Series, sentences: pd.DataFrame) -> dict:
    own = sentences[sentences["interaction_id"] == message["interaction_id"]]
    # the most telling sentences (furthest from neutral), shown in the message's order
    salient = own.reindex(own["valence"].abs().sort_values(ascending=False).index).head(SENTENCES_PER_EXAMPLE)
    salient = salient.sort_values("sentence_index")
    return {"score": message["empathy_score"], "channel": message["channel"], "subject": _clean(message["subject"]),
            "where": message["relative_path"] + (f" [{message['source_offset']}]" if message["source_offset"] else ""),
            "run_date": str(message["run_date"])[:10], "flags": list(message["flag_reasons"]),
            "sentences": [highlight(s["text"], s["start"], s["spans"]) for _, s in salient.iterrows()],
            "more": max(0, len(own) - len(salient))}


def examples(customer_facing: pd.DataFrame, sentences: pd.DataFrame) -> dict[str, dict[str, list[dict]]]:
    """Per department, the lowest- and highest-scoring messages with their most telling sentences."""
    scored = customer_facing[customer_facing["applicable"]]
    result = {}
    for department, group in scored.groupby("department", sort=True):
        ordered = group.sort_values(["empathy_score", "interaction_id"])
        worst = ordered.head(EXAMPLES_PER_SIDE)
        best = ordered[~ordered["interaction_id"].isin(worst["interaction_id"])].tail(EXAMPLES_PER_SIDE)[::-1]
        result[department] = {"worst": [_example(m, sentences) for _, m in worst.iterrows()],
                              "best": [_example(m, sentences) for _, m in best.iterrows()]}
    return result


def internal_table(internal: pd.DataFrame) -> list[dict]:
    """Colleague-to-colleague mail per department: scored like customer mail, counted apart from it."""
    rows = []
    for department, group in internal.groupby("department", sort=True):
        scores = group["empathy_score"].dropna()
        rows.append({"department": department, "n_messages": len(group), "n_scored": len(scores),
                     "empathy_mean": round(float(scores.mean()), 2) if len(scores) else None,
                     "n_hostile": int(group["n_hostile"].sum()), "n_curt": int(group["n_curt"].sum()),
                     "n_flagged": int(group["flagged"].sum())})
    return rows


def _span_facts(interactions: pd.DataFrame) -> dict:
    sent = pd.to_datetime(interactions["sent_at"], utc=True).dropna()
    run_dates = interactions["run_date"].astype(str).str[:10]
    return {"first_run": run_dates.min(), "last_run": run_dates.max(),
            "first_sent": sent.min().date().isoformat() if len(sent) else None,
            "last_sent": sent.max().date().isoformat() if len(sent) else None,
            "n_messages": len(interactions),
            "by_direction": interactions["direction"].value_counts().sort_index().to_dict(),
            "model_versions": interactions["model_version"].value_counts().sort_index().to_dict()}


def _caveats(rows: list[dict], facts: dict, sentences: pd.DataFrame, config: Config) -> list[str]:
    caveats = []
    small = [r["department"] for r in rows if r["small_sample"]]
    if small:
        caveats.append(f"Fewer than {config.report.min_scored} scored messages in {', '.join(small)}: "
                       "their means are shown with their (wide) intervals, but are not judged against targets.")
    if len(facts["model_versions"]) > 1:
        caveats.append("More than one tone model scored these messages (see below): scores of different models "
                       "are not strictly comparable.")
    if sentences.empty or not sentences["spans"].map(len).any():
        caveats.append("No rule spans in these sentences: the deflection, threat and apology rates are 0 by absence.")
    caveats.append("Inbound (customer-written) mail is not scored; internal (staff-to-staff) mail is scored but "
                   "shown only in its own section, so the department figures measure what customers are told.")
    return caveats


def build_document(interactions: pd.DataFrame, sentences: pd.DataFrame, config: Config, window: str) -> dict:
    """The report's content as plain data (HTML-safe pieces are ``markupsafe.Markup``)."""
    customer_facing = interactions[interactions["direction"] != "internal"]
    internal = interactions[interactions["direction"] == "internal"]
    alerts = target_alerts(customer_facing, config.targets, config.report.min_scored)
    company, rows = department_table(customer_facing, sentences, config, alerts)
    facts = _span_facts(interactions)
    return {
        "window": window, "company": company, "departments": rows, "alerts": alerts,
        "targets": config.targets, "min_scored": config.report.min_scored,
        "trend": _records(period_stats(customer_facing, "week")),
        "examples": examples(customer_facing, sentences), "internal": internal_table(internal),
        "facts": facts, "caveats": _caveats(rows, facts, sentences, config), "rates": RATES,
    }
