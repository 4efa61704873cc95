"""Bytes to text: declared charset first, then UTF-8, then a statistical guess."""

from __future__ import annotations

import codecs
import unicodedata

from charset_normalizer import from_bytes

from analyzer.errors import InputFileError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Bytes that never appear in text files: C0 controls except tab, newlines, form feed, escape.
_WESTERN_SINGLE_BYTE = {"cp1250", "cp1252", "latin_1", "iso8859_2", "iso8859_3", "iso8859_4", "iso8859_9",
                        "iso8859_10", "iso8859_13", "iso8859_14", "iso8859_15", "iso8859_16", "cp1254", "cp1257",
                        "mac_roman", "mac_latin2", "cp850", "cp437"}
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))
_WIDE_CHARSETS = {"utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"}


def looks_binary(data: bytes) -> bool:
    """True when the first 8 KiB hold many control bytes and no Unicode BOM explains them."""
    head = data[:8192]
    if not head or any(head.startswith(bom) for bom, _ in _BOMS):
        return False
    controls = sum(head.count(bytes([c])) for c in _CONTROL)
    return controls / len(head) > 0.02


def decode_text(data: bytes, declared: str | None = None) -> str:
    """Decode ``data``; raise ``InputFileError`` (binary / undecodable) when it is not text."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    wide = _is_wide(declared)
    if wide:  # before the binary check: UTF-16 text is full of NUL bytes
        text = _declared_text(data, declared)
        if text is not None:
            return text
    if looks_binary(data):
        raise InputFileError("binary", "binary data, not text in any supported format")
    text = _declared_text(data, declared) if declared and not wide else None
    if text is not None:
        return text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    guess = from_bytes(data).best()
    if guess is not None and guess.encoding in _WESTERN_SINGLE_BYTE:
        # Short Western text is ambiguous between Latin code pages; Windows-1252 is by far
        # the most common one in business mail and exports, so prefer it when it fits.
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            pass
    if guess is None:
        raise InputFileError("undecodable", "the text is not valid UTF-8"
                             + (f" nor the declared charset {declared[:40]!r}" if declared else "")
                             + " and no other character set fits it")
    return str(guess)


def _is_wide(charset: str | None) -> bool:
    try:
        return bool(charset) and codecs.lookup(charset).name in _WIDE_CHARSETS
    except LookupError:
        return False


def _declared_text(data: bytes, declared: str) -> str | None:
    """``data`` in its declared charset; None when that charset cannot be the right one."""
    try:
        text = data.decode(declared)
    except (LookupError, UnicodeDecodeError):
        return None
    if _is_wide(declared) and _is_utf8(data) and _mostly_cjk_or_unassigned(text):
        # UTF-16/32 declared over 8-bit text (a BOM would have been used above): each pair of
        # ASCII letters becomes one CJK ideograph, so the declaration is wrong
        return None
    return text


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _mostly_cjk_or_unassigned(text: str) -> bool:
    sample = [c for c in text[:4096] if not c.isspace()]
    odd = sum(1 for c in sample if "\u3400" <= c <= "\u9fff" or unicodedata.category(c) in ("Cn", "Co"))
    return bool(sample) and odd > len(sample) / 2
