"""Small interactions and sentences frames for the report tests (no model, no output folder)."""

from __future__ import annotations

import pandas as pd


def interaction(interaction_id: str, department: str, score: float | None, run_date: str = "2026-11-02",
                direction: str = "outbound", subject: str = "Your account", source_path: str | None = None,
                **counts) -> dict:
    row = {"interaction_id": interaction_id, "source_path": source_path or f"/drop/{department}/{interaction_id}.eml",
           "relative_path": f"{department}/{interaction_id}.eml", "source_offset": 0, "department": department,
           "channel": "email", "direction": direction, "sent_at": pd.Timestamp(run_date, tz="UTC"),
           "subject": subject, "applicable": score is not None, "empathy_score": score,
           "flagged": False, "flag_reasons": [], "n_sentences": 2, "n_customer_blame": 0, "n_company_blame": 0,
           "n_hostile": 0, "n_curt": 0, "n_apologies": 0, "n_threats": 0, "model_version": "tone-test",
           "run_date": pd.Timestamp(run_date)}
    row.update(counts)
    return row


def sentence(interaction_id: str, text: str, spans=(), index: int = 0, start: int = 0, valence: float = 0.0) -> dict:
    return {"interaction_id": interaction_id, "source_path": "", "sentence_index": index, "start": start,
            "text": text, "spans": list(spans), "valence": valence, "run_date": "2026-11-02"}


def span(label: str, text: str, sentence_text: str, sentence_start: int = 0) -> dict:
    start = sentence_start + sentence_text.index(text)
    return {"label": label, "start": start, "end": start + len(text), "text": text, "rule": "test"}


def department(name: str, scores: list[float], run_date: str = "2026-11-02") -> list[dict]:
    return [interaction(f"{name}-{run_date}-{i}", name, score, run_date) for i, score in enumerate(scores)]


def frames(interactions: list[dict], sentences: list[dict] = ()) -> tuple[pd.DataFrame, pd.DataFrame]:
    columns = list(sentence("x", "x"))
    return pd.DataFrame(interactions), pd.DataFrame(list(sentences), columns=columns)
