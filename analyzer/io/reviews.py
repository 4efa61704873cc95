"""Reviewers' verdicts on flags, and the CSV files reviewers send back.

The verdicts live in the SQLite store beside the outputs
(``analyzer.io.verdict_store``): the CLI, the review web app and a Label Studio
import all write there, one transaction per decision, and the ``reviews``
Parquet dataset is a snapshot of it. The latest verdict on a flag wins; earlier
ones stay as its history.

``read_csv_records`` reads the CSV a reviewer sends back: whatever a spreadsheet
saved it as (UTF-8 with or without a BOM, UTF-16, Windows-1252; comma, semicolon
or tab), bounded in size, and every problem a one-line ``UsageError``.
"""

from __future__ import annotations

import codecs
import csv
import io
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from analyzer.errors import UsageError
from analyzer.io.schemas import REVIEWS
from analyzer.io.verdict_store import SNAPSHOT_FOLDER, STORE_FILE, VerdictStore

MAX_CSV_BYTES = 50 * 1024 * 1024
DELIMITERS = (",", ";", "\t")
ENCODING_NAMES = {"utf-16": "UTF-16", "utf-8-sig": "UTF-8", "utf-8": "UTF-8", "cp1252": "Windows-1252"}


def append_reviews(out: Path, rows: list[dict]) -> None:
    """Store flag verdicts (``REVIEWS`` columns) in one transaction."""
    VerdictStore(out).add_flag_verdicts(rows)


def has_verdicts(out: Path) -> bool:
    """Whether any verdict was ever stored (without creating a store in a folder that has none)."""
    return (out / STORE_FILE).exists() or any((out / SNAPSHOT_FOLDER).glob("review_date=*/*.parquet"))


def read_reviews(out: Path) -> pd.DataFrame:
    """Every verdict ever recorded, oldest first (empty frame with the schema's columns when there is none)."""
    if not has_verdicts(out):
        return pd.DataFrame(columns=REVIEWS.names)
    return VerdictStore(out).flag_verdicts()


def latest_verdicts(out: Path) -> pd.DataFrame:
    """The most recent verdict per flag (empty frame with the schema's columns when there is none)."""
    return read_reviews(out).drop_duplicates("flag_id", keep="last")


def latest_verdicts_by_reviewer(out: Path) -> pd.DataFrame:
    """The most recent verdict per flag and reviewer: what a repeated import is compared with."""
    return read_reviews(out).drop_duplicates(["flag_id", "reviewer"], keep="last")


def read_csv_records(path: str | Path, required: tuple[str, ...]) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header (names stripped, lower case) and each non-blank record with the line it starts on.

    The delimiter is the one whose header holds the ``required`` columns, so a file
    Excel saved with semicolons reads as well as the comma-separated export.
    """
    text = _decode(read_bounded(path), path)
    if not text.strip():
        raise UsageError(f"{path} is empty; export the queue with 'analyzer review queue --csv FILE'")
    found = []
    for delimiter in _delimiter_candidates(text):
        with _field_size_limit(len(text)):
            records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
            try:
                header = [name.strip().lower() for name in next(row for row in records if row)]
            except (csv.Error, StopIteration):
                continue  # broken quoting in the header under this delimiter; try the next one
            if set(required) <= set(header):
                return header, list(_numbered(records, len(header), path))
            found = found or [name for name in header if name]
    names = ", ".join(repr(name[:40]) for name in found[:8]) + (", ..." if len(found) > 8 else "")
    raise UsageError(f"{path} needs the columns {' and '.join(required)} (found: {names or 'none'}); "
                     "export one with 'analyzer review queue --csv FILE'")


def read_bounded(path: str | Path, limit: int | None = None, advice: str = "import the verdicts in parts") -> bytes:
    """A reviewer's file, refused in one line when unreadable or larger than ``limit`` bytes (default:
    ``MAX_CSV_BYTES``)."""
    limit = MAX_CSV_BYTES if limit is None else limit
    # read at most one byte past the bound, so a huge file (or /dev/zero) is refused without being loaded
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise UsageError(f"{path} is larger than {limit // (1024 * 1024)} MB; {advice}")
    return data


def _decode(data: bytes, path: str | Path) -> str:
    """UTF-8 (with or without a BOM), UTF-16 with a BOM, else Windows-1252; binary data is refused."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not data.startswith(codecs.BOM_UTF32_LE):
        encodings = ["utf-16"]
    elif data.startswith(codecs.BOM_UTF8):
        encodings = ["utf-8-sig"]
    elif b"\x00" in data:
        raise UsageError(f"{path} is not a CSV file: it looks binary (or UTF-16 without a byte-order mark)")
    else:
        encodings = ["utf-8", "cp1252"]
    for encoding in encodings:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError as exc:
            error = exc
    else:
        names = " or ".join(ENCODING_NAMES[encoding] for encoding in encodings)
        raise UsageError(f"{path} is not a CSV file: cannot decode it as {names} "
                         f"(byte {error.object[error.start]:#04x} at offset {error.start})")
    if _looks_binary(text):
        raise UsageError(f"{path} is not a CSV file: it looks binary")
    return text


def _looks_binary(text: str) -> bool:
    # text files hold no NUL and few controls; Windows-1252 decodes most bytes, so this is the real test
    sample = text[:65536]
    controls = sum(1 for char in sample if not char.isprintable() and char not in "\r\n\t")
    return "\x00" in text or controls > len(sample) * 0.05


def _delimiter_candidates(text: str) -> list[str]:
    """The delimiter csv.Sniffer sees in the header line first, then the others."""
    # the first few KB are enough to see the header's separator, and keep the sniffer's regexes cheap
    header = next((line for line in text[:4096].splitlines() if line.strip()), "")
    try:
        sniffed = csv.Sniffer().sniff(header, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        sniffed = DELIMITERS[0]
    return [sniffed] + [d for d in DELIMITERS if d != sniffed]


def _numbered(records, width: int, path: str | Path):
    """(line the record starts on, fields) for each non-blank record; a broken one names its line."""
    while True:
        start = records.line_num + 1
        try:
            fields = next(records)
        except StopIteration:
            return
        except csv.Error as exc:
            raise UsageError(f"{path} line {start}: broken quoting ({exc}); a value with quotes or "
                             "separators must be quoted whole, its own quotes doubled") from None
        if any(field.strip() for field in fields[width:]):
            raise UsageError(f"{path} line {start}: {len(fields)} fields but the header has {width}; "
                             "quote a value that contains the separator")
        if any(field.strip() for field in fields):
            yield start, fields


@contextmanager
def _field_size_limit(limit: int):
    # csv refuses fields over 128 KiB with an error that names no column; lift that (the file is bounded
    # already) so the caller can say which field of which row is too long. csv's limit is process-wide.
    previous = csv.field_size_limit()
    csv.field_size_limit(max(previous, limit + 1))
    try:
        yield
    finally:
        csv.field_size_limit(previous)
