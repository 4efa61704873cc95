"""The nlp stage: interactions in, one row per company-side sentence out.

Which text is tagged is decided here: the company turns of interactions whose
direction is tagged (``analyzer.vocabulary.TAGGED_DIRECTIONS``), cut into pieces
of a bounded length (``analyzer.nlp.pieces``). Each row holds the sentence's
text and character offsets into its turn, its rule spans (counted and
cancelled), and its cue columns, computed once; the model stage reads ``text``
and the ``cue_*`` columns, the scoring stage the rest. ``text_table`` is the same
for texts read whole as one unit each (labelled sentences), so training,
evaluation and scoring build their features through one function.
"""

from __future__ import annotations

import pandas as pd
from spacy.language import Language

from analyzer.ingest.records import Interaction
from analyzer.nlp.cues import CUE_COLUMNS, cue_vector
from analyzer.nlp.pieces import text_pieces
from analyzer.nlp.tagging import TaggedSpan, sentences_of
from analyzer.vocabulary import TAGGED_DIRECTIONS

SENTENCE_COLUMNS = ["interaction_id", "turn_index", "speaker", "sentence_index", "start", "end", "text", "spans",
                    "cancelled_spans", "second_person_subject", "imperative", *CUE_COLUMNS]


def text_table(nlp: Language, texts: list[str], batch_size: int = 256) -> pd.DataFrame:
    """Each text as one unit (a labelled sentence): ``text`` and its cue columns over the whole text."""
    rows = [{"text": doc.text, **cue_vector(doc[:])} for doc in nlp.pipe(texts, batch_size=batch_size)]
    return pd.DataFrame(rows, columns=["text", *CUE_COLUMNS])


def company_pieces(items: list[Interaction]) -> list[tuple[Interaction, int, int, str]]:
    """(interaction, turn index, offset in the turn, text) for every piece of every company turn to tag."""
    return [(item, index, offset, piece) for item in items if item.direction in TAGGED_DIRECTIONS
            for index, turn in enumerate(item.turns) if turn.role == "company" and turn.text.strip()
            for offset, piece in text_pieces(turn.text)]


def sentence_table(nlp: Language, items: list[Interaction], batch_size: int = 64) -> pd.DataFrame:
    """One row per company-side sentence of ``items``, numbered per interaction in reading order."""
    pieces = company_pieces(items)
    docs = nlp.pipe((piece for *_, piece in pieces), batch_size=batch_size)
    rows, counters = [], {}
    for (item, turn_index, offset, _), tagged_sentences in zip(pieces, (sentences_of(doc) for doc in docs)):
        for tagged in tagged_sentences:
            sentence_index = counters.get(item.interaction_id, 0)
            counters[item.interaction_id] = sentence_index + 1
            rows.append({
                "interaction_id": item.interaction_id, "turn_index": turn_index,
                "speaker": item.turns[turn_index].speaker, "sentence_index": sentence_index,
                "start": offset + tagged.start, "end": offset + tagged.end, "text": tagged.text,
                "spans": [_span_row(s, offset) for s in tagged.spans],
                "cancelled_spans": [{**_span_row(s, offset), "cancelled_by": s.cancelled_by} for s in tagged.cancelled],
                "second_person_subject": bool(tagged.cues["cue_second_person_subject"]),
                "imperative": bool(tagged.cues["cue_imperative"]),
                **tagged.cues,
            })
    return pd.DataFrame(rows, columns=SENTENCE_COLUMNS)


def _span_row(span: TaggedSpan, offset: int) -> dict:
    """A span with offsets into its turn (the piece starts at ``offset``)."""
    return {"label": span.label, "start": offset + span.start, "end": offset + span.end, "text": span.text,
            "rule": span.rule}
