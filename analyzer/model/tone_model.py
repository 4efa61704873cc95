"""The model stage: a trained tone and blame model at run time (the scikit-learn pipeline and its meta).

It reads a sentence table (``text`` and the ``cue_*`` columns that the nlp stage,
``analyzer.nlp.sentence_table``, computes once) and owns no spaCy pipeline:
``predict_frame`` adds the labels and probabilities as columns. Scoring,
training, evaluation and ``analyzer tag`` all predict through it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline
from spacy.language import Language

from analyzer.nlp.sentence_table import text_table
from analyzer.nlp.tagging import TaggedSentence
from analyzer.vocabulary import BLAMES, HEADS, TONES

PREDICTION_COLUMNS = ["tone", *(f"tone_p_{t}" for t in TONES), "blame", *(f"blame_p_{b}" for b in BLAMES)]


@dataclass(frozen=True)
class SentencePrediction:
    tone: str
    blame: str
    tone_proba: dict[str, float]
    blame_proba: dict[str, float]


class ToneModel:
    def __init__(self, pipeline: Pipeline, meta: dict):
        self.pipeline = pipeline
        self.meta = meta
        self.drift = None  # analyzer.model.probes.ProbeDrift when this installation gives other outputs

    @property
    def version(self) -> str:
        return self.meta.get("model_version", "unknown")

    def predict_frame(self, table: pd.DataFrame) -> pd.DataFrame:
        """``tone``, ``tone_p_*``, ``blame``, ``blame_p_*`` for each row of ``table`` (same index);
        probabilities rounded to 6 decimals, the label the most probable class."""
        if table.empty:
            return pd.DataFrame(columns=PREDICTION_COLUMNS, index=table.index)
        columns = {}
        for head, proba, classes in zip(HEADS, self.pipeline.predict_proba(table), self.pipeline[-1].classes_):
            proba = np.round(np.asarray(proba, dtype=float), 6)
            names = [str(c) for c in classes]
            columns[head] = np.asarray(names, dtype=object)[proba.argmax(axis=1)]
            for label in (TONES if head == "tone" else BLAMES):
                columns[f"{head}_p_{label}"] = proba[:, names.index(label)] if label in names else 0.0
        return pd.DataFrame(columns, index=table.index)[PREDICTION_COLUMNS]

    def predictions(self, table: pd.DataFrame) -> list[SentencePrediction]:
        """``predict_frame`` as one record per row."""
        frame = self.predict_frame(table)
        return [SentencePrediction(tone=row["tone"], blame=row["blame"],
                                   tone_proba={t: float(row[f"tone_p_{t}"]) for t in self._classes("tone")},
                                   blame_proba={b: float(row[f"blame_p_{b}"]) for b in self._classes("blame")})
                for row in frame.to_dict("records")]

    def predict_texts(self, texts: list[str], nlp: Language) -> list[SentencePrediction]:
        """Each text read whole as one sentence (its cues from ``nlp``)."""
        return self.predictions(text_table(nlp, texts))

    def label(self, sentences: list[TaggedSentence]) -> None:
        """Fill the tone, blame and probabilities of tagged sentences (``analyzer tag``)."""
        table = pd.DataFrame([{"text": s.text, **s.cues} for s in sentences])
        for sentence, prediction in zip(sentences, self.predictions(table)):
            sentence.tone, sentence.blame = prediction.tone, prediction.blame
            sentence.tone_proba, sentence.blame_proba = prediction.tone_proba, prediction.blame_proba

    def _classes(self, head: str) -> list[str]:
        classes = self.pipeline[-1].classes_[HEADS.index(head)]
        return [str(c) for c in classes]
