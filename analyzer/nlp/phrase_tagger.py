"""Component ``tone_phrases``: the lexical span rules (token ``Matcher`` patterns).

Patterns live in ``data/phrases.json`` in the notation of
:mod:`analyzer.nlp.pattern_dsl`; a custom file can replace them. The patterns
travel with the pipeline (``to_disk``/``from_disk``), so a saved pipeline
tags the same spans without this package's data files.
"""

from __future__ import annotations


from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, Token

from analyzer.nlp.pattern_dsl import compile_pattern, compile_sequence
from analyzer.nlp.spans import LABELS, JsonRulesSerialization, add_spans, merge_overlapping

CONDITIONS = ("customer_obligation", "sentence_start")
_OBLIGATION_WORDS = {"must", "need", "needs", "required", "require", "requires", "expected", "due"}


class PhraseTagger(JsonRulesSerialization):
    rules_file = "phrases.json"

    def __init__(self, nlp: Language, name: str, *, span_key: str, patterns_path: str | None = None):
        self._init_rules(nlp, name, span_key, patterns_path)

    def _load(self, data: dict) -> None:
        self.data = data
        self.rules = {rule["id"]: rule for rule in data["rules"]}
        self.matcher = Matcher(self.vocab, validate=True)
        for rule in data["rules"]:
            if rule["label"] not in LABELS:
                raise ValueError(f"phrase rule {rule['id']!r}: unknown label {rule['label']!r}; allowed: {LABELS}")
            if rule.get("condition") not in (None, *CONDITIONS):
                raise ValueError(f"phrase rule {rule['id']!r}: unknown condition {rule['condition']!r}; "
                                 f"allowed: {CONDITIONS}")
            self.matcher.add(rule["id"], [compile_pattern(p) for p in rule["patterns"]])
        self.imperative_verbs = frozenset(data.get("imperative_verbs", ()))
        self.vetoes = {rule["id"]: [compile_sequence(s) for s in rule.get("not_followed_by", [])]
                       for rule in data["rules"]}

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        parsed = doc.has_annotation("DEP")
        for match_id, start, end in self.matcher(doc):
            rule = self.rules[self.vocab.strings[match_id]]
            if self._vetoed(doc, end, rule["id"]):
                continue
            condition = rule.get("condition")
            if condition and parsed and not self._holds(condition, doc[start:end]):
                continue
            spans.append(Span(doc, start, end, label=rule["label"], span_id=rule["id"]))
        add_spans(doc, self.span_key, merge_overlapping(spans))
        return doc

    def _holds(self, condition: str, span: Span) -> bool:
        if condition == "sentence_start":
            return opens_sentence(span)
        return is_customer_obligation(span, self.imperative_verbs)

    def _vetoed(self, doc: Doc, end: int, rule_id: str) -> bool:
        for sequence in self.vetoes[rule_id]:
            following = doc[end:end + len(sequence)]
            if len(following) == len(sequence) and all(t.lower_ in words for t, words in zip(following, sequence)):
                return True
        return False


_LEAD_WORDS = {"please", "kindly", "just", "so", "then", "now", "and", "or"}


def governing_verb(span: Span) -> Token | None:
    """The verb the span hangs on: the span root or its nearest verb ancestor."""
    for candidate in [span.root, *span.root.ancestors]:
        if candidate.pos_ in ("VERB", "AUX"):
            return candidate
    return None


def opens_sentence(span: Span) -> bool:
    """The span is the first thing in its sentence, after politeness words."""
    opening = next((t for t in span.sent if not t.is_punct and t.lower_ not in _LEAD_WORDS), None)
    return opening is not None and opening.i == span.start


def is_imperative(verb: Token | None, imperative_verbs: frozenset[str] = frozenset()) -> bool:
    """A subjectless verb that opens its clause: 'Pay now', 'Please contact support'.

    The small English model sometimes tags a sentence-initial imperative as a
    noun ("Reply within 24 hours"); a known imperative verb word in first
    position counts too.
    """
    if verb is None:
        return False
    if any(c.dep_ in ("nsubj", "nsubjpass", "expl", "mark") or c.tag_ == "MD" for c in verb.children):
        return False
    opening = next((t for t in verb.subtree if not t.is_punct and t.lower_ not in _LEAD_WORDS), None)
    if opening != verb:
        return False
    if verb.tag_ in ("VB", "VBP"):
        return True
    sentence_opening = next((t for t in verb.sent if not t.is_punct and t.lower_ not in _LEAD_WORDS), None)
    return verb == sentence_opening and verb.lower_ in imperative_verbs


def is_customer_obligation(span: Span, imperative_verbs: frozenset[str] = frozenset()) -> bool:
    """The customer is told to act: an imperative, a 'must / required / need' clause.

    'Payment is required immediately' is; 'I'll refund you immediately' and
    'Your order will arrive within 24 hours' are not.
    """
    verb = governing_verb(span) or span.root.head
    for token in [verb, *verb.ancestors]:
        if is_imperative(token, imperative_verbs):
            return True
        subjects = [c.lower_ for c in token.children if c.dep_ in ("nsubj", "nsubjpass")]
        if any(s in ("i", "we", "'s", "’s") for s in subjects):  # "let's sort it out now": the speaker acts too
            return False
        has_to = token.lemma_ == "have" and any(c.dep_ == "xcomp" for c in token.children)  # "you have to pay"
        if has_to or token.lemma_ in ("require", "need", "demand", "expect", "due") or any(
                c.lower_ in _OBLIGATION_WORDS and c.dep_ in ("aux", "auxpass") for c in token.children):
            return True
    return False
