"""Email: single ``.eml`` messages and ``.mbox`` mailboxes.

MIME multipart, any declared charset, quoted-printable and base64 are decoded
by the standard library; HTML-only bodies become clean text; attachments are
skipped but listed; the reply chain and the signature are split off so only
what the sender wrote becomes the turn text.
"""

from __future__ import annotations

import re
from datetime import timezone
from email import message_from_bytes, policy
from email import errors as email_errors
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from typing import Iterator

from analyzer.config import Config
from analyzer.errors import InputFileError
from analyzer.ingest.email_text import split_reply
from analyzer.ingest.html_text import html_to_text
from analyzer.ingest.records import Interaction, Turn
from analyzer.ingest.source import SourceFile
from analyzer.ingest.textdecode import decode_text

_TRUNCATION_DEFECTS = (
    email_errors.CloseBoundaryNotFoundDefect,
    email_errors.StartBoundaryNotFoundDefect,
    email_errors.InvalidBase64PaddingDefect,
    email_errors.InvalidBase64LengthDefect,
)
_ADDRESS_HEADERS = ("from", "to", "cc", "date", "subject", "message-id", "received", "return-path",
                    "mime-version", "reply-to", "delivered-to", "x-mailer", "in-reply-to")
# "From sender@host Mon Mar 16 10:01:22 2026": a time and a year, so body lines starting "From " don't split
_MBOX_SEPARATOR = re.compile(rb"^From \S+ [^\r\n]*\d{1,2}:\d{2}[^\r\n]*\d{4}[ \t]*\r?\n", re.MULTILINE)


def read_eml(source: SourceFile, data: bytes, config: Config) -> Iterator[Interaction]:
    yield parse_message(data, source, offset=0, source_format="eml")


def read_mbox(source: SourceFile, data: bytes, config: Config) -> Iterator[Interaction | InputFileError]:
    """One interaction per message; a broken message is one error and the rest are read."""
    messages = split_mbox(data)
    if not messages:
        raise InputFileError("malformed", "mbox file holds no messages (no 'From ' separator lines)")
    for index, raw in enumerate(messages):
        try:
            yield parse_message(raw, source, offset=index, source_format="mbox")
        except InputFileError as exc:
            yield InputFileError(exc.kind, f"message {index}: {exc.message}", offset=index)
        except Exception as exc:  # one broken message must not hide the rest of the mailbox
            yield InputFileError("malformed", f"message {index}: {type(exc).__name__}: {exc}", offset=index)


def split_mbox(data: bytes) -> list[bytes]:
    """Split an mbox on its 'From ' lines and undo mboxrd '>From' escaping."""
    starts = [m.start() for m in _MBOX_SEPARATOR.finditer(data)]
    messages = []
    for begin, end in zip(starts, starts[1:] + [len(data)]):
        chunk = data[begin:end]
        body = chunk.split(b"\n", 1)[1] if b"\n" in chunk else b""
        body = re.sub(rb"(?m)^>(>*From )", rb"\1", body)
        messages.append(body)
    return messages


def looks_like_email(text_head: str) -> bool:
    """At least two RFC 5322 header lines at the top, one of them From or To.

    (A transcript's ``Date:``/``Subject:`` header alone does not make an email.)"""
    names = []
    for line in text_head.splitlines()[:40]:
        if not line.strip():
            break
        if line[:1] in " \t":
            continue  # folded header continuation
        name, sep, _ = line.partition(":")
        if not sep or " " in name.strip():
            return False
        names.append(name.strip().lower())
    known = [n for n in names if n in _ADDRESS_HEADERS or n.startswith("x-")]
    return len(known) >= 2 and ("from" in names or "to" in names)


def parse_message(raw: bytes, source: SourceFile, *, offset: int, source_format: str) -> Interaction:
    if not raw.strip():
        raise InputFileError("empty", "message is empty")
    msg = message_from_bytes(raw, policy=policy.default)
    if not any(msg.get(h) for h in ("from", "to", "subject", "date")):
        raise InputFileError("malformed", "no From, To, Subject or Date header: not an email message")
    body, attachments = _body_text(msg)
    if not body.strip():
        listed = f" (attachments: {', '.join(attachments)})" if attachments else ""
        raise InputFileError("no_text", f"email has no text body{listed}")
    split = split_reply(body)
    sender = _header(msg, "from")
    display_name, address = parseaddr(sender)
    return Interaction(
        source_path=str(source.path),
        relative_path=source.relative_path,
        source_offset=offset,
        source_format=source_format,
        channel="email",
        turns=[Turn(role="unknown", text=split.new_text, speaker=display_name or address or None)],
        department=_header(msg, "x-department") or None,
        sent_at=_date(msg),
        subject=_header(msg, "subject") or None,
        sender=sender or None,
        recipients=[addr for _, addr in getaddresses([_header(msg, "to"), _header(msg, "cc")]) if addr],
        external_id=_header(msg, "message-id").strip("<> ") or None,
        quoted_text=split.quoted_text or None,
        signature=split.signature or None,
        attachments=attachments,
    )


def _header(msg: EmailMessage, name: str) -> str:
    """Decoded header value; falls back to the raw value when the header is malformed."""
    try:
        value = msg.get(name)
    except (ValueError, TypeError, IndexError, AttributeError, email_errors.HeaderParseError):
        # the policy could not parse it: use the raw value rather than lose the header
        value = next((raw for key, raw in msg.raw_items() if key.lower() == name), "")
    return " ".join(str(value or "").split())


def _date(msg: EmailMessage):
    raw = _header(msg, "date")
    if not raw:
        return None
    try:
        parsed = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed.astimezone(timezone.utc) if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _body_text(msg: EmailMessage) -> tuple[str, list[str]]:
    plain: list[str] = []
    html: list[str] = []
    attachments: list[str] = []
    _collect(msg, plain, html, attachments)
    kinds = sorted({type(d).__name__ for part in msg.walk() for d in part.defects
                    if isinstance(d, _TRUNCATION_DEFECTS)})
    if kinds:
        raise InputFileError("truncated", f"the MIME structure is cut off ({', '.join(kinds)})")
    if plain:
        return "\n\n".join(plain), attachments
    return "\n\n".join(html_to_text(h) for h in html), attachments


def _collect(part: EmailMessage, plain: list[str], html: list[str], attachments: list[str]) -> None:
    content_type = part.get_content_type()
    if part.is_multipart() and content_type != "message/rfc822":
        children = part.get_payload()
        if content_type == "multipart/alternative":
            # one rendering of the same text: prefer plain, else the last (richest) one
            chosen = [c for c in children if c.get_content_type() == "text/plain"] or children[-1:]
            attachments_only = [c for c in children if c not in chosen and _is_attachment(c)]
            children = chosen + attachments_only
        for child in children:
            _collect(child, plain, html, attachments)
        return
    if _is_attachment(part) or content_type not in ("text/plain", "text/html"):
        attachments.append(part.get_filename() or content_type)
        return
    payload = part.get_payload(decode=True) or b""
    if not payload.strip():
        return
    text = decode_text(payload, part.get_content_charset())
    (plain if content_type == "text/plain" else html).append(text)


def _is_attachment(part: EmailMessage) -> bool:
    return part.get_content_disposition() == "attachment" or (
        part.get_filename() is not None and part.get_content_disposition() != "inline")
