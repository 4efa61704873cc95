"""Strings that every writer accepts: no lone surrogates.

Python strings can hold lone surrogates that UTF-8 cannot encode: JSON input
such as ``"\\ud800"`` decodes to one, and a file name that is not valid UTF-8
arrives from the operating system with its bad bytes as ``\\udc80``-``\\udcff``
(surrogateescape). Parquet, JSON logs and terminals refuse them, so every string
is made valid before it is written: an escaped byte of a name becomes the visible
text ``\\xff`` (so the original bytes stay recorded), any other lone surrogate
becomes U+FFFD.
"""

from __future__ import annotations

import re
from typing import Any

_SURROGATE = re.compile("[\ud800-\udfff]")


def _replace(match: re.Match) -> str:
    code = ord(match.group(0))
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else "\ufffd"


def valid_text(text: str) -> str:
    return _SURROGATE.sub(_replace, text) if _SURROGATE.search(text) else text


def valid_value(value: Any) -> Any:
    """``value`` with every string inside it (lists and dicts included) made valid."""
    if isinstance(value, str):
        return valid_text(value)
    if isinstance(value, list):
        return [valid_value(v) for v in value]
    if isinstance(value, dict):
        return {k: valid_value(v) for k, v in value.items()}
    return value
