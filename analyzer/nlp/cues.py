"""Sentence-level cues the tone classifier reads, as ``Span._`` extensions.

All are getters over the tagged doc, so they need no storage and survive
``to_disk``/``DocBin`` round trips:

=============================  ======================================================================
extension                      value
=============================  ======================================================================
``span._.tone_counts``         ``{label: count}`` of the counted spans inside the span (every label)
``span._.second_person_failure``  a "you failed / ignored / never paid" grammar match inside the span
``span._.second_person_subject``  "you" is the subject of a verb in the span
``span._.imperative``          the span holds a subjectless base-form verb that opens its clause
``span._.modal_softening``     a softening modal (could, would, might, may) is in the span
``span._.negated_spans``       how many spans inside were cancelled by negation
``span._.reported_spans``      how many spans inside were quoted or reported speech
=============================  ======================================================================
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

from analyzer.nlp.phrase_tagger import is_imperative
from analyzer.nlp.spans import LABELS, SPAN_KEY, cancelled_key

SOFTENING_MODALS = {"could", "would", "might", "may"}
# grammar rules whose subject is the customer ("you"): see data/grammar.json, ids starting "you_"
SECOND_PERSON_RULE_PREFIX = "you_"


def _spans_within(span: Span, key: str) -> list[Span]:
    doc = span.doc
    if key not in doc.spans:
        return []
    return [s for s in doc.spans[key] if span.start <= s.start and s.end <= span.end]


def _key(span: Span) -> str:
    return span.doc._.tone_span_key or SPAN_KEY


def tone_counts(span: Span) -> dict[str, int]:
    counts = dict.fromkeys(LABELS, 0)
    for s in _spans_within(span, _key(span)):
        counts[s.label_] = counts.get(s.label_, 0) + 1
    return counts


def second_person_failure(span: Span) -> bool:
    return any(s.label_ == "CUSTOMER_BLAME" and s.id_.startswith(SECOND_PERSON_RULE_PREFIX)
               for s in _spans_within(span, _key(span)))


def second_person_subject(span: Span) -> bool:
    return any(t.lower_ == "you" and t.dep_ in ("nsubj", "nsubjpass") for t in span)


def imperative(span: Span) -> bool:
    return any(t.pos_ in ("VERB", "AUX") and is_imperative(t) and t.dep_ in ("ROOT", "conj") for t in span)


def modal_softening(span: Span) -> bool:
    return any(t.tag_ == "MD" and t.lower_ in SOFTENING_MODALS for t in span)


def negated_spans(span: Span) -> int:
    return len(_spans_within(span, cancelled_key(_key(span), "negated")))


def reported_spans(span: Span) -> int:
    return len(_spans_within(span, cancelled_key(_key(span), "reported")))


SPAN_GETTERS = {
    "tone_counts": tone_counts,
    "second_person_failure": second_person_failure,
    "second_person_subject": second_person_subject,
    "imperative": imperative,
    "modal_softening": modal_softening,
    "negated_spans": negated_spans,
    "reported_spans": reported_spans,
}


def register_extensions() -> None:
    """Idempotent: safe to call from every factory and every process."""
    if not Doc.has_extension("tone_span_key"):
        Doc.set_extension("tone_span_key", default=None)
    for name, getter in SPAN_GETTERS.items():
        if not Span.has_extension(name):
            Span.set_extension(name, getter=getter)


CUE_COLUMNS = (*(f"cue_span_{label.lower()}" for label in LABELS), "cue_second_person_failure",
               "cue_second_person_subject", "cue_imperative", "cue_modal_softening", "cue_negated_spans",
               "cue_reported_spans")


def cue_vector(span: Span) -> dict[str, float]:
    """The cues of one sentence (or any span) as flat numeric columns for the classifier."""
    counts = span._.tone_counts
    vector = {f"cue_span_{label.lower()}": float(counts.get(label, 0)) for label in LABELS}
    vector.update({
        "cue_second_person_failure": float(span._.second_person_failure),
        "cue_second_person_subject": float(span._.second_person_subject),
        "cue_imperative": float(span._.imperative),
        "cue_modal_softening": float(span._.modal_softening),
        "cue_negated_spans": float(span._.negated_spans),
        "cue_reported_spans": float(span._.reported_spans),
    })
    return vector
