"""Separate what the sender wrote from the reply chain and the signature.

Only the sender's own new words are scored; quoted history (``On ... wrote:``,
``>`` lines, Outlook headers, forwarded blocks) and signatures (``-- ``,
sign-off blocks, "Sent from my phone") are kept apart, never thrown away.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ATTRIBUTION = re.compile(
    r"^\s*(on\b.{0,300}\b(wrote|said)|le\b.{0,300}\ba écrit|am\b.{0,300}\bschrieb|el\b.{0,300}\bescribió)\s*:\s*$",
    re.IGNORECASE)
_DIVIDERS = re.compile(
    r"^\s*(-{2,}\s*(original message|forwarded message|weitergeleitete nachricht|message d'origine)\s*-{2,}"
    r"|begin forwarded message:|_{10,}|-{5,}\s*reply above this line\s*-{5,})\s*$",
    re.IGNORECASE)
_HEADER_LINE = re.compile(r"^\s*\*?(from|sent|date|to|cc|subject)\s*:\*?\s", re.IGNORECASE)
_SIG_DELIMITER = re.compile(r"^--\s?$")
_MOBILE = re.compile(r"^\s*(sent from my|sent from outlook|get outlook for|sent via)\b", re.IGNORECASE)
_SIGN_OFFS = (r"kind regards|best regards|warm regards|warmest regards|regards|best wishes|all the best|best"
              r"|many thanks|thanks again|thanks so much|thanks|thank you|with thanks|cheers|sincerely"
              r"|yours sincerely|yours faithfully|yours truly|respectfully|warmly|take care|talk soon")
_SIGN_OFF = re.compile(
    rf"^\s*({_SIGN_OFFS})\s*[,.!]?(\s*[A-Z][\w.'-]*(\s+[A-Z][\w.'-]*){{0,2}}\s*[,.!]?)?\s*$", re.IGNORECASE)
_MAX_SIGNATURE_LINES = 9
_MAX_SIGN_OFF_CHARS = 120


@dataclass(frozen=True)
class SplitBody:
    new_text: str
    quoted_text: str
    signature: str


def split_reply(text: str) -> SplitBody:
    """Split an email body into the sender's new text, the quoted chain and the signature."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cut = _quote_start(lines)
    own, quoted = lines[:cut], lines[cut:]
    # Interleaved replies: `>` lines above the attribution are quoted too.
    new_lines = [line for line in own if not line.lstrip().startswith(">")]
    quoted = [line for line in own if line.lstrip().startswith(">")] + quoted
    body, signature = split_signature("\n".join(new_lines))
    return SplitBody(new_text=body, quoted_text="\n".join(quoted).strip(), signature=signature)


def split_signature(text: str) -> tuple[str, str]:
    """Return (body, signature); the signature is '' when none is found."""
    lines = text.rstrip().split("\n")
    cut = len(lines)
    for i, line in enumerate(lines):
        if _SIG_DELIMITER.match(line) or _MOBILE.match(line):
            cut = i
            break
    lines_before = lines[:cut]
    tail_start = max(0, len(lines_before) - _MAX_SIGNATURE_LINES - 1)
    for i in range(len(lines_before) - 1, tail_start - 1, -1):
        if _is_sign_off(lines_before[i]) and _looks_like_signature_block(lines_before[i + 1:]):
            cut = i
            break
    return "\n".join(lines[:cut]).strip(), "\n".join(lines[cut:]).strip()


def _is_sign_off(line: str) -> bool:
    # a sign-off is a short line; the pattern backtracks through the whole of a long one
    return len(line) <= _MAX_SIGN_OFF_CHARS and _SIGN_OFF.match(line) is not None


def _looks_like_signature_block(lines: list[str]) -> bool:
    """Names, titles, phone numbers: short lines with no sentence-ending full stop."""
    content = [line.strip() for line in lines if line.strip()]
    return len(content) <= _MAX_SIGNATURE_LINES and all(
        len(line) <= 80 and not re.search(r"[a-z]{3,}[.?!]$", line) for line in content)


def _quote_start(lines: list[str]) -> int:
    for i, line in enumerate(lines):
        if _DIVIDERS.match(line):
            return i
        joined = line if i + 1 >= len(lines) else f"{line} {lines[i + 1]}"
        if _ATTRIBUTION.match(line) or (line.strip().lower().startswith("on ") and _ATTRIBUTION.match(joined)):
            return i
        if _HEADER_LINE.match(line) and line.strip().lower().lstrip("*").startswith("from"):
            following = " ".join(lines[i + 1:i + 5])
            if re.search(r"\b(sent|date)\s*:", following, re.I) and re.search(r"\b(to|subject)\s*:", following, re.I):
                return i
    return len(lines)
