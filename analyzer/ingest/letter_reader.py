"""Letters (dunning letters, statements, notices) as ``.txt``, ``.docx`` and ``.pdf``.

A letter is one company-side turn. The date and ``Re:`` line near the top become
``sent_at`` and ``subject``; the sign-off block becomes the signature.
"""

from __future__ import annotations

import io
import logging
import re
from typing import Iterator

from analyzer.config import Config, Limits
from analyzer.errors import InputFileError
from analyzer.ingest.dates import parse_datetime
from analyzer.ingest.docx_guard import docx_text
from analyzer.ingest.email_text import split_signature
from analyzer.ingest.records import Interaction, Turn
from analyzer.ingest.source import SourceFile
from analyzer.ingest.textdecode import decode_text

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE_LINE = re.compile(
    rf"^\s*(?:date\s*:\s*)?(?P<date>\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}"
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})\s*$", re.IGNORECASE)
_SUBJECT_LINE = re.compile(r"^\s*(?:re|subject)\s*:\s*(?P<subject>\S.*)$", re.IGNORECASE)
_SALUTATION = re.compile(
    r"^\s*(dear\b.{0,60}|to whom it may concern|hello\b.{0,40}|hi\b.{0,40}"
    r"|(mr|mrs|ms|miss|mx|dr)\.?\s+[A-Z][\w'’-]*(\s+[A-Z][\w'’-]*)?)\s*[,:]\s*$", re.IGNORECASE)
_HEADER_LINES = 15
_SALUTATION_WITHIN = 30


def read_text_letter(source: SourceFile, data: bytes, config: Config) -> Iterator[Interaction]:
    text = decode_text(data)
    _check_chars(len(text), config.limits, "letter")
    yield letter_interaction(source, text, "txt")


def read_docx(source: SourceFile, data: bytes, config: Config) -> Iterator[Interaction]:
    yield letter_interaction(source, docx_text(data, config.limits), "docx")


def read_pdf(source: SourceFile, data: bytes, config: Config) -> Iterator[Interaction]:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # pypdf logs every repaired xref
    if b"%%EOF" not in data[-2048:]:
        # pypdf would recover some pages from a cut-off file; a half letter must not be scored as whole
        raise InputFileError("truncated", "the PDF is cut off (no %%EOF marker at its end)")
    try:
        reader = PdfReader(io.BytesIO(data))
        _unlock(reader)
        _check_page_count(reader, config.limits)
        pages = _page_texts(reader, config.limits)
    except InputFileError:
        raise
    except DependencyError as exc:  # pypdf needs `cryptography` for AES-encrypted PDFs
        raise InputFileError("unsupported", f"reading this PDF needs a package that is not installed ({exc}); "
                             "install it into the analyzer's environment") from None
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError) as exc:
        raise InputFileError("malformed", f"cannot read the PDF: {type(exc).__name__}: {exc}") from None
    if not any(page.strip() for page in pages):
        raise InputFileError("no_text", f"the PDF has no text layer ({len(pages)} page(s), probably scanned): "
                             "run OCR on it first")
    yield letter_interaction(source, "\n".join(pages), "pdf")


def _unlock(reader) -> None:
    """Opens a PDF encrypted without a user password (only to restrict printing or copying), as viewers do."""
    if reader.is_encrypted and not reader.decrypt(""):
        raise InputFileError("unsupported", "the PDF is protected by a password: save an unprotected copy "
                             "(for example print it to PDF) and add that instead")


def _check_page_count(reader, limits: Limits) -> None:
    """The page tree's declared /Count first: refusing a 50,000-page PDF must not walk its pages."""
    try:
        declared = int(reader.trailer["/Root"]["/Pages"]["/Count"])
    except (KeyError, TypeError, ValueError):
        declared = 0  # no usable /Count: the walk below decides
    count = declared if declared > limits.pdf_pages else len(reader.pages)  # the walk: /Count may lie
    if count > limits.pdf_pages:
        raise InputFileError("too_large", f"the PDF has {count:,} pages, above the limit of "
                             f"{limits.pdf_pages:,} ([limits] pdf_pages)")


def _page_texts(reader, limits: Limits) -> list[str]:
    pages, chars = [], 0
    for page in reader.pages:
        text = page.extract_text() or ""
        chars += len(text)
        _check_chars(chars, limits, "PDF")
        pages.append(text)
    return pages


def _check_chars(count: int, limits: Limits, what: str) -> None:
    """Too much text is an error row, never a silent cut: a partly read letter would be scored as whole."""
    if count > limits.extracted_chars:
        raise InputFileError("too_large", f"the {what} has more than {limits.extracted_chars:,} characters "
                             "of text ([limits] extracted_chars)")


def letter_interaction(source: SourceFile, text: str, source_format: str) -> Interaction:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    text = "\n".join(lines).strip()
    if not text:
        raise InputFileError("no_text", "the letter has no text")
    lines = text.split("\n")
    head = lines[:_HEADER_LINES]
    date = next((m["date"] for m in map(_DATE_LINE.match, head) if m), None)
    subject = next((m["subject"].strip() for m in map(_SUBJECT_LINE.match, head) if m), None)
    # Letterhead, addresses, date and reference lines sit above the salutation: not the letter's words.
    start = next((i for i, line in enumerate(lines[:_SALUTATION_WITHIN]) if _SALUTATION.match(line)), 0)
    header = "\n".join(lines[:start]).strip()
    body, signature = split_signature("\n".join(lines[start:]))
    return Interaction(
        source_path=str(source.path), relative_path=source.relative_path, source_offset=0,
        source_format=source_format, channel="letter", turns=[Turn(role="company", text=body)],
        sent_at=parse_datetime(date), subject=subject, signature=signature or None, header_text=header or None,
    )
