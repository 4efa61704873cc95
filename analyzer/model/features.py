"""Sentence features for the tone and blame heads, as one scikit-learn transformer.

Input: a DataFrame with a ``text`` column and the spaCy cue columns
(``cue_*``, from :func:`analyzer.nlp.cues.cue_vector`). Output: a sparse matrix
of word n-grams, character n-grams, the span counts and syntactic cues, VADER
sentiment scores (MIT licence) and the politeness strategies of
Danescu-Niculescu-Mizil et al. (2013) as regular expressions, and optionally
sentence embeddings (all-MiniLM-L6-v2 on onnxruntime, :mod:`analyzer.model.embeddings`).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.validation import check_is_fitted

from analyzer.model.embeddings import KNOWN_ENCODERS, embed

TOKEN_PATTERN = r"(?u)\b\w[\w']*\b|[!?]"
LEXICON_COLUMNS = ("vader_neg", "vader_neu", "vader_pos", "vader_compound")


@lru_cache(maxsize=1)
def _markers() -> dict[str, re.Pattern]:
    data = json.loads(resources.files("analyzer.model").joinpath("data", "politeness_markers.json").read_text())
    return {name: re.compile(pattern) for name, pattern in data["markers"].items()}


@lru_cache(maxsize=1)
def _vader():
    # imported lazily: the analyzer object holds a large lexicon and is not part of the saved model
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def politeness_markers(texts) -> np.ndarray:
    markers = _markers()
    rows = []
    for text in texts:
        lowered = " ".join(str(text).lower().split())
        rows.append([1.0 if pattern.search(lowered) else 0.0 for pattern in markers.values()])
    return np.asarray(rows, dtype=float).reshape(len(rows), len(markers))


def lexicon_scores(texts) -> np.ndarray:
    vader = _vader()
    rows = [[scores[k] for k in ("neg", "neu", "pos", "compound")]
            for scores in (vader.polarity_scores(str(t)) for t in texts)]
    return np.asarray(rows, dtype=float).reshape(len(rows), len(LEXICON_COLUMNS))


class SentenceFeaturizer(TransformerMixin, BaseEstimator):
    """Text and cue columns -> one sparse feature matrix.

    Parameters are switches and sizes for each feature family, so a benchmark
    can turn a family off (``use_cues=False``) to measure what it adds.
    """

    def __init__(self, *, use_words=True, use_chars=True, use_cues=True, use_lexicon=True, use_politeness=True,
                 word_ngram_range=(1, 2), char_ngram_range=(2, 5), min_df=2, max_char_features=60000,
                 dense_weight=1.0, embedding_model=None, embedding_weight=1.0):
        self.use_words = use_words
        self.use_chars = use_chars
        self.use_cues = use_cues
        self.use_lexicon = use_lexicon
        self.use_politeness = use_politeness
        self.word_ngram_range = word_ngram_range
        self.char_ngram_range = char_ngram_range
        self.min_df = min_df
        self.max_char_features = max_char_features
        self.dense_weight = dense_weight
        self.embedding_model = embedding_model
        self.embedding_weight = embedding_weight

    def fit(self, X, y=None):
        frame = self._frame(X)
        if not any((self.use_words, self.use_chars, self.use_cues, self.use_lexicon, self.use_politeness,
                    self.embedding_model)):
            raise ValueError("SentenceFeaturizer needs at least one feature family switched on")
        if self.embedding_model is not None and self.embedding_model not in KNOWN_ENCODERS:
            raise ValueError(f"The 'embedding_model' parameter of SentenceFeaturizer must be None or one of "
                             f"{sorted(KNOWN_ENCODERS)}. Got {self.embedding_model!r} instead.")
        texts = frame["text"].tolist()
        self.word_vectorizer_ = TfidfVectorizer(ngram_range=tuple(self.word_ngram_range), min_df=self.min_df,
                                                sublinear_tf=True, token_pattern=TOKEN_PATTERN,
                                                dtype=np.float64).fit(texts) if self.use_words else None
        self.char_vectorizer_ = TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(self.char_ngram_range),
                                                min_df=self.min_df, sublinear_tf=True,
                                                max_features=self.max_char_features,
                                                dtype=np.float64).fit(texts) if self.use_chars else None
        for vectorizer in (self.word_vectorizer_, self.char_vectorizer_):
            if vectorizer is not None and hasattr(vectorizer, "stop_words_"):
                del vectorizer.stop_words_  # every pruned n-gram: only for introspection, and most of the file size
        self.cue_columns_ = sorted(c for c in frame.columns if c.startswith("cue_")) if self.use_cues else []
        dense = self._dense(frame)
        # scale dense columns to unit maximum so no single cue dominates the n-grams
        self.dense_scale_ = np.maximum(np.abs(dense).max(axis=0), 1e-9) if dense.shape[1] else np.zeros(0)
        self.n_features_out_ = self.transform(frame.head(1)).shape[1]
        return self

    def transform(self, X):
        check_is_fitted(self, "dense_scale_")
        frame = self._frame(X)
        texts = frame["text"].tolist()
        blocks = []
        if self.word_vectorizer_ is not None:
            blocks.append(self.word_vectorizer_.transform(texts))
        if self.char_vectorizer_ is not None:
            blocks.append(self.char_vectorizer_.transform(texts))
        dense = self._dense(frame)
        if dense.shape[1]:
            blocks.append(sp.csr_matrix(dense / self.dense_scale_ * self.dense_weight))
        if getattr(self, "embedding_model", None) is not None:  # absent in models saved before embeddings
            # unit-length vectors: the weight sets their share against the unit-length TF-IDF blocks
            blocks.append(sp.csr_matrix(embed(texts, self.embedding_model) * self.embedding_weight))
        return sp.hstack(blocks, format="csr")

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "dense_scale_")
        names = []
        if self.word_vectorizer_ is not None:
            names += [f"word:{n}" for n in self.word_vectorizer_.get_feature_names_out()]
        if self.char_vectorizer_ is not None:
            names += [f"char:{n}" for n in self.char_vectorizer_.get_feature_names_out()]
        names += list(self.cue_columns_)
        names += list(LEXICON_COLUMNS) if self.use_lexicon else []
        names += [f"politeness_{n}" for n in _markers()] if self.use_politeness else []
        if getattr(self, "embedding_model", None) is not None:
            width = self.n_features_out_ - len(names)
            names += [f"embedding_{i}" for i in range(width)]
        return np.asarray(names, dtype=object)

    def _dense(self, frame: pd.DataFrame) -> np.ndarray:
        parts = []
        if self.cue_columns_:
            missing = [c for c in self.cue_columns_ if c not in frame.columns]
            if missing:
                raise ValueError(f"cue columns missing from the input: {missing}")
            parts.append(frame[list(self.cue_columns_)].to_numpy(dtype=float))
        if self.use_lexicon:
            parts.append(lexicon_scores(frame["text"]))
        if self.use_politeness:
            parts.append(politeness_markers(frame["text"]))
        return np.hstack(parts) if parts else np.zeros((len(frame), 0))

    @staticmethod
    def _frame(X) -> pd.DataFrame:
        if isinstance(X, pd.DataFrame):
            if "text" not in X.columns:
                raise ValueError("SentenceFeaturizer expects a DataFrame with a 'text' column")
            return X
        return pd.DataFrame({"text": [str(x) for x in X]})
