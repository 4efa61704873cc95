"""Tell a file's format from its content; the extension is only a hint.

Binary formats are recognized by their magic bytes, text formats by their
first lines, so a transcript saved as ``.txt`` or an email without an
extension is still read correctly.
"""

from __future__ import annotations

import io
import json
import re
import zipfile

from analyzer.config import Config
from analyzer.errors import InputFileError
from analyzer.ingest.email_reader import looks_like_email
from analyzer.ingest.srt_reader import SRT_START
from analyzer.ingest.textdecode import decode_text
from analyzer.ingest.transcript_text_reader import looks_like_transcript

_MBOX_FIRST_LINE = re.compile(r"^From \S+.*\d{4}\s*$|^From \S+ +\w{3} \w{3} ")
_TABLE_SUFFIXES = {".csv": "csv", ".tsv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
_SNIFF_BYTES = 65536
_HEADER_LINE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,75}:")  # an RFC 5322 field name and its colon


def detect_format(data: bytes, suffix: str, config: Config) -> str:
    """One of: pdf, docx, parquet, eml, mbox, vtt, srt, json, jsonl, csv, transcript_txt, txt."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PAR1"):
        return "parquet"
    if data.startswith(b"PK\x03\x04"):
        return _zip_format(data)
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise InputFileError("unsupported", "legacy Office file (.doc/.xls) or encrypted Office document: "
                             "save it as .docx or export it as text")
    if suffix == ".pdf":
        raise InputFileError("malformed", "the file is named .pdf but has no PDF header")
    if suffix == ".parquet":
        raise InputFileError("malformed", "the file is named .parquet but has no Parquet header")
    # sniff the first 64 KiB, cut at a line end so no multi-byte character is split
    text = decode_text(data if len(data) <= _SNIFF_BYTES else data[:_SNIFF_BYTES].rsplit(b"\n", 1)[0])
    head = text.lstrip("\ufeff \t\r\n")
    if head.startswith("WEBVTT"):
        return "vtt"
    if _MBOX_FIRST_LINE.match(head.split("\n", 1)[0]):
        return "mbox"
    if looks_like_email(head):
        return "eml"
    if SRT_START.match(head.replace("\r\n", "\n")):
        return "srt"
    if suffix in (".json", ".jsonl", ".ndjson") or _looks_like_json(head):
        return _json_format(head, suffix)
    if suffix in _TABLE_SUFFIXES:
        return _TABLE_SUFFIXES[suffix]
    if looks_like_transcript(text, config):
        return "transcript_txt"
    if suffix in (".eml", ".mbox") and len(data) > _SNIFF_BYTES and _only_header_lines(head):
        return "eml"  # its header block outgrows the sniff window; the email reader bounds it
    # Content that is plainly another format wins over the name; plain prose under a
    # structured format's name is a broken file of that format, not a letter.
    if suffix in (".eml", ".mbox", ".vtt", ".srt", ".json", ".docx"):
        raise InputFileError("malformed", f"the file is named {suffix} but its content is not in that format")
    return "txt"


def _only_header_lines(head: str) -> bool:
    """Every line of the window is a header line or a folded continuation: no end of the header block in sight."""
    return all(_HEADER_LINE.match(line) or line[:1] in (" ", "\t")
               for line in head.replace("\r\n", "\n").split("\n"))


def _zip_format(data: bytes) -> str:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except zipfile.BadZipFile:
        raise InputFileError("truncated", "zip archive (.docx?) is cut off or damaged") from None
    if "word/document.xml" in names:
        return "docx"
    raise InputFileError("unsupported", "zip archive that is not a Word document; unpack it into the drop instead")


_JSON_START = re.compile(r'^(\{\s*["}]|\[\s*[\[{"\]])')


def _looks_like_json(head: str) -> bool:
    """'{"..' or '[{..' opens JSON; '[00:01:05] Agent: ..' does not."""
    if _JSON_START.match(head):
        return True
    if head[:1] in "{[":
        try:
            json.JSONDecoder().raw_decode(head)
            return True
        except json.JSONDecodeError:
            return False
    return False


def _json_format(head: str, suffix: str) -> str:
    """JSON Lines when the first line is a complete object; else one JSON document."""
    first_line = head.split("\n", 1)[0].strip()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if first_line.startswith("{") and first_line.endswith("}") and "\n" in head.strip():
        try:
            json.loads(first_line)
            return "jsonl"
        except json.JSONDecodeError:
            pass
    return "json"
