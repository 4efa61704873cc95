"""Tagged sentences as plain records: what ``analyzer tag`` prints and the sentence table is built from.

Each sentence's cues (``analyzer.nlp.cues.cue_vector``: span counts and
syntactic cues, the numeric columns the tone model reads) are computed here,
once; nothing downstream asks spaCy again.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Span

from analyzer.nlp.cues import cue_vector
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
    cues: dict = field(default_factory=dict)  # cue_* column -> value (analyzer.nlp.cues.CUE_COLUMNS)
    tone: str | None = None  # filled by a tone model (analyzer.model.tone_model.ToneModel.label)
    blame: str | None = None
    tone_proba: dict = field(default_factory=dict)
    blame_proba: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


def _tagged(span: Span, reason: str | None = None) -> TaggedSpan:
    return TaggedSpan(label=span.label_, start=span.start_char, end=span.end_char, text=span.text,
                      rule=span.id_, cancelled_by=reason)


def _tag_sentences(doc: Doc, span_key: str) -> list[TaggedSentence]:
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
        tagged.cues = cue_vector(sent)
        pairs.append(tagged)
    return pairs


def tag_docs(docs: list[Doc], span_key: str = SPAN_KEY) -> list[list[TaggedSentence]]:
    """Tagged sentences of each doc, with their spans and cues."""
    return [_tag_sentences(doc, span_key) for doc in docs]


def sentences_of(doc: Doc, span_key: str = SPAN_KEY) -> list[TaggedSentence]:
    """Tagged sentences of one doc (see ``tag_docs``)."""
    return tag_docs([doc], span_key)[0]


def tag_text(nlp: Language, text: str) -> list[TaggedSentence]:
    return sentences_of(nlp(text))
