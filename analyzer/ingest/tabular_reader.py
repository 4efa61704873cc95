"""Tabular exports from helpdesks and CRMs: CSV, JSONL (or a JSON array) and Parquet.

Columns (case-insensitive; common export names are recognized, and
``[tabular.columns]`` in the config names any other):

=================  ===================================================  ===========================
field              meaning                                              also recognized as
=================  ===================================================  ===========================
text (required)    the message text                                     body, message, content, comment
id                 the record's id in the source system                 message_id, record_id, uuid
department         department that sent or received it                  dept, team, group
channel            email / call / letter / chat                         medium, via
direction          outbound / inbound / internal                        -
sent_at            when it was sent (ISO 8601, RFC 2822, epoch)         created_at, timestamp, date
subject            subject or title                                     title
sender             sender address or name                               from, from_email, author_email
role               company / customer side (agent, customer, ...)       side, author_type, sender_type
speaker            speaker or author name                               author, author_name, agent_name
conversation_id    rows sharing it form one conversation                ticket_id, thread_id, case_id, chat_id
=================  ===================================================  ===========================

Without ``conversation_id`` each row is one interaction; with it, the rows of a
conversation become its ordered turns.

A broken record is one error row (its offset: the data row of a CSV, counted from 0
without the header; the line of a JSONL file, from 0; the element of a JSON array or
the row of a Parquet file) and the other records are read:

* a JSONL line, a CSV row or a whole JSON document longer than ``[limits] record_mb``
  is ``too_large``, found by its length before it is parsed;
* JSON nested deeper than ``[limits] json_depth`` is ``malformed`` (a bracket scan
  outside strings, before ``json.loads``, which recurses once per level);
* a mapped field holding a list or an object is ``malformed``; numbers, booleans,
  dates and bytes are read as text (``sent_at`` keeps numbers as epoch times);
* a text longer than ``[limits] extracted_chars`` is ``too_large``.

CSV is read with the csv module in strict mode. A row is ``malformed`` when it has
another number of fields than the header, when it breaks the quoting rules (a quote
followed by anything but a delimiter or a line end, a quote never closed), or when a
quoted field runs over more than 1,000 physical lines. After a quoting error,
reading starts again on the line after the broken row's first line, so rows
swallowed by an unclosed quote are still read. A mismatched quote that is closed
just before a delimiter or a line end is valid CSV and cannot be told from a
multi-line field: the rows it swallows stay in that field's text.
"""

from __future__ import annotations

import csv
import json
import math
import re
from array import array
from datetime import date
from typing import Any, Callable, Iterable, Iterator

from analyzer.config import Config, Limits
from analyzer.vocabulary import CHANNELS
from analyzer.errors import InputFileError
from analyzer.ingest.dates import parse_datetime
from analyzer.ingest.records import Interaction, Turn
from analyzer.ingest.source import SourceFile
from analyzer.ingest.speakers import role_for_speaker
from analyzer.ingest.textdecode import decode_text

COLUMN_ALIASES = {
    "text": ("text", "body", "message", "content", "comment", "message_text", "description"),
    "id": ("id", "message_id", "record_id", "uuid"),
    "department": ("department", "dept", "team", "group"),
    "channel": ("channel", "medium", "via"),
    "direction": ("direction",),
    "sent_at": ("sent_at", "created_at", "timestamp", "date", "sent", "datetime"),
    "subject": ("subject", "title"),
    "sender": ("sender", "from", "from_email", "author_email", "sender_email"),
    "role": ("role", "side", "author_type", "sender_type", "author_role"),
    "speaker": ("speaker", "author", "author_name", "agent_name", "sender_name"),
    "conversation_id": ("conversation_id", "ticket_id", "thread_id", "case_id", "chat_id", "session_id"),
}
_CHANNEL_VALUES = {"email": "email", "e-mail": "email", "mail": "email", "call": "call", "phone": "call",
                   "voice": "call", "telephone": "call", "letter": "letter", "post": "letter", "chat": "chat",
                   "web": "chat", "sms": "chat", "messaging": "chat", "whatsapp": "chat", "social": "chat"}
_DIRECTION_VALUES = {"outbound": "outbound", "out": "outbound", "outgoing": "outbound", "sent": "outbound",
                     "inbound": "inbound", "in": "inbound", "incoming": "inbound", "received": "inbound",
                     "internal": "internal"}
_ROLE_VALUES = {"company": "company", "agent": "company", "staff": "company", "employee": "company",
                "customer": "customer", "client": "customer", "end-user": "customer", "end_user": "customer",
                "enduser": "customer", "requester": "customer", "contact": "customer"}


_MAX_RECORD_LINES = 1000  # physical lines of one CSV record: no message needs more; an unclosed quote does
_JSON_ESCAPE = re.compile(r"\\.", re.DOTALL)
_JSON_STRING = re.compile(r'"[^"]*"')  # once escapes are gone no quote is left inside a string
# the line ends of CSV and JSONL (as io.StringIO(newline="") splits them); JSON escapes these in strings,
# U+2028 and friends it may hold raw
_LINE_END = re.compile(r"\r\n?|\n")
_CONTAINERS = (dict, list, tuple, set)


def read_csv(source: SourceFile, data: bytes, config: Config) -> Iterator[Interaction | InputFileError]:
    text = decode_text(data)
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel_tab if source.suffix == ".tsv" else csv.excel
    yield from _interactions(source, "csv", lambda: _csv_rows(text, dialect, config.limits), config)


def read_jsonl(source: SourceFile, data: bytes, config: Config) -> Iterator[Interaction | InputFileError]:
    # index = line number, so offsets name lines
    text = decode_text(data)
    yield from _interactions(source, "jsonl", lambda: (_jsonl_row(n, line, config.limits)
                                                       for n, line in enumerate(_split_lines(text))), config)


def read_json_records(source: SourceFile, document: list, config: Config) -> Iterator[Interaction | InputFileError]:
    rows = [row if isinstance(row, dict) else InputFileError("malformed", f"record {index} is not a JSON object",
                                                             offset=index)
            for index, row in enumerate(document)]
    yield from _interactions(source, "json", lambda: rows, config)


def read_parquet(source: SourceFile, data: bytes, config: Config) -> Iterator[Interaction | InputFileError]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = _bounded_parquet(pq.ParquetFile(pa.BufferReader(data)), config.max_file_bytes, config.max_file_mb)
    except (pa.ArrowException, OSError, ValueError) as exc:
        kind = "truncated" if not data.endswith(b"PAR1") else "malformed"
        raise InputFileError(kind, f"cannot read the Parquet file: {exc}") from None
    yield from _interactions(source, "parquet", lambda: (row for batch in table.to_batches(4096)
                                                         for row in batch.to_pylist()), config)


def _split_lines(text: str) -> Iterator[str]:
    """The lines of ``text`` one at a time (a list of a million lines would double the file in memory)."""
    start = 0
    for end in _LINE_END.finditer(text):
        yield text[start:end.start()]
        start = end.end()
    yield text[start:]


def _bounded_parquet(parquet, limit: int, limit_mb: float):
    """The table, read batch by batch and refused once it passes ``limit`` bytes in memory.

    A small file can unpack to gigabytes, by compression (caught from the metadata before any page is
    read) or by dictionary and run-length encoding (caught while the batches are decoded).
    """
    import pyarrow as pa

    metadata = parquet.metadata
    unpacked = sum(metadata.row_group(g).column(c).total_uncompressed_size
                   for g in range(metadata.num_row_groups) for c in range(metadata.num_columns))
    batches, size = [], 0
    if unpacked <= limit:
        for batch in parquet.iter_batches(batch_size=4096):
            size += batch.nbytes
            if size > limit:
                break
            batches.append(batch)
    if max(unpacked, size) > limit:
        raise InputFileError("too_large", f"the Parquet file unpacks to more than {limit_mb:g} MB "
                             "([limits] max_file_mb)")
    return pa.Table.from_batches(batches, schema=parquet.schema_arrow)


# --- record bounds, shared with the JSON document reader ---

def record_bytes(limits: Limits) -> int:
    return int(limits.record_mb * 1024 * 1024)


def utf8_size(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


def check_record_size(text: str, limits: Limits, what: str, offset: int | None = None) -> None:
    """Raise ``too_large`` when ``text`` is longer than ``[limits] record_mb`` (UTF-8 bytes)."""
    limit = record_bytes(limits)
    if len(text) * 4 <= limit:  # cheap: no character takes more than 4 bytes
        return
    size = utf8_size(text)
    if size > limit:
        raise InputFileError("too_large", f"{what} is {size / 1048576:.1f} MB, above the limit of "
                             f"{limits.record_mb:g} MB ([limits] record_mb)", offset=offset)


def json_structure(text: str) -> str:
    """JSON text without escapes and complete strings: what is left is structure, plus the
    opening quote and the rest of a string that is never closed."""
    if "\\" in text:
        text = _JSON_ESCAPE.sub("", text)
    return _JSON_STRING.sub("", text) if '"' in text else text


def json_too_deep(text: str, limit: int) -> bool:
    """True when brackets outside strings nest deeper than ``limit``: linear, in C, no recursion."""
    if text.count("[") + text.count("{") <= limit:  # the common case: too few brackets to matter
        return False
    import numpy as np

    structure = json_structure(text).partition('"')[0].encode("utf-8", "surrogatepass")
    codes = np.frombuffer(structure, dtype=np.uint8)
    steps = ((codes == ord("[")) | (codes == ord("{"))).astype(np.int32)
    steps -= (codes == ord("]")) | (codes == ord("}"))
    return bool(steps.size) and int(np.cumsum(steps, dtype=np.int32).max()) > limit


def check_json_depth(text: str, limits: Limits, what: str, offset: int | None = None) -> None:
    if json_too_deep(text, limits.json_depth):
        raise InputFileError("malformed", f"{what} nests JSON deeper than {limits.json_depth} levels "
                             "([limits] json_depth)", offset=offset)


def _jsonl_row(number: int, line: str, limits: Limits) -> dict | InputFileError | None:
    """One JSONL line: a record, an error for the line, or None when it is blank."""
    if not line or line.isspace():
        return None
    where = f"line {number + 1}"
    try:
        check_record_size(line, limits, where, number)
        check_json_depth(line, limits, where, number)
        record = json.loads(line)
    except InputFileError as error:
        return error
    except json.JSONDecodeError as exc:
        return InputFileError("malformed", f"{where} is not valid JSON: {exc.msg} at column {exc.colno}",
                              offset=number)
    except ValueError:  # an integer of more than 4300 digits
        return InputFileError("malformed", f"{where} holds a number too long to read", offset=number)
    if not isinstance(record, dict):
        return InputFileError("malformed", f"{where} is not a JSON object", offset=number)
    return record


# --- CSV records, bounded and resynchronized ---

class _RunawayRecord(Exception):
    """A CSV record grew past a bound: probably an unclosed quote."""

    def __init__(self, kind: str, reason: str):
        super().__init__(reason)
        self.kind, self.reason = kind, reason


class _Lines:
    """The physical lines fed to ``csv.reader``; stops a record at a bound and can rewind."""

    def __init__(self, text: str, limits: Limits):
        # where each line starts, not the lines themselves: a million-row file would be held twice
        self.text = text
        self.starts = array("q", [0])
        self.starts.extend(end.end() for end in _LINE_END.finditer(text))
        if self.starts[-1] == len(text):
            self.starts.pop()
        self.lines = range(len(self.starts))  # what the row loop measures with len()
        self.max_bytes = record_bytes(limits)
        self.next = 0  # index of the next line to hand out
        self.start = 0  # first line of the record being read
        self.size = 0  # UTF-8 bytes of the record so far

    def begin_record(self, at: int) -> None:
        self.next = self.start = at
        self.size = 0

    def __iter__(self):
        return self

    def __next__(self) -> str:
        if self.next >= len(self.lines):
            raise StopIteration
        if self.next - self.start >= _MAX_RECORD_LINES:
            raise _RunawayRecord("malformed", f"a quoted field runs over more than {_MAX_RECORD_LINES} lines "
                                 "(an unclosed quote?)")
        end = self.starts[self.next + 1] if self.next + 1 < len(self.starts) else len(self.text)
        line = self.text[self.starts[self.next]:end]
        self.size += utf8_size(line)
        if self.size > self.max_bytes:
            raise _RunawayRecord("too_large", f"the row is longer than {self.max_bytes / 1048576:g} MB "
                                 "([limits] record_mb)")
        self.next += 1
        return line


def _csv_rows(text: str, dialect, limits: Limits) -> Iterator[dict | InputFileError]:
    """Each data record as a dict keyed by the header, or an error for that record."""
    lines = _Lines(text, limits)
    csv.field_size_limit(max(csv.field_size_limit(), lines.max_bytes))  # the record bound is the field bound
    # doublequote: RFC 4180 (the sniffer says False when it sees no "" and then no quoting error is ever raised)
    reader = csv.reader(lines, dialect, strict=True, doublequote=True)
    header = None
    index = 0
    while lines.next < len(lines.lines):
        first = lines.next
        lines.begin_record(first)
        try:
            fields = next(reader)
        except StopIteration:
            break
        except (csv.Error, _RunawayRecord) as exc:
            kind, reason = _broken_record(exc)
            if header is None:
                raise InputFileError(kind, f"the header (line {first + 1}) is not valid CSV: {reason}") from None
            yield InputFileError(kind, f"row {index} (line {first + 1}): {reason}", offset=index)
            index += 1
            lines.next = first + 1  # read the lines it swallowed again: they may be rows
            continue
        if not fields:
            continue  # a blank line
        if header is None:
            header = fields
            continue
        if len(fields) == len(header):
            yield dict(zip(header, fields))
        else:
            yield InputFileError("malformed", f"row {index} (line {first + 1}) has {len(fields)} field(s), the "
                                 f"header has {len(header)}", offset=index)
        index += 1


def _broken_record(error: csv.Error | _RunawayRecord) -> tuple[str, str]:
    """Kind and reason for a record the csv module refused or a bound stopped; never its content."""
    if isinstance(error, _RunawayRecord):
        return error.kind, error.reason
    reason = str(error)  # the csv module names characters and limits, not the content
    if reason == "unexpected end of data":
        return "malformed", "a quote is never closed"
    return "malformed", f"broken quoting ({reason})"


# --- rows to interactions ---

def _interactions(source: SourceFile, source_format: str, rows: Callable[[], Iterable], config: Config
                  ) -> Iterator[Interaction | InputFileError]:
    """Rows to interactions: one per row, or one per conversation_id; a broken row is one error.

    ``rows()`` gives the rows afresh each time it is called, and it is called twice, so that
    a large export is never held whole: the first pass learns the columns and the last row of
    every conversation, the second yields each conversation as soon as its last row is read
    (memory grows with the conversations open at once, not with the file).
    """
    present, last_rows, records, errors = _first_pass(rows(), config)
    if not records:
        if len(errors) == 1:
            raise errors[0]
        if errors:
            raise InputFileError(errors[0].kind if len({e.kind for e in errors}) == 1 else "malformed",
                                 f"no record of the file can be read ({len(errors)} broken, the first: "
                                 f"{errors[0].message})")
        raise InputFileError("empty", "the table has no rows")
    columns = _resolve_columns(present, config)
    if "text" not in columns:
        names = ", ".join(COLUMN_ALIASES["text"])
        raise InputFileError("malformed", f"no text column (looked for: {names}; "
                             "name yours in [tabular.columns] text = \"...\")")
    last_row = last_rows.get(columns.get("conversation_id"), {})
    open_groups: dict[str, list[tuple[int, dict]]] = {}
    for index, row in enumerate(rows()):
        if isinstance(row, InputFileError):
            yield row
            continue
        if not isinstance(row, dict):
            continue  # a blank line
        try:
            fields = _row_fields(_where(source_format, index), index, row, columns, config)
        except InputFileError as error:
            yield error
            continue
        key = fields["conversation_id"]
        if key is None:
            yield _group_interaction(source, source_format, [(index, fields)], config)
            continue
        open_groups.setdefault(key, []).append((index, fields))
        if last_row.get(key, index) <= index:
            yield _group_interaction(source, source_format, open_groups.pop(key), config)
    for group in open_groups.values():  # conversations whose last row turned out broken
        yield _group_interaction(source, source_format, group, config)


def _first_pass(rows: Iterable, config: Config) -> tuple[set, dict, int, list[InputFileError]]:
    """Column names, the last row of each value of every column that may hold the conversation id,
    the number of records and the first errors (for a file with no readable record)."""
    candidates = {alias for alias in COLUMN_ALIASES["conversation_id"]}
    if config.tabular_columns.get("conversation_id"):
        candidates = {config.tabular_columns["conversation_id"]}
    present: set = set()
    last_rows: dict[str, dict[str, int]] = {}
    records, errors = 0, []
    for index, row in enumerate(rows):
        if isinstance(row, InputFileError):
            if len(errors) < 2:
                errors.append(row)
            continue
        if not isinstance(row, dict):
            continue
        records += 1
        present.update(row)
        for column, value in row.items():
            if str(column).strip().lower() in candidates and not isinstance(value, _CONTAINERS):
                key = value.strip() or None if isinstance(value, str) else _text_value(value)
                if key is not None:
                    last_rows.setdefault(column, {})[key] = index
    return present, last_rows, records, errors


def _where(source_format: str, index: int) -> str:
    """How an error message names a record: JSONL lines from 1, as editors count them."""
    return {"jsonl": f"line {index + 1}", "json": f"record {index}"}.get(source_format, f"row {index}")


def _resolve_columns(present: Iterable[str], config: Config) -> dict[str, str]:
    by_lower = {str(name).strip().lower(): name for name in present}
    columns = {}
    for field, aliases in COLUMN_ALIASES.items():
        configured = config.tabular_columns.get(field)
        for alias in ((configured,) if configured else aliases):
            if alias in by_lower:
                columns[field] = by_lower[alias]
                break
    return columns


def _row_fields(where: str, index: int, row: dict, columns: dict[str, str], config: Config) -> dict[str, Any]:
    """Every field as clean text (or None); raise for this row when a value has no sensible text."""
    fields: dict[str, Any] = dict.fromkeys(COLUMN_ALIASES)
    for field, column in columns.items():
        value = row.get(column)
        if isinstance(value, str):  # the common case, first
            fields[field] = value.strip() or None
            continue
        if isinstance(value, _CONTAINERS):
            shape = "an object" if isinstance(value, dict) else "a list"
            raise InputFileError("malformed", f"{where}: the {field} field holds {shape}, not a single value",
                                 offset=index)
        fields[field] = _date_value(value) if field == "sent_at" else _text_value(value)
    if not fields["text"]:
        raise InputFileError("empty", f"{where} has an empty text field", offset=index)
    if len(fields["text"]) > config.limits.extracted_chars:
        raise InputFileError("too_large", f"{where}: the text is {len(fields['text']):,} characters, above the "
                             f"limit of {config.limits.extracted_chars:,} ([limits] extracted_chars)", offset=index)
    return fields


def _text_value(value: Any) -> str | None:
    """A cell as stripped text; None for a missing value (null, NaN, empty)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (bytes, bytearray)):
        value = bytes(value).decode("utf-8", errors="replace")
    return str(value).strip() or None


def _date_value(value: Any) -> Any:
    """Epoch numbers and dates stay as they are for ``parse_datetime``; anything else is text."""
    if isinstance(value, (int, float, date)) and not isinstance(value, bool):
        return None if isinstance(value, float) and math.isnan(value) else value
    return _text_value(value)


def _group_interaction(source: SourceFile, source_format: str, rows: list[tuple[int, dict]],
                       config: Config) -> Interaction:
    first_index, first = rows[0]
    sent = {index: parse_datetime(row["sent_at"]) for index, row in rows}
    # turns in time order; rows without a time keep their place after the timed ones
    ordered = sorted(rows, key=lambda item: (sent[item[0]] is None, sent[item[0]] or 0, item[0]))
    turns = [_row_turn(row, config) for _, row in ordered]
    channel = _CHANNEL_VALUES.get((first["channel"] or "").lower(), config.tabular_default_channel)
    direction = _DIRECTION_VALUES.get((first["direction"] or "").lower()) if len(rows) == 1 else None
    return Interaction(
        source_path=str(source.path), relative_path=source.relative_path, source_offset=first_index,
        source_format=source_format, channel=channel if channel in CHANNELS else config.tabular_default_channel,
        turns=turns, direction=direction,
        department=next((r["department"] for _, r in ordered if r["department"]), None),
        sent_at=sent[ordered[0][0]],
        subject=first["subject"],
        sender=first["sender"] if len(rows) == 1 else None,
        external_id=first["conversation_id"] or first["id"],
    )


def _row_turn(row: dict, config: Config) -> Turn:
    role_value = (row["role"] or "").lower()
    role = _ROLE_VALUES.get(role_value) or (role_for_speaker(role_value, config) if role_value else "unknown")
    speaker = row["speaker"]
    if role == "unknown" and speaker:
        role = role_for_speaker(speaker, config)
    return Turn(role=role, speaker=speaker, text=row["text"])
