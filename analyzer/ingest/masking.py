"""Masking of payment card numbers (PANs) and IBANs in stored text.

A tool that keeps payment correspondence must not keep card or account numbers.
Masking replaces characters one for one with ``*``, keeping separators and the last
four characters, so a masked string has the length of the original and every
character offset into it (flags point into stored text) stays valid.

What counts as a card number
    A *group* is a maximal run of decimal digits in any script (ASCII, full-width
    ``４``, Arabic-Indic ``٤``: anything ``str.isdecimal``); digits glued to letters
    count (``card4111111111111111exp``). Groups join into a *run* through short
    separators: 1-3 characters of whitespace (space, tab, NBSP, thin, narrow and
    figure spaces, ...), invisible breaks (soft hyphen, zero-width space), dashes
    (``-``, en and em dash, minus sign, non-breaking hyphen), dots, slashes or
    underscores; or one line break, with up to two such characters on each side
    and an optional ``>`` quote prefix (a number wrapped in a quoted reply).
    Commas and colons never join groups: they belong to amounts and times.

    A card is a window of whole consecutive groups of a run holding 13-19 digits
    that start like a card (22-27: Mir, Mastercard; 3: Amex, Diners, JCB; 4: Visa;
    5: Mastercard, Maestro; 6: Discover, UnionPay; never 20 or 21, which start years
    and compact timestamps) and pass the Luhn check, whose separators are all of one
    kind (spaces, dashes, dots, slashes or underscores; a line break goes with any),
    and that holds no date (``2026-03-31``, ``31.03.2026``, ``03/31/26``). Windows are
    taken leftmost, longest first, so a card followed by an expiry date or CVV in
    the same run (``4111 1111 1111 1111 12/28``) is still found. A group is never
    split: an unseparated run of more than 19 digits (order and tracking numbers)
    is not a card, nor is a card glued to more digits (``41111111111111111228``),
    as nothing tells where it would end.

    False positives are the price of not leaking: about one in ten numbers of 13-19
    digits passes Luhn by chance, so a 16-digit reference starting with 3-6 or two
    phone numbers on consecutive lines can be masked. The one-kind separator
    rule keeps lists (``555-123-4567 / 555-987-6543``) and amount tables
    (``12.50 13.75 19.99``) out; the date rule keeps date ranges
    (``2026-03-01 - 2026-03-31``) out; timestamps break at ``:``.

What counts as an IBAN (ISO 13616)
    Two ASCII letters (any case) not preceded by a letter or digit, two check digits
    (02-98), then letters and digits, optionally grouped by single spaces or hyphens
    (or one line break), of the length the registry gives the country
    (``IBAN_LENGTHS``; 15-34 for countries missing there, longest match first), not
    followed by a letter or digit, and passing the mod-97 check. The country code
    and the last four characters are kept.

``unmasked_numbers`` reports what masking would still mask; after ``mask_text``
it finds nothing (masking repeats until a pass masks nothing), which output-wide
leak tests rely on.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from dataclasses import dataclass, fields, is_dataclass, replace

from analyzer.ingest.records import Interaction

MASK = "*"

# Interaction fields left alone: sha256 digests computed by the tool, hex that can hold a
# Luhn-valid digit run ("a4111111111111111b") but no card. The paths are masked like any
# text: the engine masks its file keys with `mask_text` too (analyzer.engine.plan.stored_path),
# and masking is deterministic and idempotent, so rows and manifest keys stay equal.
SKIPPED_FIELDS = frozenset({"interaction_id", "source_sha256"})

_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
# separator characters by kind; within one card every separator is of one kind
_SEPARATOR_KINDS = {
    " ": "\u00ad\u200b\u200c\u200d\u2060\ufeff",  # invisible: soft hyphen, zero-width space/joiners, BOM
    "-": "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d",
    ".": ".\u00b7\u2024\u2027\u30fb\uff0e\uff65",
    "/": "/\\\u2044\u2215\uff0f",
    "_": "_\uff3f",
}
_SEPARATOR_CHAR = rf"(?:[^\S{_LINE_BREAKS}]|[{re.escape(''.join(_SEPARATOR_KINDS.values()))}])"
_LINE_BREAK = rf"(?:\r\n|[{_LINE_BREAKS}])"
_QUOTE_PREFIX = r"(?:[ \t]?>){0,8}"  # a quoted reply's "> " or ">> "
_WRAPPED = rf"{_SEPARATOR_CHAR}{{0,2}}{_LINE_BREAK}{_QUOTE_PREFIX}{_SEPARATOR_CHAR}{{0,2}}"  # one line break
_SEPARATOR = rf"(?:{_SEPARATOR_CHAR}{{1,3}}|{_WRAPPED})"
_DIGIT_RUN = re.compile(rf"\d+(?:{_SEPARATOR}\d+)*")
_DIGIT_GROUP = re.compile(r"\d+")
_DATE_KINDS = ("-", ".", "/")
_LUHN_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)

# IBAN length per country, from the SWIFT IBAN registry
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
    "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "ES": 24, "FI": 18,
    "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28,
    "IE": 22, "IL": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21,
    "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30,
    "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24,
    "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "TL": 23, "TN": 24, "TR": 26, "VG": 24, "XK": 20,
}
# country code (not glued to a word), check digits, then up to 30 letters and digits, each maybe
# after one separator: the longest spelling; _iban_in finds where the IBAN ends
_IBAN_CANDIDATE = re.compile(r"(?<![^\W_])[A-Za-z]{2}\d{2}(?:(?:\r\n|[\s-])?[A-Za-z\d]){11,30}")
_IBAN_SEPARATOR = re.compile(r"\r\n|[\s-]")
_LETTER_VALUES = {ord(letter): str(value) for value, letter in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 10)}


@dataclass(frozen=True)
class _Found:
    """A number found in a text: where it is, and the positions of the characters to hide."""

    start: int
    end: int
    hidden: tuple[int, ...]


# --- cards ---------------------------------------------------------------------------------------


def luhn_valid(digits: str) -> bool:
    """The Luhn check of ASCII digits: every second digit from the right doubled (its digit sum)."""
    doubled = sum(_LUHN_DOUBLED[int(char)] for char in digits[-2::-2])
    return (sum(int(char) for char in digits[::-2]) + doubled) % 10 == 0


def _starts_like_a_card(digits: str) -> bool:
    # issuer prefixes 22-27 (Mir, Mastercard 2-series) and 3-6; "20" and "21" start years, not cards
    return digits[:1] in ("3", "4", "5", "6") or "22" <= digits[:2] <= "27"


def _ascii_digits(text: str) -> str:
    return text if text.isascii() else "".join(str(unicodedata.decimal(char)) for char in text)


@functools.lru_cache(maxsize=1024)
def _separator_kind(separator: str) -> str | None:
    """The kind of a separator (" ", "-", ".", "/", "_" or a mix); None for a line break, which fits any."""
    if any(char in _LINE_BREAKS for char in separator):
        return None
    kinds = {kind for char in separator for kind, chars in _SEPARATOR_KINDS.items() if char in chars}
    return "".join(sorted(kinds - {" "})) or " "


def _is_date(first: str, second: str, third: str) -> bool:
    """Three digit groups read as year-month-day, day.month.year or month/day/year."""
    a, b, c = int(first), int(second), int(third)
    if len(first) == 4 and len(second) <= 2 and len(third) <= 2:
        return 1 <= b <= 12 and 1 <= c <= 31
    if len(first) <= 2 and len(second) <= 2 and len(third) in (2, 4):
        return (1 <= a <= 31 and 1 <= b <= 12) or (1 <= a <= 12 and 1 <= b <= 31)
    return False


def _holds_date(groups: list[str], kinds: list[str | None]) -> bool:
    return any(kinds[i] == kinds[i + 1] and kinds[i] in _DATE_KINDS and _is_date(*groups[i:i + 3])
               for i in range(len(groups) - 2))


def _is_card_window(digits: str, groups: list[str], kinds: list[str | None]) -> bool:
    return (luhn_valid(digits) and len({kind for kind in kinds if kind is not None}) <= 1
            and not _holds_date(groups, kinds))


def _cards_in_run(text: str, start: int, end: int) -> list[_Found]:
    """Cards among the groups of one run: leftmost windows of whole groups, longest first."""
    matches = list(_DIGIT_GROUP.finditer(text, start, end))
    groups = [_ascii_digits(match.group()) for match in matches]
    kinds = [_separator_kind(text[a.end():b.start()]) for a, b in itertools.pairwise(matches)]
    found, first = [], 0
    while first < len(groups):
        last = _longest_card_from(groups, kinds, first)
        if last is None:
            first += 1
            continue
        span_start, span_end = matches[first].start(), matches[last].end()
        digits = [p for p in range(span_start, span_end) if text[p].isdecimal()]
        found.append(_Found(span_start, span_end, tuple(digits[:-4])))
        first = last + 1
    return found


def _longest_card_from(groups: list[str], kinds: list[str | None], first: int) -> int | None:
    """The last group of the longest card window that starts at group ``first``, or None."""
    if not _starts_like_a_card("".join(groups[first:first + 2])):
        return None
    digits, ends = "", []  # (last group, digits up to it) of the windows of 13-19 digits
    for last in range(first, len(groups)):
        digits += groups[last]
        if len(digits) > 19:
            break
        if len(digits) >= 13:
            ends.append((last, len(digits)))
    for last, length in reversed(ends):
        if _is_card_window(digits[:length], groups[first:last + 1], kinds[first:last]):
            return last
    return None


def _find_cards(text: str) -> list[_Found]:
    runs = (run for run in _DIGIT_RUN.finditer(text) if run.end() - run.start() >= 13)  # fewer digits: no card
    return [card for run in runs for card in _cards_in_run(text, run.start(), run.end())]


# --- IBANs ---------------------------------------------------------------------------------------


def _iban_chars(candidate: str) -> str:
    """The letters and digits of a candidate as the check reads them: ASCII capitals and digits."""
    compact = _IBAN_SEPARATOR.sub("", candidate)
    return compact.upper() if compact.isascii() else "".join(
        char.upper() if char.isascii() else str(unicodedata.decimal(char)) for char in compact)


def _iban_valid(iban: str) -> bool:
    # ISO 7064 mod 97-10: the first four characters moved to the end, letters as 10-35
    return "02" <= iban[2:4] <= "98" and int((iban[4:] + iban[:4]).translate(_LETTER_VALUES)) % 97 == 1


def _word_ends(text: str, candidate: re.Match) -> set[int]:
    """How many of the candidate's letters and digits come before each place where a word ends."""
    ends, skipped = set(), 0
    for separator in _IBAN_SEPARATOR.finditer(candidate.group()):
        ends.add(separator.start() - skipped)
        skipped += len(separator.group())
    if candidate.end() == len(text) or not text[candidate.end()].isalnum():
        ends.add(len(candidate.group()) - skipped)
    return ends


def _iban_in(text: str, candidate: re.Match) -> _Found | None:
    """The IBAN that starts the candidate and ends a word: the country's length, else the longest."""
    chars, ends = _iban_chars(candidate.group()), _word_ends(text, candidate)
    for length in _iban_lengths_to_try(chars):
        if length in ends and _iban_valid(chars[:length]):
            positions = [candidate.start() + i for i, char in enumerate(candidate.group()) if char.isalnum()]
            return _Found(candidate.start(), positions[length - 1] + 1, tuple(positions[2:length - 4]))
    return None


def _iban_lengths_to_try(chars: str) -> list[int] | range:
    length = IBAN_LENGTHS.get(chars[:2])
    if length:
        return [length] if length <= len(chars) else []
    return range(len(chars), 14, -1)  # a country missing from the table: the longest valid match


def _find_ibans(text: str) -> list[_Found]:
    found, position = [], 0
    while candidate := _IBAN_CANDIDATE.search(text, position):
        iban = _iban_in(text, candidate)
        found += [iban] if iban else []
        position = iban.end if iban else candidate.start() + 1
    return found


# --- masking -------------------------------------------------------------------------------------


def _mask_found(text: str, found: list[_Found]) -> str:
    chars = list(text)
    for number in found:
        for position in number.hidden:
            chars[position] = MASK
    return "".join(chars)


def _mask_until_stable(text: str | None, *finders) -> tuple[str | None, int]:
    """Mask what the finders find, again until nothing is found, so masking is idempotent.

    A second pass can find a number the first did not: the kept last four digits of a card
    can start another Luhn-valid window with the digits after them.
    """
    total, changed = 0, bool(text)
    while changed:
        changed = False
        for finder in finders:
            found = finder(text)
            if found:
                text, total, changed = _mask_found(text, found), total + len(found), True
    return text, total


def mask_card_numbers(text: str | None) -> tuple[str | None, int]:
    """``text`` with every card number masked, and how many were masked."""
    return _mask_until_stable(text, _find_cards)


def mask_ibans(text: str | None) -> tuple[str | None, int]:
    """``text`` with every IBAN masked but its country code and last four characters, and how many."""
    return _mask_until_stable(text, _find_ibans)


def mask_text(text: str | None) -> tuple[str | None, int]:
    """``text`` with IBANs and card numbers masked (IBANs first: their digits may hold a card window)."""
    return _mask_until_stable(text, _find_ibans, _find_cards)


def unmasked_numbers(text: str | None) -> list[str]:
    """The card numbers and IBANs in ``text`` that masking would mask, as written; [] after ``mask_text``."""
    if not text:
        return []
    found = sorted(_find_ibans(text) + _find_cards(text), key=lambda number: number.start)
    return [text[number.start:number.end] for number in found]


def _mask_value(value):
    """``value`` with every string in it masked (str, list or tuple of them, a dataclass), and the count."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, (list, tuple)):
        masked = [_mask_value(element) for element in value]
        return type(value)(element for element, _ in masked), sum(count for _, count in masked)
    if is_dataclass(value) and not isinstance(value, type):
        changes, count = _masked_fields(value)
        return replace(value, **changes), count
    return value, 0


def _masked_fields(record) -> tuple[dict, int]:
    """The masked values of every field of ``record`` but the SKIPPED_FIELDS, and the count."""
    changes, total = {}, 0
    for spec in fields(record):
        if spec.name in SKIPPED_FIELDS:
            continue
        changes[spec.name], count = _mask_value(getattr(record, spec.name))
        total += count
    return changes, total


def mask_interaction(item: Interaction) -> int:
    """Mask card numbers and IBANs in every stored string of ``item`` in place; returns how many.

    Fields are walked generically, so a field added to ``Interaction`` or ``Turn`` later is
    masked too; only SKIPPED_FIELDS are left alone.
    """
    changes, total = _masked_fields(item)
    for name, value in changes.items():
        setattr(item, name, value)
    item.masked_card_numbers += total
    return total
