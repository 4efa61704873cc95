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
    for number, block in enumerate(re.split(r"\n\s*\n", text.strip()), start=1):
        lines = [line for line in block.split("\n") if line.strip()]
        if len(lines) < 2 or not lines[0].strip().isdigit():
            raise InputFileError("malformed", f"subtitle block {number} does not start with a cue number and a timing line")
        timing = CUE_TIMING.match(lines[1])
        if not timing:
            raise InputFileError("malformed", f"subtitle block {number} has a bad timing line: {lines[1][:60]!r}")
        start, end = parse_timestamp(timing["start"]), parse_timestamp(timing["end"])
        # a cue may hold several speakers, one per line ("- AGENT: ...")
        for line in lines[2:]:
            speaker, words = split_speaker(strip_tags(line))
            turns.append(make_turn(speaker, words, config, start, end))
    yield call_interaction(source, "srt", turns)
