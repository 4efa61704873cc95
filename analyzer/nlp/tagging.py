"""Tagged sentences as plain records: what ``analyzer tag`` prints and later layers read."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Span

from analyzer.nlp.cues import SPAN_GETTERS
from analyzer.nlp.spans import CANCEL_REASONS, SPAN_KEY, cancelled_key


@dataclass(frozen=True)
class TaggedSpan:
    label: str
    start: int  # character offsets into the text that was tagged
    end: int
    text: str
    rule: str
    cancelled_by: str | None = None  # negated / reported / conditional


@dataclass
class TaggedSentence:
    index: int
    start: int
    end: int
    text: str
    spans: list[TaggedSpan] = field(default_factory=list)
    cancelled: list[TaggedSpan] = field(default_factory=list)
    cues: dict = field(default_factory=dict)
    tone: str | None = None  # filled when a tone model is given
    blame: str | None = None
    tone_proba: dict = field(default_factory=dict)
    blame_proba: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


def _tagged(span: Span, reason: str | None = None) -> TaggedSpan:
    return TaggedSpan(label=span.label_, start=span.start_char, end=span.end_char, text=span.text,
                      rule=span.id_, cancelled_by=reason)


def _tag_sentences(doc: Doc, span_key: str) -> list[tuple[TaggedSentence, Span]]:
    pairs = []
    for index, sent in enumerate(doc.sents):
        text = sent.text.rstrip()  # the blank lines after a paragraph are not part of its last sentence
        if not text.strip():
            continue
        tagged = TaggedSentence(index=index, start=sent.start_char, end=sent.start_char + len(text), text=text)
        tagged.spans = [_tagged(s) for s in doc.spans.get(span_key, []) if sent.start <= s.start < sent.end]
        for reason in CANCEL_REASONS:
            tagged.cancelled += [_tagged(s, reason) for s in doc.spans.get(cancelled_key(span_key, reason), [])
                                 if sent.start <= s.start < sent.end]
        tagged.cues = {name: getattr(sent._, name) for name in SPAN_GETTERS}
        pairs.append((tagged, sent))
    return pairs


def tag_docs(docs: list[Doc], tone_model=None, span_key: str = SPAN_KEY) -> list[list[TaggedSentence]]:
    """Tagged sentences of each doc; with ``tone_model`` (an ``analyzer.model.tone_model.ToneModel``)
    each also gets its tone and blame with probabilities, predicted in one batch for all docs."""
    per_doc = [_tag_sentences(doc, span_key) for doc in docs]
    if tone_model is not None:
        pairs = [pair for pairs in per_doc for pair in pairs]
        for (tagged, _), prediction in zip(pairs, tone_model.predict_spans([sent for _, sent in pairs])):
            tagged.tone, tagged.blame = prediction.tone, prediction.blame
            tagged.tone_proba, tagged.blame_proba = prediction.tone_proba, prediction.blame_proba
    return [[tagged for tagged, _ in pairs] for pairs in per_doc]


def sentences_of(doc: Doc, span_key: str = SPAN_KEY, tone_model=None) -> list[TaggedSentence]:
    """Tagged sentences of one doc (see ``tag_docs``)."""
    return tag_docs([doc], tone_model, span_key)[0]


def tag_text(nlp: Language, text: str, tone_model=None) -> list[TaggedSentence]:
    return sentences_of(nlp(text), tone_model=tone_model)
