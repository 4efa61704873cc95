"""SRT subtitles of calls; speakers from prefixes such as ``AGENT:`` or ``[Customer]:``."""

from __future__ import annotations

import re
from typing import Iterator

from analyzer.config import Config
from analyzer.errors import InputFileError
from analyzer.ingest.records import Interaction, Turn
from analyzer.ingest.source import SourceFile
from analyzer.ingest.speakers import split_speaker
from analyzer.ingest.textdecode import decode_text
from analyzer.ingest.turns import CUE_TIMING, call_interaction, make_turn, parse_timestamp, strip_tags

SRT_START = re.compile(r"^\s*\d+\s*\n\s*(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3}\s*-->")


def read_srt(source: SourceFile, data: bytes, config: Config) -> Iterator[Interaction]:
    text = decode_text(data).lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    turns: list[Turn] = []
    # errors name the block and its line, never its content: a cue may hold a card number
    for number, (first_line, lines) in enumerate(cue_blocks(text), start=1):
        if len(lines) < 2 or not lines[0].strip().isdigit():
            raise InputFileError("malformed", f"subtitle block {number} (line {first_line}) does not start with "
                                 "a cue number and a timing line")
        timing = CUE_TIMING.match(lines[1])
        if not timing:
            raise InputFileError("malformed", f"subtitle block {number} has a bad timing line (line "
                                 f"{first_line + 1}): expected '00:00:01,000 --> 00:00:04,000'")
        start, end = parse_timestamp(timing["start"]), parse_timestamp(timing["end"])
        # a cue may hold several speakers, one per line ("- AGENT: ...")
        for line in lines[2:]:
            speaker, words = split_speaker(strip_tags(line))
            turns.append(make_turn(speaker, words, config, start, end))
    yield call_interaction(source, "srt", turns)


def cue_blocks(text: str) -> Iterator[tuple[int, list[str]]]:
    """The blocks of a subtitle file (runs of non-blank lines), each with the number of its first line."""
    block: list[str] = []
    first_line = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            first_line = first_line if block else number
            block.append(line)
        elif block:
            yield first_line, block
            block = []
    if block:
        yield first_line, block
