"""What the review web app shows: flagged messages (one row each, flags grouped) and one message whole.

``message_queue`` groups the published flags by message, joins the latest verdict
of each flag and the message's subject, sender and date, filters and sorts them
most severe first. ``message_detail`` gathers one message: its turns, every
company-side sentence with its tone and blame, its flags with their evidence and
verdicts, and the label corrections reviewers gave. Both are plain data; the web
layer only renders them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow.compute as pc

from analyzer.engine.review import narrowest, published_flags
from analyzer.errors import UsageError
from analyzer.io.reviews import has_verdicts, latest_verdicts
from analyzer.io.store import OutputStore
from analyzer.io.verdict_store import LABEL_COLUMNS, VerdictStore
from analyzer.scoring.flag_rules import SEVERITIES

VERDICT_STATES = ("pending", "reviewed", "confirmed", "dismissed", "all")
MESSAGE_COLUMNS = ["interaction_id", "subject", "sender", "sent_at", "direction", "turns", "empathy_score",
                   "model_version", "relative_path", "department", "channel"]


@dataclass(frozen=True)
class QueueFilter:
    """The queue's filters; empty means no filter."""

    department: str = ""
    channel: str = ""
    rule: str = ""
    min_severity: str = "low"
    state: str = "pending"
    since: date | None = None
    until: date | None = None

    def check(self) -> None:
        if self.min_severity not in SEVERITIES:
            raise UsageError(f"severity must be one of {', '.join(SEVERITIES)}; got {self.min_severity!r}")
        if self.state not in VERDICT_STATES:
            raise UsageError(f"state must be one of {', '.join(VERDICT_STATES)}; got {self.state!r}")


def _flags_with_verdicts(out: Path) -> pd.DataFrame:
    flags = published_flags(out)
    verdicts = latest_verdicts(out)[["flag_id", "verdict", "reviewer", "note", "reviewed_at"]]
    return flags.merge(verdicts, on="flag_id", how="left")


def _message_facts(out: Path, interaction_ids: list[str]) -> pd.DataFrame:
    columns = ["interaction_id", "subject", "sender", "sent_at"]
    if not interaction_ids:
        return pd.DataFrame(columns=columns)
    table = OutputStore(out).read("interactions", columns=columns,
                                  filter=pc.field("interaction_id").isin(interaction_ids))
    return table.to_pandas().drop_duplicates("interaction_id", keep="last")


def message_queue(out: str | Path, where: QueueFilter = QueueFilter()) -> list[dict]:
    """Flagged messages matching ``where``, most severe first, each with its flags."""
    where.check()
    out = Path(out)
    flags = _flags_with_verdicts(out)
    for column in ("department", "channel", "rule"):
        if getattr(where, column):
            flags = flags[flags[column] == getattr(where, column)]
    rank = {severity: index for index, severity in enumerate(SEVERITIES)}
    flags = flags[flags["severity"].map(rank) >= rank[where.min_severity]]
    flags = flags.merge(_message_facts(out, sorted(set(flags["interaction_id"]))), on="interaction_id",
                        how="left", suffixes=("", "_message"))
    # a message's date is when it was sent, else the night it was scored
    day = pd.to_datetime(flags["sent_at"], utc=True).fillna(pd.to_datetime(flags["run_date"].astype(str), utc=True)).dt.date
    if where.since:
        flags = flags[day >= where.since]
    if where.until:
        flags = flags[day <= where.until]
    messages = []
    for interaction_id, group in flags.groupby("interaction_id", sort=False):
        state = _state(group["verdict"])
        if where.state not in ("all", state) and not (where.state == "reviewed" and state != "pending"):
            continue
        first = group.iloc[0]
        top = max(group["severity"], key=rank.get)
        messages.append({
            "interaction_id": interaction_id, "subject": _text(first["subject"]), "sender": _text(first["sender"]),
            "sent_at": None if pd.isna(first["sent_at"]) else pd.Timestamp(first["sent_at"]),
            "run_date": str(first["run_date"]), "department": first["department"], "channel": first["channel"],
            "relative_path": first["relative_path"], "severity": top, "severity_rank": rank[top],
            "state": state, "n_flags": len(group), "n_pending": int(group["verdict"].isna().sum()),
            "rules": sorted(set(group["rule"])),
            "descriptions": list(dict.fromkeys(group["description"])),
            "evidence": list(dict.fromkeys(e["text"] for evidence in group["evidence"] for e in evidence)),
        })
    messages.sort(key=lambda m: (-m["severity_rank"], m["state"] != "pending", m["department"], m["relative_path"]))
    return messages


def _state(verdicts: pd.Series) -> str:
    if verdicts.isna().any():
        return "pending"
    return "confirmed" if (verdicts == "confirmed").any() else "dismissed"


def _text(value) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def queue_choices(out: str | Path) -> dict[str, list[str]]:
    """The values each filter can take, from the published flags."""
    flags = published_flags(Path(out))
    return {column: sorted(set(flags[column].dropna())) for column in ("department", "channel", "rule")}


def message_detail(out: str | Path, interaction_id: str) -> dict:
    """One message: turns, sentences with tone and blame, flags with evidence and verdicts, label corrections."""
    out = Path(out)
    store = OutputStore(out)
    match = pc.field("interaction_id") == interaction_id
    interactions = store.read("interactions", columns=MESSAGE_COLUMNS, filter=match).to_pandas()
    if interactions.empty:
        raise UsageError(f"no message {interaction_id!r} in {out}")
    message = interactions.iloc[-1].to_dict()
    sentences = store.read("sentences", filter=match).to_pandas()
    sentences = sentences.sort_values("sentence_index").drop_duplicates("sentence_index", keep="last")
    flags = _flags_with_verdicts(out)
    flags = flags[flags["interaction_id"] == interaction_id]
    labels = VerdictStore(out).latest_labels() if has_verdicts(out) else pd.DataFrame(columns=LABEL_COLUMNS)
    labels = labels[labels["interaction_id"] == interaction_id].set_index("sentence_index")
    return {
        **{key: message[key] for key in ("interaction_id", "subject", "sender", "direction", "department", "channel",
                                         "relative_path", "model_version")},
        "subject": _text(message["subject"]), "sender": _text(message["sender"]),
        "sent_at": None if pd.isna(message["sent_at"]) else pd.Timestamp(message["sent_at"]),
        "empathy_score": None if pd.isna(message["empathy_score"]) else float(message["empathy_score"]),
        "turns": [dict(turn) for turn in message["turns"]],
        "sentences": [_sentence(row, labels) for row in sentences.to_dict("records")],
        "flags": [_flag(row) for row in flags.to_dict("records")],
    }


def _sentence(row: dict, labels: pd.DataFrame) -> dict:
    corrected = labels.loc[row["sentence_index"]] if row["sentence_index"] in labels.index else None
    return {
        "sentence_index": int(row["sentence_index"]), "turn_index": int(row["turn_index"]),
        "start": int(row["start"]), "end": int(row["end"]), "text": row["text"],
        "tone": row["tone"], "blame": row["blame"],
        "tone_p": {key[len("tone_p_"):]: float(value) for key, value in row.items() if key.startswith("tone_p_")},
        "blame_p": {key[len("blame_p_"):]: float(value) for key, value in row.items() if key.startswith("blame_p_")},
        "spans": [dict(span) for span in row["spans"]],
        "corrected": None if corrected is None else {"tone": corrected["tone"], "blame": corrected["blame"],
                                                     "reviewer": corrected["reviewer"]},
    }


def _flag(row: dict) -> dict:
    verdict = row["verdict"] if isinstance(row["verdict"], str) else None
    return {
        "flag_id": row["flag_id"], "rule": row["rule"], "severity": row["severity"],
        "description": row["description"], "reasons": list(row["reasons"]),
        "evidence": narrowest([dict(e) for e in row["evidence"]]),
        "verdict": verdict, "reviewer": row["reviewer"] if verdict else None,
        "note": row["note"] if verdict and isinstance(row["note"], str) else None,
    }
