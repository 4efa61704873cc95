"""Component ``paragraph_sentences``: sentence starts at blank lines and after salutations.

Emails and letters separate their thoughts with blank lines and open with
"Dear Ms Marin," on a line of its own; the parser alone often runs such lines
into the next sentence. Runs before the parser, which keeps these boundaries.
A single line break inside a paragraph is a hard wrap and is left alone.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

_SALUTATION_MAX_TOKENS = 6


class ParagraphSentences:
    def __init__(self, nlp: Language, name: str):
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        line_start = 0
        for token in doc[:-1]:
            if "\n" not in token.text_with_ws:
                continue
            after = token.i + 1
            blank_line = token.is_space and token.text.count("\n") >= 2 or token.whitespace_.count("\n") >= 2
            salutation = token.text == "," and token.i - line_start < _SALUTATION_MAX_TOKENS
            if blank_line or salutation:
                doc[after].is_sent_start = True
            line_start = after
        return doc
