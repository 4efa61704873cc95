"""Helpers shared by the call-transcript readers."""

from __future__ import annotations

import re
from html import unescape

from analyzer.config import Config
from analyzer.errors import InputFileError
from analyzer.ingest.records import Interaction, Turn
from analyzer.ingest.source import SourceFile
from analyzer.ingest.speakers import role_for_speaker

CUE_TIMING = re.compile(
    r"^\s*(?P<start>(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*(?P<end>(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})")
_TAG = re.compile(r"<[^<>]*>")  # not [^>]*: a line of many "<" would make it quadratic


def parse_timestamp(value: str) -> float:
    """'01:02:03.450', '02:03,450' -> seconds."""
    parts = value.replace(",", ".").split(":")
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + float(part)
    return seconds


def strip_tags(text: str) -> str:
    return unescape(_TAG.sub("", text))


def merge_turns(turns: list[Turn]) -> list[Turn]:
    """Join consecutive pieces by the same speaker: captions split sentences across cues."""
    merged: list[Turn] = []
    for turn in turns:
        if not turn.text:
            continue
        if merged and merged[-1].speaker == turn.speaker and merged[-1].role == turn.role:
            last = merged[-1]
            merged[-1] = Turn(role=last.role, speaker=last.speaker, text=f"{last.text} {turn.text}",
                              start_s=last.start_s, end_s=turn.end_s if turn.end_s is not None else last.end_s)
        else:
            merged.append(turn)
    return merged


def make_turn(speaker: str | None, text: str, config: Config,
              start_s: float | None = None, end_s: float | None = None) -> Turn:
    return Turn(role=role_for_speaker(speaker, config), speaker=speaker, text=" ".join(text.split()),
                start_s=start_s, end_s=end_s)


def inherit_speakers(turns: list[Turn]) -> list[Turn]:
    """Captions label a speaker only when the speaker changes: unlabelled cues continue the last one."""
    out: list[Turn] = []
    for turn in turns:
        if turn.speaker is None and out and out[-1].speaker is not None:
            turn = Turn(role=out[-1].role, speaker=out[-1].speaker, text=turn.text,
                        start_s=turn.start_s, end_s=turn.end_s)
        out.append(turn)
    return out


def infer_other_party(turns: list[Turn]) -> list[Turn]:
    """In a two-party call where one speaker's side is known, the other speaker is the other side."""
    speakers = {t.speaker for t in turns if t.speaker}
    known = {t.speaker: t.role for t in turns if t.speaker and t.role != "unknown"}
    if len(speakers) != 2 or len(known) != 1:
        return turns
    other_role = "customer" if next(iter(known.values())) == "company" else "company"
    return [Turn(role=other_role, speaker=t.speaker, text=t.text, start_s=t.start_s, end_s=t.end_s)
            if t.speaker and t.speaker not in known else t for t in turns]


def call_interaction(source: SourceFile, source_format: str, turns: list[Turn], **fields) -> Interaction:
    turns = merge_turns(infer_other_party(inherit_speakers(turns)))
    if not turns:
        raise InputFileError("no_text", "the transcript has no spoken text")
    return Interaction(source_path=str(source.path), relative_path=source.relative_path, source_offset=0,
                       source_format=source_format, channel=fields.pop("channel", "call"), turns=turns, **fields)
