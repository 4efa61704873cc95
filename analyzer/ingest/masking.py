"""Masking of payment card numbers (PANs) in stored text.

A tool that keeps payment correspondence must not keep card numbers. Every run of
13-19 digits (single spaces or hyphens allowed between digits) that passes the
Luhn check and starts like a card (2-6) is masked, keeping the separators and the
last four digits, so the text keeps its length and every character offset into
it stays valid.
"""

from __future__ import annotations

import re
from dataclasses import replace

from analyzer.ingest.records import Interaction

MASK = "*"
_CANDIDATE = re.compile(r"(?<![\d\w])\d(?:[ -]?\d){12,18}(?![\d\w])")


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _is_card_number(digits: str) -> bool:
    return 13 <= len(digits) <= 19 and digits[0] in "23456" and luhn_valid(digits)


def mask_card_numbers(text: str) -> tuple[str, int]:
    """``text`` with every card number masked, and how many were masked."""
    count = 0

    def _mask(match: re.Match) -> str:
        nonlocal count
        found = match.group(0)
        digits = re.sub(r"\D", "", found)
        if not _is_card_number(digits):
            return found
        count += 1
        keep_from = len(digits) - 4
        seen, masked = 0, []
        for char in found:
            if char.isdigit():
                masked.append(char if seen >= keep_from else MASK)
                seen += 1
            else:
                masked.append(char)
        return "".join(masked)

    return _CANDIDATE.sub(_mask, text), count


def mask_interaction(item: Interaction) -> int:
    """Mask card numbers in every stored text field of ``item`` in place; returns how many."""
    total = 0

    def _masked(text: str | None) -> str | None:
        nonlocal total
        if not text:
            return text
        masked, count = mask_card_numbers(text)
        total += count
        return masked

    item.turns = [replace(turn, text=_masked(turn.text)) for turn in item.turns]
    item.subject = _masked(item.subject)
    item.quoted_text = _masked(item.quoted_text)
    item.header_text = _masked(item.header_text)
    item.signature = _masked(item.signature)
    item.masked_card_numbers += total
    return total
