"""Email: single ``.eml`` messages and ``.mbox`` mailboxes.

MIME multipart, any declared charset, quoted-printable and base64 are decoded
by the standard library; HTML-only bodies become clean text; attachments are
skipped but listed; the reply chain and the signature are split off so only
what the sender wrote becomes the turn text.

Bounds, each a ``too_large`` error: a header block above ``[limits] header_kb``
(checked before the email parser sees it), an mbox message above ``record_mb``
(one error row, the other messages are read), a body text above ``extracted_chars``.
"""

from __future__ import annotations

import re
from datetime import timezone
from email import message_from_bytes, policy
from email import errors as email_errors
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from typing import Iterator

from analyzer.config import Config, Limits
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
# "From sender@host Mon Mar 16 10:01:22 2026": a time and a year, so body lines starting "From " don't split.
# Candidate lines are found first and checked apart: one pattern for both backtracks quadratically on a
# long line full of "1:23".
_MBOX_FROM_LINE = re.compile(rb"^From \S+ [^\r\n]*\r?\n", re.MULTILINE)
_MBOX_TIME = re.compile(rb"\d{1,2}:\d{2}")
_MBOX_YEAR_END = re.compile(rb"\d{4}[ \t]*\r?\n\Z")
_HEADER_END = re.compile(rb"\r?\n\r?\n")


def read_eml(source: SourceFile, data: bytes, config: Config) -> Iterator[Interaction]:
    yield parse_message(data, source, config, offset=0, source_format="eml")


def read_mbox(source: SourceFile, data: bytes, config: Config) -> Iterator[Interaction | InputFileError]:
    """One interaction per message; a broken or oversized message is one error and the rest are read."""
    limit = int(config.limits.record_mb * 1024 * 1024)
    index = -1
    for index, raw in enumerate(split_mbox(data)):
        try:
            if len(raw) > limit:
                raise InputFileError("too_large", f"the message is {len(raw) / 1048576:.1f} MB, above the limit "
                                     f"of {config.limits.record_mb:g} MB ([limits] record_mb)")
            yield parse_message(raw, source, config, offset=index, source_format="mbox")
        except InputFileError as exc:
            yield InputFileError(exc.kind, f"message {index}: {exc.message}", offset=index)
        except Exception as exc:  # one broken message must not hide the rest of the mailbox
            # the exception's text may quote a header: name its type only
            yield InputFileError("malformed", f"message {index}: the email parser failed ({type(exc).__name__})",
                                 offset=index)
    if index < 0:
        raise InputFileError("malformed", "mbox file holds no messages (no 'From ' separator lines)")


def split_mbox(data: bytes) -> Iterator[bytes]:
    """The messages of an mbox, one at a time (split on its 'From ' lines, mboxrd '>From' escaping undone)."""
    starts = [m.start() for m in _MBOX_FROM_LINE.finditer(data) if _is_separator(m.group())]
    for begin, end in zip(starts, starts[1:] + [len(data)]):
        chunk = data[begin:end]
        body = chunk.split(b"\n", 1)[1] if b"\n" in chunk else b""
        yield re.sub(rb"(?m)^>(>*From )", rb"\1", body)


def _is_separator(line: bytes) -> bool:
    """A 'From ' line with a time and, after it, a year at the end."""
    year = _MBOX_YEAR_END.search(line)
    return year is not None and _MBOX_TIME.search(line, 0, year.start()) is not None


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


def parse_message(raw: bytes, source: SourceFile, config: Config, *, offset: int, source_format: str
                  ) -> Interaction:
    if not raw.strip():
        raise InputFileError("empty", "message is empty")
    _check_header_size(raw, config.limits)
    msg = message_from_bytes(raw, policy=policy.default)
    if not any(msg.get(h) for h in ("from", "to", "subject", "date")):
        raise InputFileError("malformed", "no From, To, Subject or Date header: not an email message")
    body, attachments = _body_text(msg)
    if not body.strip():
        listed = f" (attachments: {', '.join(attachments)})" if attachments else ""
        raise InputFileError("no_text", f"email has no text body{listed}")
    if len(body) > config.limits.extracted_chars:
        raise InputFileError("too_large", f"the body is {len(body):,} characters, above the limit of "
                             f"{config.limits.extracted_chars:,} ([limits] extracted_chars)")
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


def _check_header_size(raw: bytes, limits: Limits) -> None:
    """Refuse a header block above ``[limits] header_kb`` before the email parser, which copies
    and folds it several times; only the first ``header_kb`` of the message is searched."""
    limit = int(limits.header_kb * 1024)
    end = _HEADER_END.search(raw, 0, limit + 4)
    if (end.start() if end else len(raw)) > limit:
        raise InputFileError("too_large", f"the header block is larger than {limits.header_kb:g} KB "
                             "([limits] header_kb)")


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
