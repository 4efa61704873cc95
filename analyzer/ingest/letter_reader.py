"""Letters (dunning letters, statements, notices) as ``.txt``, ``.docx`` and ``.pdf``.

A letter is one company-side turn. The date and ``Re:`` line near the top become
``sent_at`` and ``subject``; the sign-off block becomes the signature.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from typing import Iterator

from analyzer.config import Config
from analyzer.errors import InputFileError
from analyzer.ingest.dates import parse_datetime
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
    yield letter_interaction(source, decode_text(data), "txt")


def read_docx(source: SourceFile, data: bytes, config: Config) -> Iterator[Interaction]:
    import docx  # python-docx; imported here so text-only runs do not pay for lxml

    try:
        document = docx.Document(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise InputFileError("truncated", "the .docx archive is cut off or damaged (no zip directory)") from None
    except KeyError as exc:
        raise InputFileError("malformed", f"zip archive is not a Word document (missing {exc})") from None
    except Exception as exc:  # python-docx raises several types for broken XML parts
        raise InputFileError("malformed", f"cannot read the Word document: {type(exc).__name__}: {exc}") from None
    paragraphs = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            cells = [cell.text.strip() for cell in row.cells if cell.text.strip()]
            if cells:
                paragraphs.append("  ".join(dict.fromkeys(cells)))  # merged cells repeat their text
    yield letter_interaction(source, "\n".join(paragraphs), "docx")


def read_pdf(source: SourceFile, data: bytes, config: Config) -> Iterator[Interaction]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # pypdf logs every repaired xref
    if b"%%EOF" not in data[-2048:]:
        # pypdf would recover some pages from a cut-off file; a half letter must not be scored as whole
        raise InputFileError("truncated", "the PDF is cut off (no %%EOF marker at its end)")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputFileError("unsupported", "the PDF is password-protected")
        pages = [page.extract_text() or "" for page in reader.pages]
    except InputFileError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError) as exc:
        raise InputFileError("malformed", f"cannot read the PDF: {type(exc).__name__}: {exc}") from None
    if not any(page.strip() for page in pages):
        raise InputFileError("no_text", f"the PDF has no text layer ({len(pages)} page(s), probably scanned): "
                             "run OCR on it first")
    yield letter_interaction(source, "\n".join(pages), "pdf")


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
