"""A sentence as HTML with its rule spans marked; every character of message text escaped.

Span offsets in the ``sentences`` dataset are into the turn's text, like the
sentence's own ``start``; they are shifted to the sentence here.
"""

from __future__ import annotations

from markupsafe import Markup, escape


def highlight(text: str, sentence_start: int, spans) -> Markup:
    """``text`` with each span as ``<mark class="span-LABEL" title="LABEL">``; overlapping spans keep the first."""
    pieces, cursor = [], 0
    relative = sorted(((s["start"] - sentence_start, s["end"] - sentence_start, s["label"]) for s in (() if spans is None else spans)),
                      key=lambda item: (item[0], -item[1]))
    for start, end, label in relative:
        start, end = max(start, cursor), min(end, len(text))
        if start >= end:
            continue  # overlaps a span already marked, or lies outside the sentence
        pieces.append(escape(text[cursor:start]))
        pieces.append(Markup('<mark class="span-{}" title="{}">{}</mark>').format(
            label.lower(), label, text[start:end]))  # format() escapes every argument
        cursor = end
    pieces.append(escape(text[cursor:]))
    return Markup("").join(pieces)
