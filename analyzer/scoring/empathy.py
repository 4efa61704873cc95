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

from analyzer.vocabulary import COUNT_COLUMNS

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


def with_sentence_scores(sentences: pd.DataFrame) -> pd.DataFrame:
    """The scoring stage's columns of a sentence table with tone and blame: ``n_words``, ``valence``,
    ``weight`` (an empty table gets them as empty columns)."""
    scored = sentences.copy()
    scored["n_words"] = scored["text"].map(count_words).astype(int) if len(scored) else pd.Series(dtype=int)
    scored["valence"] = sentence_valence(scored)
    scored["weight"] = sentence_weight(scored["valence"]).round(6)
    return scored


def interaction_scores(interactions: pd.DataFrame, sentences: pd.DataFrame, min_company_words: int) -> pd.DataFrame:
    """One row per interaction (``interaction_id``, ``direction``, ``sides_known``): score, applicability, counts.

    ``sentences`` holds the company-side sentences with ``valence`` and ``weight``.
    """
    result = interactions[["interaction_id"]].copy()
    counts = _sentence_counts(sentences)
    result = result.merge(counts, on="interaction_id", how="left")
    for column in _COUNTS:
        result[column] = result[column].fillna(0).astype(int)
    direction, sides_known = interactions["direction"].to_numpy(), interactions["sides_known"].to_numpy()
    reason = np.select(
        [np.isin(direction, ("inbound", "internal")), (result["n_sentences"] == 0) & sides_known,
         result["n_sentences"] == 0, result["n_company_words"] < min_company_words],
        [direction, "no_company_text", "sides_unknown", "too_short"], default="")
    result["applicable"] = reason == ""
    result["not_applicable_reason"] = [value or None for value in reason]
    # internal mail keeps its own score (how departments treat each other) but is not applicable:
    # it never enters the customer-facing comparison
    internal_scored = (direction == "internal") & (result["n_sentences"] > 0) & (
        result["n_company_words"] >= min_company_words)
    result["empathy_score"] = [score if ok or internal else None
                               for score, ok, internal in zip(result["raw_score"], result["applicable"], internal_scored)]
    return result[SCORE_COLUMNS]


_COUNTS = COUNT_COLUMNS
SCORE_COLUMNS = ["interaction_id", "empathy_score", "applicable", "not_applicable_reason", *_COUNTS]


def _sentence_counts(sentences: pd.DataFrame) -> pd.DataFrame:
    if sentences.empty:
        return pd.DataFrame(columns=["interaction_id", *_COUNTS, "raw_score"])
    labels = sentences["spans"].map(span_labels)
    frame = pd.DataFrame({
        "interaction_id": sentences["interaction_id"], "n_sentences": 1, "n_company_words": sentences["n_words"],
        "n_empathetic": sentences["tone"] == "empathetic", "n_curt": sentences["tone"] == "curt",
        "n_hostile": sentences["tone"] == "hostile", "n_customer_blame": sentences["blame"] == "customer",
        "n_company_blame": sentences["blame"] == "company",
        "n_apologies": labels.map(lambda found: "APOLOGY" in found),
        "n_threats": labels.map(lambda found: "THREAT" in found),
        "weighted": sentences["valence"] * sentences["weight"], "weight": sentences["weight"]})
    grouped = frame.groupby("interaction_id", sort=False).sum()
    grouped["raw_score"] = (50.0 + 50.0 * grouped["weighted"] / grouped["weight"]).round(2)
    return grouped.drop(columns=["weighted", "weight"]).reset_index()
