"""Plain-text call transcripts: ``Agent: ...`` / ``Customer: ...`` lines.

Role names are configurable (``[transcripts] agent_names / customer_names``);
lines without a label continue the previous speaker; a short header of known
keys (``Date:``, ``Department:``, ``Call ID:``) is read as metadata.
"""

from __future__ import annotations

from typing import Iterator

from analyzer.config import Config
from analyzer.ingest.dates import parse_datetime
from analyzer.ingest.records import Interaction, Turn
from analyzer.ingest.source import SourceFile
from analyzer.ingest.speakers import SPEAKER_LINE, role_for_speaker
from analyzer.ingest.textdecode import decode_text
from analyzer.ingest.turns import call_interaction, make_turn, parse_timestamp

METADATA_KEYS = {"call id", "call", "date", "time", "department", "queue", "duration", "subject",
                 "reference", "ref", "ticket", "account", "case", "channel", "direction", "recording",
                 "call date", "call type", "team"}


def looks_like_transcript(text: str, config: Config) -> bool:
    """Enough labelled lines: two with known role names, or mostly labelled lines by 2-6 speakers."""
    lines = [line for line in text.splitlines() if line.strip()][:400]
    labels = []
    for line in lines:
        match = SPEAKER_LINE.match(line)
        if match and match["label"].strip().lower() not in METADATA_KEYS:
            labels.append(match["label"].strip())
    known = sum(1 for label in labels if role_for_speaker(label, config) != "unknown")
    distinct = {label.lower() for label in labels}
    if known >= 2 and len(labels) >= 0.3 * len(lines):
        return True
    return len(labels) >= 3 and len(labels) >= 0.6 * len(lines) and 2 <= len(distinct) <= 6


def read_transcript_text(source: SourceFile, data: bytes, config: Config) -> Iterator[Interaction]:
    text = decode_text(data)
    metadata: dict[str, str] = {}
    turns: list[Turn] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        match = SPEAKER_LINE.match(line)
        label = match["label"].strip() if match else None
        if label and label.lower() in METADATA_KEYS and not turns:
            metadata[label.lower()] = match["text"].strip()
            continue
        if match:
            start = parse_timestamp(match["time"]) if match["time"] else None
            turns.append(make_turn(label, match["text"], config, start_s=start))
        elif turns:  # a wrapped line continues the current speaker
            last = turns[-1]
            turns[-1] = Turn(role=last.role, speaker=last.speaker, text=f"{last.text} {line.strip()}",
                             start_s=last.start_s)
        else:
            turns.append(make_turn(None, line, config))
    yield call_interaction(
        source, "transcript_txt", turns,
        department=metadata.get("department") or metadata.get("team") or metadata.get("queue"),
        subject=metadata.get("subject"),
        external_id=metadata.get("call id") or metadata.get("reference") or metadata.get("ref"),
        sent_at=parse_datetime(metadata.get("date") or metadata.get("call date")),
    )
