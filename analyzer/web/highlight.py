"""A turn's text cut into pieces, each with the flags that cover it, for highlighting.

Evidence of several flags may overlap ("you have still not paid" inside a whole
blaming sentence); cutting the text at every mark boundary gives pieces that are
each covered by a fixed set of flags, so the page can highlight and label them
without nesting marks. The text itself is never turned into markup here: the
template escapes every piece.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise


@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    label: str


@dataclass(frozen=True)
class Piece:
    text: str
    labels: tuple[str, ...]  # the marks covering this piece
    ending: tuple[str, ...]  # the marks that end with this piece (their label is shown after it)


def pieces(text: str, marks: list[Mark]) -> list[Piece]:
    """``text`` in order, cut at every mark boundary; marks outside the text are clipped."""
    marks = [Mark(max(0, m.start), min(len(text), m.end), m.label) for m in marks]
    marks = [m for m in marks if m.start < m.end]
    cuts = sorted({0, len(text), *(m.start for m in marks), *(m.end for m in marks)})
    result = []
    for start, end in pairwise(cuts):
        covering = [m for m in marks if m.start <= start and end <= m.end]
        result.append(Piece(text[start:end], _unique(m.label for m in covering),
                            _unique(m.label for m in covering if m.end == end)))
    return result


def _unique(labels) -> tuple[str, ...]:
    return tuple(dict.fromkeys(labels))
