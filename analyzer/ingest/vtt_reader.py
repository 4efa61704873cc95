"""WebVTT call transcripts; speakers from voice tags (``<v Agent Sarah>``) or ``Name:`` prefixes."""

from __future__ import annotations

import re
from typing import Iterator

from analyzer.config import Config
from analyzer.errors import InputFileError
from analyzer.ingest.records import Interaction, Turn
from analyzer.ingest.source import SourceFile
from analyzer.ingest.speakers import split_speaker
from analyzer.ingest.srt_reader import cue_blocks
from analyzer.ingest.textdecode import decode_text
from analyzer.ingest.turns import CUE_TIMING, call_interaction, make_turn, parse_timestamp, strip_tags

# the name is bounded so a cue full of "<v " without ">" stays linear
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>]{1,200})>(.*?)(?=<v[\s.]|$)", re.DOTALL)


def read_vtt(source: SourceFile, data: bytes, config: Config) -> Iterator[Interaction]:
    text = decode_text(data).replace("\r\n", "\n").replace("\r", "\n")
    if not text.lstrip("\ufeff").startswith("WEBVTT"):
        raise InputFileError("malformed", "a WebVTT file must start with 'WEBVTT'")
    turns: list[Turn] = []
    blocks = list(cue_blocks(text))
    # errors name the block and its line, never its content: a cue may hold a card number
    for number, (first_line, lines) in enumerate(blocks[1:], start=2):
        if lines[0].startswith(("NOTE", "STYLE", "REGION")):
            continue
        timing_at = next((i for i, line in enumerate(lines) if "-->" in line), None)
        if timing_at is None:
            raise InputFileError("malformed", f"cue block {number} (line {first_line}) has no 'start --> end' "
                                 "timing line")
        timing = CUE_TIMING.match(lines[timing_at])
        if not timing:
            raise InputFileError("malformed", f"cue block {number} has a bad timing line (line "
                                 f"{first_line + timing_at}): expected '00:01.000 --> 00:04.000'")
        start, end = parse_timestamp(timing["start"]), parse_timestamp(timing["end"])
        turns.extend(_cue_turns(" ".join(lines[timing_at + 1:]), start, end, config))
    if not turns and len(blocks) > 1 and "-->" in text:
        raise InputFileError("no_text", "the WebVTT cues hold no text")
    if not turns:
        raise InputFileError("malformed", "WebVTT file has no cues")
    yield call_interaction(source, "vtt", turns)


def _cue_turns(payload: str, start: float, end: float, config: Config) -> list[Turn]:
    voices = _VOICE.findall(payload)
    if voices:
        return [make_turn(name.strip(), strip_tags(words), config, start, end) for name, words in voices]
    speaker, words = split_speaker(strip_tags(payload))
    return [make_turn(speaker, words, config, start, end)]
