"""A trained tone and blame model at run time: the spaCy pipeline that makes the
cue features, plus the scikit-learn pipeline (featurizer and classifier)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sklearn.pipeline import Pipeline
from spacy.language import Language
from spacy.tokens import Span

from analyzer.nlp.cues import cue_vector

HEADS = ("tone", "blame")


@dataclass(frozen=True)
class SentencePrediction:
    tone: str
    blame: str
    tone_proba: dict[str, float]
    blame_proba: dict[str, float]


def feature_frame(spans: list[Span]) -> pd.DataFrame:
    """Text and cue columns for a list of sentences (or whole short texts)."""
    return pd.DataFrame([{"text": span.text, **cue_vector(span)} for span in spans])


def texts_to_frame(nlp: Language, texts: list[str], batch_size: int = 256) -> pd.DataFrame:
    """Each text as one unit (a labelled sentence), with its cues over the whole text."""
    return feature_frame([doc[:] for doc in nlp.pipe(texts, batch_size=batch_size)])


class ToneModel:
    def __init__(self, pipeline: Pipeline, nlp: Language, meta: dict):
        self.pipeline = pipeline
        self.nlp = nlp
        self.meta = meta
        self.drift = None  # analyzer.model.probes.ProbeDrift when this installation gives other outputs

    @property
    def version(self) -> str:
        return self.meta.get("model_version", "unknown")

    def predict_frame(self, frame: pd.DataFrame) -> list[SentencePrediction]:
        if frame.empty:
            return []
        tone_proba, blame_proba = self.pipeline.predict_proba(frame)
        tone_classes, blame_classes = self.pipeline[-1].classes_
        predictions = []
        for tp, bp in zip(tone_proba, blame_proba):
            tones = {str(c): round(float(p), 6) for c, p in zip(tone_classes, tp)}
            blames = {str(c): round(float(p), 6) for c, p in zip(blame_classes, bp)}
            predictions.append(SentencePrediction(tone=max(tones, key=tones.get), blame=max(blames, key=blames.get),
                                                  tone_proba=tones, blame_proba=blames))
        return predictions

    def predict_spans(self, spans: list[Span]) -> list[SentencePrediction]:
        return self.predict_frame(feature_frame(spans))

    def predict_texts(self, texts: list[str]) -> list[SentencePrediction]:
        return self.predict_frame(texts_to_frame(self.nlp, texts))
