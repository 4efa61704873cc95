"""Component ``tone_scope``: decides which tagged spans count as the company's own words.

Runs after the taggers and moves a span out of ``doc.spans[key]`` when
- it is **quoted or reported** speech: inside quotation marks, or in the
  complement of a reporting verb whose subject is not the company
  ("You said that we charged you twice") -> ``doc.spans[key + "_reported"]``;
- it is **negated**: a negation outside the span governs it, within its clause
  or through a complement ("this was not your fault", "we will not take legal
  action", "I'm not saying you failed") -> ``doc.spans[key + "_negated"]``;
- it is **hypothetical** blame or ownership in an if/unless clause
  ("If you haven't paid yet") -> ``doc.spans[key + "_conditional"]``.
Then overlapping spans are resolved: one span per label and place, and the
precedence in ``data/scope.json`` (a non-apology is not also an apology).
Negation, reported speech and conditions need a dependency parse; quotes do not.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from analyzer.nlp.spans import CANCEL_REASONS, JsonRulesSerialization, cancelled_key, merge_overlapping, load_package_json

# Negation and reporting reach up through these relations; other clause links stop them.
_PASS_THROUGH = {"xcomp", "ccomp", "prep", "pobj", "dobj", "attr", "acomp", "amod", "compound", "det", "poss",
                 "nsubj", "nsubjpass", "npadvmod", "advmod", "aux", "auxpass", "oprd", "dative", "appos", "nmod",
                 "acl", "pcomp", "agent", "neg", "prt", "case", "quantmod", "nummod"}
# ...but a clause or phrase placed before its head ("It's policy, I don't make the
# rules"; "As per our policy, the fee cannot be removed") is not in the head's scope.
_ONLY_AFTER_HEAD = {"ccomp", "xcomp", "prep", "npadvmod", "advmod"}
_COMPLEMENTS = {"ccomp", "xcomp", "dobj", "oprd"}
_NEGATING_DEPS = {"neg", "det", "nsubj", "nsubjpass", "advmod", "dobj"}


class ScopeFilter(JsonRulesSerialization):
    rules_file = "scope.json"

    def __init__(self, nlp: Language, name: str, *, span_key: str):
        self.name = name
        self.span_key = span_key
        self._load(load_package_json("scope.json"))

    def _load(self, data: dict) -> None:
        self.data = data
        self.negation_words = set(data["negation_words"])
        self.reporting_verbs = set(data["reporting_verbs"])
        self.own_voice = set(data["own_voice_subjects"])
        self.conditional_markers = set(data["conditional_markers"])
        self.conditional_labels = set(data["conditional_labels"])
        self.precedence = {label: set(others) for label, others in data["precedence"].items()}
        self.quote_patterns = [re.compile(p) for p in _quote_regexes(data["quote_pairs"])]

    def __call__(self, doc: Doc) -> Doc:
        doc._.tone_span_key = self.span_key
        spans = list(doc.spans[self.span_key]) if self.span_key in doc.spans else []
        parsed = doc.has_annotation("DEP")
        quoted = [m.span() for pattern in self.quote_patterns for m in pattern.finditer(doc.text)]
        kept: list[Span] = []
        cancelled: dict[str, list[Span]] = {reason: [] for reason in CANCEL_REASONS}
        for span in spans:
            reason = self.cancel_reason(span, quoted, parsed)
            (cancelled[reason] if reason else kept).append(span)
        doc.spans[self.span_key] = self._resolve_overlaps(merge_touching(merge_overlapping(kept)))
        for reason, group in cancelled.items():
            doc.spans[cancelled_key(self.span_key, reason)] = merge_overlapping(group)
        return doc

    def cancel_reason(self, span: Span, quoted: list[tuple[int, int]], parsed: bool) -> str | None:
        if any(start <= span.start_char and span.end_char <= end for start, end in quoted):
            return "reported"
        if not parsed:
            return None
        if self._is_reported(span):
            return "reported"
        if self._is_negated(span):
            return "negated"
        if span.label_ in self.conditional_labels and self._is_conditional(span):
            return "conditional"
        return None

    def _clause_chain(self, span: Span) -> list[Token]:
        """The span root and the ancestors that negation or a report can reach it through."""
        chain = [span.root]
        token = span.root
        while token.dep_ in _PASS_THROUGH and token.head is not token:
            if token.dep_ in _ONLY_AFTER_HEAD and token.i < token.head.i:
                break
            token = token.head
            chain.append(token)
        return chain

    def _is_negated(self, span: Span) -> bool:
        for token in self._clause_chain(span):
            for child in token.children:
                if span.start <= child.i < span.end:
                    continue  # negation inside the span is part of its meaning ("not our department")
                if token == span.root and child.i >= span.end:
                    continue  # "our mistake, not anything you did": a contrast after the span
                if child.lower_ in self.negation_words and child.dep_ in _NEGATING_DEPS:
                    return True
        return False

    def _is_reported(self, span: Span) -> bool:
        chain = self._clause_chain(span)
        for lower, upper in zip(chain, chain[1:]):
            inside_span = span.start <= upper.i < span.end
            if upper.lemma_.lower() in self.reporting_verbs and lower.dep_ in _COMPLEMENTS and not inside_span:
                subjects = [c.lower_ for c in upper.children if c.dep_ in ("nsubj", "nsubjpass")]
                if not any(s in self.own_voice for s in subjects):
                    return True
        return False

    def _is_conditional(self, span: Span) -> bool:
        for token in self._clause_chain(span) + [span.root.head]:
            if any(c.dep_ == "mark" and c.lower_ in self.conditional_markers for c in token.children):
                return True
            if token.dep_ == "advcl":
                break
        return False

    def _resolve_overlaps(self, spans: list[Span]) -> list[Span]:
        def suppressed(span: Span) -> bool:
            return any(span.label_ in self.precedence.get(other.label_, ()) and
                       other.start < span.end and span.start < other.end for other in spans)
        return [span for span in spans if not suppressed(span)]


def merge_touching(spans: list[Span]) -> list[Span]:
    """'I understand' + 'this is stressful' side by side with one label are one span."""
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        previous = next((m for m in reversed(merged) if m.label == span.label), None)
        if previous is not None and previous.end == span.start:
            merged[merged.index(previous)] = Span(span.doc, previous.start, span.end, label=span.label,
                                                  span_id=previous.id_)
        else:
            merged.append(span)
    return merged


def _quote_regexes(pairs: list[list[str]]) -> list[str]:
    regexes = []
    for opening, closing in pairs:
        if opening == closing == "'":
            # single quotes only when they are not apostrophes (I'm, customers')
            regexes.append(r"(?<![\w])'[^'\n]{1,200}'(?![\w])")
        else:
            regexes.append(f"{re.escape(opening)}[^{re.escape(closing)}\\n]{{1,400}}{re.escape(closing)}")
    return regexes
