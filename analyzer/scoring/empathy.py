"""The empathy score of an interaction (0-100) from its company-side sentences.

Each sentence gets a valence in [-1, 1] from its tone and blame probabilities and
its rule spans (see ``VALENCE``); the interaction's score is ``50 + 50 x`` the
weighted mean valence, where a sentence weighs ``1 + 2 |valence|``: a threat or a
heartfelt apology counts three times as much as "Invoice 4471 is attached", so
boilerplate does not wash out what matters, and because it is a mean, a longer
message is not pushed up or down by its length (repeating a message gives the
same score). Interactions with fewer than ``min_company_words`` company-side words
are not applicable: they get no score, never a made-up 0 or 50.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

# Contribution of each probability (times the probability) and of each rule span
# present in the sentence (once per label); the sum is clipped to [-1, 1].
VALENCE = {
    "tone_p_empathetic": 1.0,
    "tone_p_neutral": 0.0,
    "tone_p_curt": -0.5,
    "tone_p_hostile": -1.0,
    "blame_p_company": 0.3,   # owning a fault is part of treating a customer fairly
    "blame_p_customer": -0.6,
}
SPAN_VALENCE = {
    "APOLOGY": 0.2, "OWNERSHIP": 0.2, "EMPATHY": 0.2, "GRATITUDE": 0.1,
    "NON_APOLOGY": -0.2, "DEFLECTION": -0.2, "CUSTOMER_BLAME": -0.3, "THREAT": -0.4, "PRESSURE": -0.2,
}
SALIENCE_WEIGHT = 2.0
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")

NOT_APPLICABLE_REASONS = {
    "inbound": "written by the customer, not the company",
    "internal": "between company staff, not to a customer",
    "no_company_text": "no company-side text",
    "sides_unknown": "the speakers' sides could not be told apart (name them in [transcripts])",
    "too_short": "fewer company-side words than [scoring] min_company_words",
}


def count_words(text: str) -> int:
    return len(WORD.findall(text))


def span_labels(spans) -> set[str]:
    return {span["label"] for span in spans}


def sentence_valence(sentences: pd.DataFrame) -> pd.Series:
    """Valence in [-1, 1] of each sentence row (tone_p_*, blame_p_* and spans columns)."""
    if sentences.empty:
        return pd.Series([], dtype=float, index=sentences.index)
    total = sum(sentences[column].fillna(0.0) * weight for column, weight in VALENCE.items())
    from_spans = sentences["spans"].map(lambda spans: sum(SPAN_VALENCE.get(label, 0.0) for label in span_labels(spans)))
    return (total + from_spans).clip(-1.0, 1.0).round(6)


def sentence_weight(valence: pd.Series) -> pd.Series:
    return 1.0 + SALIENCE_WEIGHT * valence.abs()


def score_from_valences(valence: np.ndarray, weight: np.ndarray) -> float:
    return round(float(50.0 + 50.0 * np.average(valence, weights=weight)), 2)


def interaction_scores(interactions: pd.DataFrame, sentences: pd.DataFrame, min_company_words: int) -> pd.DataFrame:
    """One row per interaction (``interaction_id``, ``direction``, ``sides_known``): score, applicability, counts.

    ``sentences`` holds the company-side sentences with ``valence`` and ``weight``.
    """
    rows = []
    by_interaction = dict(tuple(sentences.groupby("interaction_id", sort=False))) if not sentences.empty else {}
    for interaction_id, direction, sides_known in zip(interactions["interaction_id"], interactions["direction"],
                                                      interactions["sides_known"]):
        own = by_interaction.get(interaction_id)
        rows.append(_score_one(interaction_id, direction, sides_known, own, min_company_words))
    return pd.DataFrame(rows, columns=SCORE_COLUMNS)


_EMPTY_COUNTS = {"n_sentences": 0, "n_company_words": 0, "n_empathetic": 0, "n_curt": 0, "n_hostile": 0,
                 "n_customer_blame": 0, "n_company_blame": 0, "n_apologies": 0, "n_threats": 0}
SCORE_COLUMNS = ["interaction_id", "empathy_score", "applicable", "not_applicable_reason", *_EMPTY_COUNTS]


def _score_one(interaction_id: str, direction: str, sides_known: bool, own: pd.DataFrame | None,
               min_company_words: int) -> dict:
    row = {"interaction_id": interaction_id, **_EMPTY_COUNTS, "empathy_score": None, "applicable": False,
           "not_applicable_reason": None}
    if own is not None and not own.empty:
        labels = own["spans"].map(span_labels)
        row.update(
            n_sentences=len(own), n_company_words=int(own["n_words"].sum()),
            n_empathetic=int((own["tone"] == "empathetic").sum()), n_curt=int((own["tone"] == "curt").sum()),
            n_hostile=int((own["tone"] == "hostile").sum()),
            n_customer_blame=int((own["blame"] == "customer").sum()),
            n_company_blame=int((own["blame"] == "company").sum()),
            n_apologies=int(labels.map(lambda found: "APOLOGY" in found).sum()),
            n_threats=int(labels.map(lambda found: "THREAT" in found).sum()))
    if direction in ("inbound", "internal"):
        row["not_applicable_reason"] = direction
    elif row["n_sentences"] == 0:
        row["not_applicable_reason"] = "no_company_text" if sides_known else "sides_unknown"
    elif row["n_company_words"] < min_company_words:
        row["not_applicable_reason"] = "too_short"
    else:
        row["applicable"] = True
        row["empathy_score"] = score_from_valences(own["valence"].to_numpy(), own["weight"].to_numpy())
    return row
