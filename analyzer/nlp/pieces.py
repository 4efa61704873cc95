"""Long texts cut into pieces the parser can take, with each piece's offset.

spaCy refuses texts over ``nlp.max_length`` (and the parser needs memory in
proportion to the text), so a long letter or a giant table cell is tagged in
pieces of at most ``max_chars`` characters, cut at a paragraph break when there
is one, else after a sentence end, else at a space. Offsets into the piece plus
the piece's offset are offsets into the whole text.
"""

from __future__ import annotations

import re

MAX_PIECE_CHARS = 10_000
_SENTENCE_END = re.compile(r"[.!?]\s")


def text_pieces(text: str, max_chars: int = MAX_PIECE_CHARS) -> list[tuple[int, str]]:
    if len(text) <= max_chars:
        return [(0, text)]
    pieces, start = [], 0
    while len(text) - start > max_chars:
        window = text[start:start + max_chars]
        cut = window.rfind("\n\n") + 2  # after the break, so each piece ends with its paragraph
        if cut < max_chars // 2:
            ends = [m.end() for m in _SENTENCE_END.finditer(window)]
            cut = ends[-1] if ends and ends[-1] >= max_chars // 2 else window.rfind(" ")
        if cut <= 0:
            cut = max_chars  # one unbroken run of characters: cut it anyway
        pieces.append((start, text[start:start + cut]))
        start += cut
    pieces.append((start, text[start:]))
    return pieces
