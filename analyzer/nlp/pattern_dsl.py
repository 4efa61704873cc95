"""A compact, readable notation for spaCy ``Matcher`` token patterns.

The phrase patterns in ``data/phrases.json`` are written as strings such as
``"i 'm|am so|really* sorry"`` instead of long lists of token dicts:

==============  =============================================  =====================================
notation        token spec                                     example
==============  =============================================  =====================================
``word``        ``{"LOWER": "word"}``                          ``sorry``
``a|b|c``       ``{"LOWER": {"IN": ["a", "b", "c"]}}``         ``apologise|apologize``
``_``           any one token ``{}``                           ``our _ error``
``POS:X|Y``     ``{"POS": {"IN": [...]}}``                     ``POS:ADJ``
``TAG:X|Y``     ``{"TAG": {"IN": [...]}}``                     ``TAG:VBN``
``LEMMA:x|y``   ``{"LEMMA": {"IN": [...]}}``                   ``LEMMA:pay``
suffix ``?``    optional (``OP: "?"``); ``*`` any number;      ``so|really*``, ``_{0,3}``
                ``+`` one or more; ``{n,m}`` between n and m
==============  =============================================  =====================================

Words with an apostrophe also match the typographic one (``'m`` matches ``’m``).
"""

from __future__ import annotations

import re

_QUANTIFIER = re.compile(r"(\?|\*|\+|\{\d*,?\d*\})$")
_ATTRIBUTES = {"POS", "TAG", "LEMMA"}


class PatternSyntaxError(ValueError):
    pass


def compile_pattern(text: str) -> list[dict]:
    """``"i 'm|am sorry"`` -> a spaCy Matcher pattern (list of token dicts)."""
    tokens = text.split()
    if not tokens:
        raise PatternSyntaxError("empty pattern")
    return [_compile_token(token, text) for token in tokens]


def _compile_token(token: str, pattern: str) -> dict:
    spec: dict = {}
    quantifier = _QUANTIFIER.search(token)
    if quantifier and quantifier.start() > 0:
        spec["OP"] = quantifier.group(1)
        token = token[: quantifier.start()]
    if token == "_":
        return spec
    attribute, sep, values = token.partition(":")
    if sep and attribute in _ATTRIBUTES:
        choices = [v for v in values.split("|") if v]
        if not choices:
            raise PatternSyntaxError(f"{attribute}: needs a value in pattern {pattern!r}")
        if attribute == "LEMMA":
            choices = [c.lower() for c in choices]
        spec[attribute] = {"IN": choices}
        return spec
    words = [w.lower() for w in token.split("|") if w]
    if not words:
        raise PatternSyntaxError(f"empty alternative in pattern {pattern!r}")
    variants = list(dict.fromkeys(v for w in words for v in (w, w.replace("'", "’"))))
    spec["LOWER"] = variants[0] if len(variants) == 1 else {"IN": variants}
    return spec


def compile_sequence(text: str) -> tuple[tuple[str, ...], ...]:
    """``"to hear|learn"`` -> (("to",), ("hear", "learn")): token alternatives for lookahead checks."""
    return tuple(tuple(w.lower() for w in token.split("|")) for token in text.split())
