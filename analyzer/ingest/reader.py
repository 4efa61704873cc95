"""Read one source file into interactions, whatever its format; never raise.

Every failure becomes an ``InputFileError`` in the stream (one per broken file,
or one per broken record inside a mailbox or table), so the batch goes on and
nothing is silently lost.
"""

from __future__ import annotations

import hashlib
import json
from typing import Iterator

from analyzer.config import Config
from analyzer.errors import InputFileError
from analyzer.ingest.detect import detect_format
from analyzer.ingest.email_reader import read_eml, read_mbox
from analyzer.ingest.letter_reader import read_docx, read_pdf, read_text_letter
from analyzer.ingest.records import Interaction
from analyzer.ingest.sides import resolve
from analyzer.ingest.source import SourceFile
from analyzer.ingest.srt_reader import read_srt
from analyzer.ingest.tabular_reader import (check_json_depth, check_record_size, json_structure, read_csv,
                                            read_json_records, read_jsonl, read_parquet)
from analyzer.ingest.textdecode import decode_text
from analyzer.ingest.transcribe_reader import is_transcribe, read_transcribe
from analyzer.ingest.transcript_text_reader import read_transcript_text
from analyzer.ingest.vtt_reader import read_vtt

_RECORD_LIST_KEYS = ("records", "messages", "interactions")


def read_json(source: SourceFile, data: bytes, config: Config) -> Iterator[Interaction | InputFileError]:
    text = decode_text(data)
    # the whole document is one record: bounded before json.loads, which holds all of it and recurses per level
    check_record_size(text, config.limits, "the JSON document")
    check_json_depth(text, config.limits, "the JSON document")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        kind = "truncated" if _is_cut_off(text) else "malformed"
        raise InputFileError(kind, f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    except ValueError:  # an integer of more than 4300 digits
        raise InputFileError("malformed", "not valid JSON: a number is too long to read") from None
    if is_transcribe(document):
        yield from read_transcribe(source, document, config)
        return
    if isinstance(document, dict):
        document = next((document[k] for k in _RECORD_LIST_KEYS if isinstance(document.get(k), list)), document)
    if isinstance(document, list):
        yield from read_json_records(source, document, config)
        return
    raise InputFileError("malformed", "JSON file is neither an Amazon Transcribe output nor a list of records")


def _is_cut_off(text: str) -> bool:
    """True when brackets or a string are still open at the end: the file was cut short."""
    structure = json_structure(text)
    if '"' in structure:  # only the quote of a string never closed survives
        return True
    return structure.count("{") + structure.count("[") > structure.count("}") + structure.count("]")


READERS = {
    "eml": read_eml,
    "mbox": read_mbox,
    "vtt": read_vtt,
    "srt": read_srt,
    "json": read_json,
    "transcript_txt": read_transcript_text,
    "txt": read_text_letter,
    "docx": read_docx,
    "pdf": read_pdf,
    "csv": read_csv,
    "jsonl": read_jsonl,
    "parquet": read_parquet,
}


def read_source(source: SourceFile, config: Config) -> Iterator[Interaction | InputFileError]:
    """Interactions (department, direction and id resolved) and errors, in source order."""
    try:
        data = source.read_bytes(config.max_file_bytes)
        digest = hashlib.sha256(data).hexdigest()
        source_format = detect_format(data, source.suffix, config)
        for item in READERS[source_format](source, data, config):
            if isinstance(item, Interaction):
                resolve(item, config)
                item.source_sha256 = digest
                item.assign_id()
            yield item
    except InputFileError as exc:
        yield exc
    except RecursionError:
        yield InputFileError("malformed", "the file is nested too deeply to parse")
    except Exception as exc:  # a reader bug or a parser surprise must not stop the batch
        # the exception's text can quote the input (message text, card numbers): only its type is stored
        yield InputFileError("malformed", f"unexpected {type(exc).__name__} while reading")
