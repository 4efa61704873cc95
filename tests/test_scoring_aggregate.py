import numpy as np
import pandas as pd

from analyzer.scoring.aggregate import aggregate, bootstrap_ci, holm


def _interactions(scores_by_department: dict[str, list[float]], channel="email") -> pd.DataFrame:
    rows = []
    for department, scores in scores_by_department.items():
        for score in scores:
            rows.append({"department": department, "channel": channel, "applicable": True, "empathy_score": score,
                         "flagged": score < 30, "n_sentences": 4, "n_customer_blame": int(score < 30),
                         "n_company_blame": 0, "n_hostile": 0, "n_curt": 1, "n_apologies": int(score > 70),
                         "n_threats": 0})
    return pd.DataFrame(rows)


def _row(table, department):
    return table[(table["level"] == "department") & (table["department"] == department)].iloc[0]


def test_bootstrap_interval_contains_the_mean_and_is_reproducible():
    values = np.random.default_rng(1).normal(60, 10, 200)
    first, second = bootstrap_ci(values, seed=7), bootstrap_ci(values, seed=7)
    assert first == second and first[0] < values.mean() < first[1]


def test_a_clearly_lower_department_is_below_the_company_with_a_small_p_value():
    rng = np.random.default_rng(0)
    table = aggregate(_interactions({"support": list(rng.normal(80, 5, 40)), "sales": list(rng.normal(78, 5, 40)),
                                     "collections": list(rng.normal(40, 5, 40))}))
    collections = _row(table, "collections")
    assert collections["gap_verdict"] == "below company" and collections["gap_p_adjusted"] < 0.01
    assert collections["gap_to_company"] < -20


def test_departments_with_the_same_scores_are_not_distinguishable():
    rng = np.random.default_rng(0)
    table = aggregate(_interactions({"support": list(rng.normal(70, 10, 30)), "sales": list(rng.normal(70, 10, 30))}))
    assert _row(table, "sales")["gap_verdict"] == "not distinguishable"


def test_a_department_with_one_scored_interaction_is_too_few_to_test():
    table = aggregate(_interactions({"support": [80, 82, 79], "legal": [20]}))
    legal = _row(table, "legal")
    assert legal["gap_verdict"] == "too few to test" and legal["gap_p_value"] is None


def test_the_company_row_covers_every_interaction_and_channels_get_rows():
    frame = pd.concat([_interactions({"support": [80, 70]}, "email"), _interactions({"billing": [30, 40]}, "call")])
    table = aggregate(frame)
    company = table[table["level"] == "company"].iloc[0]
    assert company["n_interactions"] == 4 and company["empathy_mean"] == 55.0
    assert set(table.loc[table["level"] == "channel", "channel"]) == {"email", "call"}


def test_rates_use_sentences_and_scored_interactions_as_denominators():
    table = aggregate(_interactions({"billing": [20, 80]}))
    billing = _row(table, "billing")
    assert billing["customer_blame_rate"] == 1 / 8 and billing["apology_rate"] == 0.5 and billing["flagged_rate"] == 0.5


def test_holm_adjustment_never_lowers_a_p_value_and_keeps_order():
    raw = [0.01, 0.04, 0.03]
    adjusted = holm(raw)
    assert all(a >= r for a, r in zip(adjusted, raw)) and adjusted == [0.03, 0.06, 0.06]


def test_unscored_interactions_count_but_do_not_enter_the_mean():
    frame = _interactions({"support": [80, 60]})
    frame.loc[len(frame)] = {**frame.iloc[0].to_dict(), "applicable": False, "empathy_score": np.nan}
    support = _row(aggregate(frame), "support")
    assert (support["n_interactions"], support["n_scored"], support["empathy_mean"]) == (3, 2, 70.0)


def test_internal_mail_is_left_out_of_the_customer_facing_rows():
    customer = _interactions({"billing": [60.0, 70.0, 80.0]}).assign(direction="outbound")
    internal = _interactions({"billing": [5.0, 5.0]}).assign(direction="internal", n_hostile=3)
    table = aggregate(pd.concat([customer, internal], ignore_index=True))
    billing = _row(table, "billing")
    assert billing["n_interactions"] == 3 and billing["empathy_mean"] == 70.0 and billing["hostile_rate"] == 0.0
