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
"""

from __future__ import annotations

import csv
import io
import json
from functools import partial
from typing import Any, Iterable, Iterator

from analyzer.config import CHANNELS, Config
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


def read_csv(source: SourceFile, data: bytes, config: Config) -> Iterator[Interaction | InputFileError]:
    text = decode_text(data)
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel_tab if source.suffix == ".tsv" else csv.excel
    try:
        rows = list(csv.DictReader(io.StringIO(text, newline=""), dialect=dialect))
    except csv.Error as exc:
        raise InputFileError("malformed", f"not valid CSV: {exc}") from None
    yield from _interactions(source, "csv", rows, config)


def read_jsonl(source: SourceFile, data: bytes, config: Config) -> Iterator[Interaction | InputFileError]:
    rows: list[dict | InputFileError | None] = []  # index = line number, so offsets name lines
    for number, line in enumerate(decode_text(data).splitlines()):
        if not line.strip():
            rows.append(None)
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            rows.append(InputFileError("malformed", f"line {number + 1} is not valid JSON: {exc.msg}", offset=number))
            continue
        if not isinstance(record, dict):
            rows.append(InputFileError("malformed", f"line {number + 1} is not a JSON object", offset=number))
            continue
        rows.append(record)
    good = [r for r in rows if isinstance(r, dict)]
    if not good:
        raise InputFileError("malformed", "no line of the JSONL file is a valid JSON object")
    yield from (r for r in rows if isinstance(r, InputFileError))
    yield from _interactions(source, "jsonl", rows, config)


def read_json_records(source: SourceFile, document: list, config: Config) -> Iterator[Interaction | InputFileError]:
    yield from _interactions(source, "json", document, config)


def read_parquet(source: SourceFile, data: bytes, config: Config) -> Iterator[Interaction | InputFileError]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(pa.BufferReader(data))
    except (pa.ArrowException, OSError, ValueError) as exc:
        kind = "truncated" if not data.endswith(b"PAR1") else "malformed"
        raise InputFileError(kind, f"cannot read the Parquet file: {exc}") from None
    yield from _interactions(source, "parquet", table.to_pylist(), config)


def _interactions(source: SourceFile, source_format: str, rows: list, config: Config
                  ) -> Iterator[Interaction | InputFileError]:
    """Rows to interactions: one per row, or one per conversation_id."""
    records = [(i, r) for i, r in enumerate(rows) if isinstance(r, dict)]
    if not records:
        raise InputFileError("empty", "the table has no rows")
    columns = _resolve_columns({key for _, row in records for key in row}, config)
    if "text" not in columns:
        names = ", ".join(COLUMN_ALIASES["text"])
        raise InputFileError("malformed", f"no text column (looked for: {names}; "
                             "name yours in [tabular.columns] text = \"...\")")
    groups: dict[Any, list[tuple[int, dict]]] = {}
    for index, row in records:
        if not _field(row, "text", columns):
            yield InputFileError("empty", f"row {index} has an empty text field", offset=index)
            continue
        key = _field(row, "conversation_id", columns) or f"\x00row{index}"
        groups.setdefault(key, []).append((index, row))
    for rows_of_group in groups.values():
        yield _group_interaction(source, source_format, rows_of_group, columns, config)


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


def _field(row: dict, field: str, columns: dict[str, str]) -> Any:
    return _cell(row, columns.get(field))


def _cell(row: dict, column: str | None) -> Any:
    if column is None:
        return None
    value = row.get(column)
    if isinstance(value, str):
        value = value.strip()
    return value if value not in ("", None) else None


def _group_interaction(source: SourceFile, source_format: str, rows: list[tuple[int, dict]],
                       columns: dict[str, str], config: Config) -> Interaction:
    first_index, first = rows[0]
    get = partial(_field, columns=columns)
    sent = {index: parse_datetime(get(row, "sent_at")) for index, row in rows}
    # turns in time order; rows without a time keep their place after the timed ones
    ordered = sorted(rows, key=lambda item: (sent[item[0]] is None, sent[item[0]] or 0, item[0]))
    turns = [_row_turn(row, get, config) for _, row in ordered]
    channel = _CHANNEL_VALUES.get(str(get(first, "channel") or "").lower(), config.tabular_default_channel)
    direction = _DIRECTION_VALUES.get(str(get(first, "direction") or "").lower()) if len(rows) == 1 else None
    conversation = get(first, "conversation_id")
    return Interaction(
        source_path=str(source.path), relative_path=source.relative_path, source_offset=first_index,
        source_format=source_format, channel=channel if channel in CHANNELS else config.tabular_default_channel,
        turns=turns, direction=direction,
        department=next((str(get(r, "department")) for _, r in ordered if get(r, "department")), None),
        sent_at=sent[ordered[0][0]],
        subject=_text_or_none(get(first, "subject")),
        sender=_text_or_none(get(first, "sender")) if len(rows) == 1 else None,
        external_id=_text_or_none(conversation if conversation is not None else get(first, "id")),
    )


def _row_turn(row: dict, get, config: Config) -> Turn:
    role_value = str(get(row, "role") or "").lower()
    role = _ROLE_VALUES.get(role_value) or (role_for_speaker(role_value, config) if role_value else "unknown")
    speaker = _text_or_none(get(row, "speaker"))
    if role == "unknown" and speaker:
        role = role_for_speaker(speaker, config)
    return Turn(role=role, speaker=speaker, text=str(get(row, "text")).strip())


def _text_or_none(value) -> str | None:
    return None if value is None else str(value)
