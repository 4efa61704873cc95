"""Message text made safe for the places reviewers look at it: spreadsheets and terminals.

Message text comes from customers and agents, so it can hold anything: a cell
that starts with ``=`` runs as a formula when a spreadsheet opens the CSV
(``=HYPERLINK(...)``, ``=cmd|...``), and escape sequences or bidi overrides
printed to a terminal can clear the screen, erase lines or reorder what is shown.
"""

from __future__ import annotations

import re

# The characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = frozenset("=+-@\t\r")

# Escape sequences whole, so none of their parameters is left behind as text:
# CSI (ESC [ ... final byte, or the 8-bit CSI), OSC / DCS / APC / PM / SOS strings up
# to their terminator (BEL or ST), and the two-byte ESC sequences (also what is left
# of an unterminated string's introducer, so the text after it stays visible).
_ESCAPE_SEQUENCES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]P_^X]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x90\x98\x9c-\x9f]*(?:\x07|\x1b\\|\x9c)"
    r"|\x1b[ -~]?"
)
# Line breaks and tabs: a space where the text has to stay on one line.
_BREAKS = re.compile(r"\r\n|[\n\r\t\v\f\x85\u2028\u2029]")
# Whatever is left of C0 / DEL / C1, and the bidi embeddings, overrides and isolates.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _needs_apostrophe(value: str) -> bool:
    # leading spaces do not stop a spreadsheet from reading "  =1+1" as a formula; a value that
    # already starts with apostrophes before a formula gets one more, so import undoes exactly one
    value = value.lstrip("'")
    return value[:1] in FORMULA_PREFIXES or value.lstrip()[:1] in FORMULA_PREFIXES


def neutralize_cell(value):
    """A string cell a spreadsheet would run as a formula, with a leading apostrophe; anything else as is."""
    if isinstance(value, str) and _needs_apostrophe(value):
        return "'" + value
    return value


def unneutralize_cell(value: str) -> str:
    """Undo ``neutralize_cell``: drop the apostrophe only where it added one."""
    if value.startswith("'") and _needs_apostrophe(value[1:]):
        return value[1:]
    return value


def terminal_safe(text, *, one_line: bool = True) -> str:
    """Text a terminal prints as text: no escape sequences, control characters or bidi overrides.

    With ``one_line`` (the default) line breaks and tabs become spaces; otherwise
    each line break becomes ``\\n`` and tabs become spaces.
    """
    text = _ESCAPE_SEQUENCES.sub("", str(text))
    text = _BREAKS.sub(lambda m: " " if one_line or m.group() in "\t\v\f" else "\n", text)
    return _CONTROLS.sub("", text)
