"""The per-batch function every engine calls: interactions in, output rows out.

Wiring only: the three stages each do their part over one sentence table. The
nlp stage (``analyzer.nlp.sentence_table``) tags the company-side sentences, the
model stage (``ToneModel.predict_frame``) adds tone and blame, the scoring stage
(``analyzer.scoring``) adds valence and weight, scores interactions and finds
flags. The local engine and the Spark runner both call ``score_batch``; neither
holds scoring logic of its own, and this module imports no spaCy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from analyzer import __version__
from analyzer.config import Config
from analyzer.engine.rows import interaction_row, records
from analyzer.ingest.records import Interaction
from analyzer.io.schemas import SENTENCES
from analyzer.nlp.sentence_table import sentence_table
from analyzer.scoring.empathy import interaction_scores, with_sentence_scores
from analyzer.scoring.flag_rules import FlagRule, build_rules
from analyzer.scoring.flags import find_flags, flag_summary

NLP_BATCH_SIZE = 64
SENTENCE_OUTPUT_COLUMNS = frozenset(SENTENCES.names)


@dataclass
class Scorer:
    """What scoring needs, loaded once per process."""

    nlp: object  # spacy.language.Language, from analyzer.nlp.model.load_pipeline
    tone_model: object  # analyzer.model.tone_model.ToneModel
    rules: tuple[FlagRule, ...]
    min_company_words: int

    @property
    def model_version(self) -> str:
        return self.tone_model.version

    @classmethod
    def from_config(cls, config: Config) -> Scorer:
        rules = build_rules(config.flag_rules, config.source or "config")
        nlp, tone_model = _load_models(config.model_path, config.spacy_model)
        return cls(nlp=nlp, tone_model=tone_model, rules=rules, min_company_words=config.min_company_words)


@lru_cache(maxsize=4)
def _load_models(model_path: str | None, spacy_model: str | None):
    # heavy imports only when a run scores something
    from analyzer.model.training import load_model
    from analyzer.nlp.model import load_pipeline

    nlp = load_pipeline(spacy_model)
    return nlp, load_model(model_path, nlp=nlp)


@dataclass
class BatchRows:
    interactions: list[dict] = field(default_factory=list)
    sentences: list[dict] = field(default_factory=list)
    flags: list[dict] = field(default_factory=list)


def tag_batch(items: list[Interaction], scorer: Scorer) -> pd.DataFrame:
    """The nlp stage: the sentence table of ``items`` (spaCy, in the calling thread)."""
    return sentence_table(scorer.nlp, items, NLP_BATCH_SIZE)


def score_batch(items: list[Interaction], scorer: Scorer, run_id: str) -> BatchRows:
    """Rows of the interactions, sentences and flags datasets for ``items``."""
    return finish_batch(items, tag_batch(items, scorer) if items else None, scorer, run_id)


def finish_batch(items: list[Interaction], table: pd.DataFrame | None, scorer: Scorer, run_id: str) -> BatchRows:
    """The model and scoring stages over the sentence table ``tag_batch`` made of ``items``: the rows of
    the interactions, sentences and flags datasets. Uses no spaCy, so it may run on another thread while
    the next batch is tagged."""
    out = BatchRows()
    if not items:
        return out
    provenance = {"model_version": scorer.model_version, "analyzer_version": __version__, "run_id": run_id}
    sentences = with_sentence_scores(pd.concat([table, scorer.tone_model.predict_frame(table)], axis=1))
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
    # the cue columns fed the model; the dataset keeps what a reader needs (docs/outputs.md)
    for sentence in records(sentences[[c for c in sentences.columns if c in SENTENCE_OUTPUT_COLUMNS]]):
        out.sentences.append({**_where(by_id[sentence["interaction_id"]]), **sentence, **provenance})
    for flag in records(flags):
        item = by_id[flag["interaction_id"]]
        out.flags.append({**_where(item), **flag, "sent_at": item.sent_at, **provenance})
    return out


def _where(item: Interaction) -> dict:
    return {"interaction_id": item.interaction_id, "source_path": item.source_path,
            "relative_path": item.relative_path, "source_offset": item.source_offset,
            "department": item.department, "channel": item.channel}
