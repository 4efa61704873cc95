"""The per-batch function every engine calls: interactions in, output rows out.

Tags the company-side turns of customer-facing interactions with spaCy and the
tone model, then hands plain DataFrames to ``analyzer.scoring`` for scores and
flags. The local engine and the Spark runner both call ``score_batch``; neither
holds scoring logic of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd
from spacy.language import Language

from analyzer import __version__
from analyzer.config import Config
from analyzer.engine.rows import interaction_row, records
from analyzer.ingest.records import Interaction
from analyzer.io.schemas import BLAMES, TONES
from analyzer.nlp.pieces import text_pieces
from analyzer.nlp.tagging import tag_docs
from analyzer.scoring.empathy import count_words, interaction_scores, sentence_valence, sentence_weight
from analyzer.scoring.flag_rules import FlagRule, build_rules
from analyzer.scoring.flags import find_flags, flag_summary

# internal (staff-to-staff) mail is tagged and scored too, and kept out of the customer-facing comparison
TAGGED_DIRECTIONS = ("outbound", "unknown", "internal")
NLP_BATCH_SIZE = 64


@dataclass
class Scorer:
    """What scoring needs, loaded once per process."""

    nlp: Language
    tone_model: object  # analyzer.model.tone_model.ToneModel
    rules: tuple[FlagRule, ...]
    min_company_words: int

    @property
    def model_version(self) -> str:
        return self.tone_model.version

    @classmethod
    def from_config(cls, config: Config) -> "Scorer":
        rules = build_rules(config.flag_rules, config.source or "config")
        tone_model = _load_model(config.model_path, config.spacy_model)
        return cls(nlp=tone_model.nlp, tone_model=tone_model, rules=rules, min_company_words=config.min_company_words)


@lru_cache(maxsize=4)
def _load_model(model_path: str | None, spacy_model: str | None):
    from analyzer.model.training import load_model  # heavy imports only when a run scores something

    return load_model(model_path, spacy_model=spacy_model)


@dataclass
class BatchRows:
    interactions: list[dict] = field(default_factory=list)
    sentences: list[dict] = field(default_factory=list)
    flags: list[dict] = field(default_factory=list)


def _company_pieces(items: list[Interaction]) -> list[tuple[Interaction, int, int, str]]:
    """(interaction, turn index, offset, text) for every piece of every company turn to tag."""
    return [(item, index, offset, piece) for item in items if item.direction in TAGGED_DIRECTIONS
            for index, turn in enumerate(item.turns) if turn.role == "company" and turn.text.strip()
            for offset, piece in text_pieces(turn.text)]


def _sentence_frame(items: list[Interaction], scorer: Scorer) -> pd.DataFrame:
    pieces = _company_pieces(items)
    docs = list(scorer.nlp.pipe((piece for *_, piece in pieces), batch_size=NLP_BATCH_SIZE))
    rows, counters = [], {}
    for (item, turn_index, offset, _), tagged_sentences in zip(pieces, tag_docs(docs, scorer.tone_model)):
        for tagged in tagged_sentences:
            sentence_index = counters.get(item.interaction_id, 0)
            counters[item.interaction_id] = sentence_index + 1
            rows.append({
                "interaction_id": item.interaction_id, "turn_index": turn_index,
                "speaker": item.turns[turn_index].speaker, "sentence_index": sentence_index,
                "start": offset + tagged.start, "end": offset + tagged.end, "text": tagged.text,
                "n_words": count_words(tagged.text),
                "tone": tagged.tone, **{f"tone_p_{t}": tagged.tone_proba.get(t, 0.0) for t in TONES},
                "blame": tagged.blame, **{f"blame_p_{b}": tagged.blame_proba.get(b, 0.0) for b in BLAMES},
                "spans": [{"label": s.label, "start": offset + s.start, "end": offset + s.end, "text": s.text,
                           "rule": s.rule} for s in tagged.spans],
                "cancelled_spans": [{"label": s.label, "start": offset + s.start, "end": offset + s.end,
                                     "text": s.text, "rule": s.rule, "cancelled_by": s.cancelled_by}
                                    for s in tagged.cancelled],
                "second_person_subject": bool(tagged.cues.get("second_person_subject")),
                "imperative": bool(tagged.cues.get("imperative")),
            })
    frame = pd.DataFrame(rows)
    if not frame.empty:
        frame["valence"] = sentence_valence(frame)
        frame["weight"] = sentence_weight(frame["valence"]).round(6)
    return frame


def score_batch(items: list[Interaction], scorer: Scorer, run_id: str) -> BatchRows:
    """Rows of the interactions, sentences and flags datasets for ``items``."""
    out = BatchRows()
    if not items:
        return out
    provenance = {"model_version": scorer.model_version, "analyzer_version": __version__, "run_id": run_id}
    sentences = _sentence_frame(items, scorer)
    scores = interaction_scores(pd.DataFrame({"interaction_id": [i.interaction_id for i in items],
                                              "direction": [i.direction for i in items],
                                              "sides_known": [all(t.role != "unknown" for t in i.turns)
                                                              for i in items]}),
                                sentences, scorer.min_company_words)
    flags = find_flags(sentences, scorer.rules)
    summary = {row["interaction_id"]: row for row in flag_summary(flags).to_dict("records")}
    by_id = {item.interaction_id: item for item in items}
    for item, score in zip(items, records(scores)):
        flagged = summary.get(item.interaction_id)
        row = interaction_row(item, run_id)
        row.update({key: value for key, value in score.items() if key != "interaction_id"})
        row.update({
            "flagged": flagged is not None,
            "flag_reasons": list(flagged["flag_reasons"]) if flagged else [],
            "max_flag_severity": flagged["max_severity"] if flagged else None,
            "n_flags": int(flagged["n_flags"]) if flagged else 0,
            "model_version": scorer.model_version,
        })
        out.interactions.append(row)
    for sentence in records(sentences):
        out.sentences.append({**_where(by_id[sentence["interaction_id"]]), **sentence, **provenance})
    for flag in records(flags):
        item = by_id[flag["interaction_id"]]
        out.flags.append({**_where(item), **flag, "sent_at": item.sent_at, **provenance})
    return out


def _where(item: Interaction) -> dict:
    return {"interaction_id": item.interaction_id, "source_path": item.source_path,
            "relative_path": item.relative_path, "source_offset": item.source_offset,
            "department": item.department, "channel": item.channel}
