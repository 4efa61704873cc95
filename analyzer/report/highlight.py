"""Message text cut into pieces under marks (flag evidence, rule spans), for the review pages and the report.

Marks may overlap ("you have still not paid" inside a whole blaming sentence);
cutting the text at every mark boundary gives pieces that are each covered by a
fixed set of marks, so a page can highlight and label them without nesting.
``highlight`` renders a sentence with its rule spans as escaped HTML; every
character of message text is escaped (``markupsafe``).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from markupsafe import Markup, escape


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


def highlight(text: str, sentence_start: int, spans) -> Markup:
    """A sentence with each rule span as ``<mark class="span-LABEL" title="LABELS">``.

    Span offsets in the ``sentences`` dataset are into the turn's text, like the
    sentence's own ``start``; they are shifted to the sentence here.
    """
    marks = [Mark(s["start"] - sentence_start, s["end"] - sentence_start, s["label"]) for s in (() if spans is None else spans)]
    html = []
    for piece in pieces(text, marks):
        if piece.labels:  # format() escapes every argument
            html.append(Markup('<mark class="span-{}" title="{}">{}</mark>').format(
                piece.labels[0].lower(), ", ".join(piece.labels), piece.text))
        else:
            html.append(escape(piece.text))
    return Markup("").join(html)
