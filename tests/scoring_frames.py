"""Small sentence frames for the pure scoring tests (no spaCy, no model)."""

from __future__ import annotations

import pandas as pd

from analyzer.scoring.empathy import count_words, sentence_valence, sentence_weight

TONE_P = {
    "empathetic": {"empathetic": 0.9, "neutral": 0.1, "curt": 0.0, "hostile": 0.0},
    "neutral": {"empathetic": 0.05, "neutral": 0.9, "curt": 0.05, "hostile": 0.0},
    "curt": {"empathetic": 0.0, "neutral": 0.1, "curt": 0.85, "hostile": 0.05},
    "hostile": {"empathetic": 0.0, "neutral": 0.0, "curt": 0.1, "hostile": 0.9},
}
BLAME_P = {
    "none": {"customer": 0.05, "company": 0.05, "none": 0.9},
    "customer": {"customer": 0.9, "company": 0.0, "none": 0.1},
    "company": {"customer": 0.0, "company": 0.9, "none": 0.1},
}


def sentence(interaction_id: str, text: str, tone: str = "neutral", blame: str = "none", spans=(),
             turn_index: int = 0, sentence_index: int = 0, start: int = 0, second_person_subject: bool = False,
             **probabilities) -> dict:
    row = {"interaction_id": interaction_id, "turn_index": turn_index, "sentence_index": sentence_index,
           "start": start, "end": start + len(text), "text": text, "n_words": count_words(text),
           "tone": tone, "blame": blame, "spans": list(spans), "second_person_subject": second_person_subject,
           **{f"tone_p_{k}": v for k, v in TONE_P[tone].items()},
           **{f"blame_p_{k}": v for k, v in BLAME_P[blame].items()}}
    row.update(probabilities)
    return row


def span(label: str, text: str, sentence_text: str, sentence_start: int = 0) -> dict:
    start = sentence_start + sentence_text.index(text)
    return {"label": label, "start": start, "end": start + len(text), "text": text, "rule": f"test_{label.lower()}"}


def frame(rows: list[dict]) -> pd.DataFrame:
    result = pd.DataFrame(rows)
    result["valence"] = sentence_valence(result)
    result["weight"] = sentence_weight(result["valence"])
    return result
