"""Sentence embeddings for the tone model, on onnxruntime: part of the base install.

The encoder is ``sentence-transformers/all-MiniLM-L6-v2`` (Apache-2.0), exported
to ONNX with 8-bit weights by ``scripts/export_encoder.py`` and shipped with the
package (``models/encoders/``), so nothing is downloaded at run time and no
PyTorch is needed. A model trained with embeddings names its encoder
(``SentenceFeaturizer.embedding_model``); the encoder itself is not in the model
file and is loaded from the shipped folder when first needed.

Vectors are unit length and rounded to 4 decimals, so that thread counts or
CPU kernels that differ in the last float bits still give identical features.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path

import numpy as np

from analyzer.errors import UsageError
from analyzer.model.shipped import encoder_dir

DEFAULT_ENCODER = "all-MiniLM-L6-v2"
KNOWN_ENCODERS = (DEFAULT_ENCODER,)
DECIMALS = 4
BATCH_SIZE = 64
CACHE_SIZE = 20_000  # texts per encoder (3 KB each)
_CACHES: dict[str, OrderedDict] = {}
_THREADS: dict[str, int | None] = {"threads": None}


class EmbeddingsUnavailableError(UsageError):
    """A model needs a sentence encoder that is not installed."""


def encoder_folder(name: str) -> Path:
    """The shipped folder of an encoder (``model.onnx``, ``tokenizer.json``, ``encoder.json``)."""
    if name not in KNOWN_ENCODERS:
        raise ValueError(f"unknown sentence encoder {name!r}; known: {', '.join(KNOWN_ENCODERS)}")
    folder = encoder_dir(name)
    if not (folder / "model.onnx").is_file():
        raise EmbeddingsUnavailableError(f"sentence encoder {name} is missing from {folder}; reinstall the package")
    return folder


def available(name: str) -> bool:
    try:
        encoder_folder(name)
    except (EmbeddingsUnavailableError, ValueError):
        return False
    return True


def use_threads(count: int | None) -> None:
    """Threads for encoders loaded from now on (a worker process uses one)."""
    _THREADS["threads"] = count
    _encoder.cache_clear()


def configured_threads() -> int | None:
    """The thread count set by :func:`use_threads` (None: one per available core)."""
    return _THREADS["threads"]


@lru_cache(maxsize=2)
def _encoder(name: str):
    from analyzer.model.encoder import OnnxEncoder

    return OnnxEncoder(encoder_folder(name), threads=_THREADS["threads"])


def embed(texts, name: str) -> np.ndarray:
    """One unit-length vector per text, rounded to ``DECIMALS``: shape (len(texts), dimension).

    Recently seen texts come from a bounded cache: training and cross-validation
    transform the same sentences many times.
    """
    encoder = _encoder(name)
    texts = [str(t) for t in texts]
    if not texts:
        return np.zeros((0, encoder.dimension))
    cache = _CACHES.setdefault(name, OrderedDict())
    missing = list(dict.fromkeys(t for t in texts if t not in cache))
    if missing:
        vectors = encoder.encode(missing, batch_size=BATCH_SIZE)
        for text, vector in zip(missing, np.round(vectors.astype(np.float64), DECIMALS)):
            cache[text] = vector
    rows = np.vstack([cache[t] for t in texts])
    for text in texts:
        cache.move_to_end(text)  # least recently used go first
    while len(cache) > CACHE_SIZE:
        cache.popitem(last=False)
    return rows


@lru_cache(maxsize=4)
def encoder_sha256(name: str) -> str:
    return hashlib.sha256((encoder_folder(name) / "model.onnx").read_bytes()).hexdigest()


def versions(name: str) -> dict[str, str]:
    """What makes the embeddings, for a model's meta: the runtime libraries and the encoder file."""
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for package in ("onnxruntime", "tokenizers"):
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = "not installed"
    found[f"encoder:{name}"] = encoder_sha256(name)[:16]
    return found
