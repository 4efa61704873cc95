"""Bounded reading of a ``.docx``: its text, without trusting its zip directory or its XML.

A .docx is a zip archive, and a small one can decompress to gigabytes or hold
millions of empty paragraphs. So the zip directory is checked before anything is
decompressed, the main part (``word/document.xml``) is streamed through a hard cap
on the bytes actually decompressed, and its XML is read event by event without
building a tree, counting paragraphs, cells and runs (and all elements) as they
come. Any bound passed is a ``too_large`` error, raised as soon as it is seen.

The text is python-docx's: body paragraphs in order, then each body-level table's
rows, a row's non-empty cells joined by two spaces (merged cells once).
"""

from __future__ import annotations

import io
import zipfile
import zlib
from typing import IO

from analyzer.config import Limits
from analyzer.errors import InputFileError

MAIN_PART = "word/document.xml"
_MB = 1024 * 1024
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W_LENGTH = len(_W)
_COUNTED = frozenset({"p", "tc", "r"})  # what [limits] docx_elements counts
# Word writes a handful of property elements per paragraph, cell and run; a document padded with
# millions of other elements would cost seconds per million to parse, so they are bounded too.
_MARKUP_PER_ELEMENT = 10
_CHUNK = 64 * 1024
# What python-docx reads, as paths of local names from the root element
_BODY = ("document", "body")
_TABLE = (*_BODY, "tbl")
_ROW = (*_TABLE, "tr")
_CELL = (*_ROW, "tc")
_GRID_BEFORE = (*_ROW, "trPr", "gridBefore")
_GRID_SPAN = (*_CELL, "tcPr", "gridSpan")
_V_MERGE = (*_CELL, "tcPr", "vMerge")
_BODY_PARAGRAPH = (*_BODY, "p")
_CELL_PARAGRAPH = (*_CELL, "p")
_PARAGRAPHS = {_BODY_PARAGRAPH, _CELL_PARAGRAPH}
_RUNS = {path + run for path in _PARAGRAPHS for run in (("r",), ("hyperlink", "r"))}
_RUN_TEXT = {"t": "", "br": "\n", "tab": "\t", "ptab": "\t", "cr": "\n", "noBreakHyphen": "-"}  # a run's text
# Paths whose children may be read: below any other element nothing is, so its path is not even built.
_PREFIXES = {path[:end] for path in _RUNS | {_GRID_BEFORE, _GRID_SPAN, _V_MERGE} for end in range(len(path) + 1)}
# Paths acted on when the element opens or closes: one set look-up skips all other elements
_OPENED = {*_PARAGRAPHS, _TABLE, _ROW, _CELL, _GRID_BEFORE, _GRID_SPAN, _V_MERGE,
           *(run + (name,) for run in _RUNS for name in _RUN_TEXT)}
_CLOSED = {*_PARAGRAPHS, _ROW, _CELL}


def docx_text(data: bytes, limits: Limits) -> str:
    """The text of a Word document, or an ``InputFileError`` (too_large, truncated, malformed)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise InputFileError("truncated", "the .docx archive is cut off or damaged (no zip directory)") from None
    with archive:
        check_zip_directory(archive, limits)
        if MAIN_PART not in archive.namelist():
            raise InputFileError("malformed", f"zip archive is not a Word document (missing {MAIN_PART})")
        try:
            with archive.open(MAIN_PART) as member:
                return main_part_text(CappedStream(member, int(limits.docx_uncompressed_mb * _MB)), limits)
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            # also what a lying header gives: zipfile stops at the declared size, then the CRC fails
            raise InputFileError("malformed", f"the .docx archive is damaged: {exc}") from None


def check_zip_directory(archive: zipfile.ZipFile, limits: Limits) -> None:
    """Refuses an archive whose declared sizes add up to more than the limit, before decompressing."""
    members = archive.infolist()
    declared = sum(info.file_size for info in members)
    if declared <= limits.docx_uncompressed_mb * _MB:
        return
    largest = max(members, key=lambda info: info.file_size)
    ratio = largest.file_size / max(largest.compress_size, 1)
    raise InputFileError(
        "too_large", f"the .docx would decompress to {declared / _MB:,.1f} MB, above the limit of "
        f"{limits.docx_uncompressed_mb:g} MB ([limits] docx_uncompressed_mb); its largest part, "
        f"{largest.filename}, expands {ratio:,.0f} times")


class CappedStream:
    """A read-only stream that refuses to give more than ``cap`` bytes.

    A zip directory's sizes are written by whoever made the file: this bounds the
    bytes actually decompressed, whatever the headers say.
    """

    def __init__(self, raw: IO[bytes], cap: int):
        self._raw, self._cap, self._read = raw, cap, 0

    def read(self, size: int | None = -1) -> bytes:
        room = self._cap + 1 - self._read  # one byte more than the cap tells "over" from "exactly at"
        data = self._raw.read(room if size is None or size < 0 else min(size, room))
        self._read += len(data)
        if self._read > self._cap:
            raise InputFileError("too_large", f"the .docx text part decompresses to more than "
                                 f"{self._cap / _MB:g} MB ([limits] docx_uncompressed_mb)")
        return data


def main_part_text(stream: CappedStream, limits: Limits) -> str:
    """The text of word/document.xml, read from a capped stream."""
    from lxml import etree  # imported here so text-only runs do not pay for lxml

    # Parse events only, no tree: memory stays bounded by the text kept, not the markup read.
    # No entities, DTD or network, libxml2's default size limits: the XML is untrusted.
    parser = etree.XMLParser(target=_BodyText(limits), resolve_entities=False, no_network=True,
                             load_dtd=False, huge_tree=False)
    try:
        while chunk := stream.read(_CHUNK):
            parser.feed(chunk)
        return parser.close()
    except etree.XMLSyntaxError as exc:
        raise InputFileError("malformed", f"the Word document's XML is broken: {exc}") from None


class _BodyText:
    """An lxml parser target collecting python-docx's text of a document.

    Read: paragraphs directly in w:body or in a cell of a body-level table, their runs
    (directly or inside a hyperlink) and the text elements of those runs. Called once
    per element, so it keeps to tuple look-ups: millions of elements must stay cheap.
    """

    def __init__(self, limits: Limits):
        self._limits = limits
        self._max_markup = limits.docx_elements * _MARKUP_PER_ELEMENT
        self._paths: list[tuple[str, ...] | None] = [()]  # local names from the root down; None: nothing to read
        self._counted = self._elements = self._chars = 0
        self._in_text = False  # inside a w:t that is read
        self._paragraphs: list[str] = []
        self._rows: list[str] = []
        self._parts: list[str] = []  # text of the open paragraph
        self._cell_paragraphs: list[str] = []
        self._cell = {"span": 1, "merge": None}
        self._row: list[tuple[int, str | None, str]] = []  # (grid span, vMerge, text) per cell
        self._grid_before = 0
        self._above: dict[int, str] = {}  # grid offset -> text of the previous row's cell there

    def doctype(self, name, public_id, system_url) -> None:
        # Word never writes one; its entities would not be resolved and their text would be lost silently
        raise InputFileError("malformed", "the Word document declares a DOCTYPE (entities), which Word never "
                             "writes; refused rather than read in part")

    def start(self, tag: str, attrib) -> None:
        name = tag[_W_LENGTH:] if tag.startswith(_W) else tag  # other namespaces keep theirs: they match nothing
        parent = self._paths[-1]
        path = parent + (name,) if parent is not None and parent in _PREFIXES else None
        self._paths.append(path)
        self._elements += 1
        self._counted += name in _COUNTED
        if self._counted > self._limits.docx_elements or self._elements > self._max_markup:
            self._too_many()
        if path is None or path not in _OPENED:
            return
        if parent in _RUNS:
            if name == "t":
                self._in_text = True
            elif name != "br" or attrib.get(_W + "type", "textWrapping") == "textWrapping":
                self._add(_RUN_TEXT[name])  # page and column breaks are no text
        elif path in _PARAGRAPHS:
            self._parts = []
        elif path == _TABLE:
            self._above = {}
        elif path == _ROW:
            self._row, self._grid_before = [], 0
        elif path == _CELL:
            self._cell, self._cell_paragraphs = {"span": 1, "merge": None}, []
        elif path == _GRID_BEFORE:
            self._grid_before = _int(attrib.get(_W + "val"), 0)
        elif path == _GRID_SPAN:
            self._cell["span"] = _int(attrib.get(_W + "val"), 1)
        elif path == _V_MERGE:
            self._cell["merge"] = attrib.get(_W + "val", "continue")

    def data(self, text: str) -> None:
        if self._in_text:
            self._add(text)

    def end(self, tag: str) -> None:
        self._in_text = False
        path = self._paths.pop()
        if path not in _CLOSED:
            return
        if path == _BODY_PARAGRAPH:
            self._paragraphs.append("".join(self._parts))
        elif path == _CELL_PARAGRAPH:
            self._cell_paragraphs.append("".join(self._parts))
        elif path == _CELL:
            self._row.append((self._cell["span"], self._cell["merge"], "\n".join(self._cell_paragraphs)))
        elif path == _ROW:
            self._end_row()

    def close(self) -> str:
        return "\n".join(self._paragraphs + self._rows)

    def _too_many(self) -> None:
        if self._counted > self._limits.docx_elements:
            raise InputFileError("too_large", f"the Word document has more than {self._limits.docx_elements:,} "
                                 "paragraphs, table cells and runs ([limits] docx_elements)")
        raise InputFileError("too_large", f"the Word document has more than {self._max_markup:,} XML elements "
                             f"({_MARKUP_PER_ELEMENT} per paragraph, cell and run of [limits] docx_elements)")

    def _add(self, text: str) -> None:
        self._chars += len(text)
        if self._chars > self._limits.extracted_chars:
            raise InputFileError("too_large", f"the Word document has more than {self._limits.extracted_chars:,} "
                                 "characters of text ([limits] extracted_chars)")
        self._parts.append(text)

    def _end_row(self) -> None:
        """One line per row: its non-empty cells, a vertically merged cell with the text above it."""
        texts, above, offset = [], {}, self._grid_before
        for span, merge, text in self._row:
            if merge == "continue":
                text = self._above.get(offset, "")
            above[offset] = text
            texts.append(text.strip())
            offset += span
        self._above = above
        cells = [text for text in texts if text]
        if cells:
            self._rows.append("  ".join(dict.fromkeys(cells)))  # merged cells repeat their text


def _int(value: str | None, default: int) -> int:
    try:
        return max(int(value), 0) if value is not None else default
    except ValueError:
        return default
