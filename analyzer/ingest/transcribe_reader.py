"""Amazon Transcribe output: Call Analytics (``Transcript`` with ``ParticipantRole``)
and standard jobs with speaker diarization (``results.audio_segments``)."""

from __future__ import annotations

from typing import Any, Iterator

from analyzer.config import Config
from analyzer.errors import InputFileError
from analyzer.ingest.records import Interaction, Turn
from analyzer.ingest.source import SourceFile
from analyzer.ingest.speakers import role_for_speaker
from analyzer.ingest.turns import call_interaction

_ROLES = {"AGENT": "company", "CUSTOMER": "customer"}


def is_transcribe(document: Any) -> bool:
    if not isinstance(document, dict):
        return False
    if isinstance(document.get("Transcript"), list):
        return True
    results = document.get("results")
    return isinstance(results, dict) and ("audio_segments" in results or "transcripts" in results)


def read_transcribe(source: SourceFile, document: dict, config: Config) -> Iterator[Interaction]:
    if isinstance(document.get("Transcript"), list):
        turns = [_analytics_turn(i, segment) for i, segment in enumerate(document["Transcript"])]
    else:
        turns = _standard_turns(document["results"], config)
    turns = [t for t in turns if t.text]
    if not turns:
        raise InputFileError("no_text", "the Transcribe output holds no transcript text")
    yield call_interaction(
        source, "transcribe_json", turns,
        external_id=str(document.get("JobName") or document.get("jobName") or "") or None,
        department=document.get("department") or document.get("Department"),
    )


def _analytics_turn(index: int, segment: Any) -> Turn:
    if not isinstance(segment, dict) or "Content" not in segment:
        raise InputFileError("malformed", f"Transcript[{index}] has no 'Content'")
    role_name = str(segment.get("ParticipantRole", "")).upper()
    start, end = segment.get("BeginOffsetMillis"), segment.get("EndOffsetMillis")
    return Turn(role=_ROLES.get(role_name, "unknown"), speaker=role_name.title() or None,
                text=" ".join(str(segment["Content"]).split()),
                start_s=start / 1000 if isinstance(start, (int, float)) else None,
                end_s=end / 1000 if isinstance(end, (int, float)) else None)


def _standard_turns(results: dict, config: Config) -> list[Turn]:
    segments = results.get("audio_segments")
    if isinstance(segments, list) and segments:
        turns = []
        for segment in segments:
            label = segment.get("speaker_label")
            turns.append(Turn(role=role_for_speaker(label, config), speaker=label,
                              text=" ".join(str(segment.get("transcript", "")).split()),
                              start_s=_seconds(segment.get("start_time")), end_s=_seconds(segment.get("end_time"))))
        return turns
    # no diarization: the whole call as one turn by an unknown speaker
    transcripts = results.get("transcripts") or []
    text = " ".join(str(t.get("transcript", "")) for t in transcripts if isinstance(t, dict))
    return [Turn(role="unknown", text=" ".join(text.split()))]


def _seconds(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None
