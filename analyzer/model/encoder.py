"""A sentence encoder exported to ONNX, run with onnxruntime and tokenizers: no PyTorch.

A folder made by ``scripts/export_encoder.py`` holds ``model.onnx`` (a BERT-style
transformer whose output is the last hidden state), ``tokenizer.json`` and
``encoder.json`` (name, source, licence, settings). Vectors are the mean of the
token states under the attention mask, scaled to unit length, as
sentence-transformers computes them.

The session runs on the CPU with a fixed thread count and sequential execution,
so the same text gives the same vector on every call and in every batch.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
INFO_FILE = "encoder.json"
DEFAULT_MAX_TOKENS = 256


def default_threads() -> int:
    """One intra-op thread per core the process may use (workers set their own)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


def cpu_session(model: str | bytes, threads: int | None = None):
    """An onnxruntime CPU session with a fixed thread count and sequential execution, so a text gives
    the same output on every call and in every batch (a path or the model's bytes)."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads or default_threads()
    options.inter_op_num_threads = 1
    options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    # idle intra-op threads sleep instead of spinning: spinning took the core spaCy tags on (the local engine
    # overlaps the two) and was slower even alone on 2 cores (8,594 sentences: 29.8 s against 34.0 s)
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.log_severity_level = 3  # errors only: keep cron runs quiet
    return onnxruntime.InferenceSession(model, sess_options=options, providers=["CPUExecutionProvider"])


def truncating(tokenizer, max_tokens: int):
    """The tokenizer, cutting texts at ``max_tokens``; batches are padded by ``padded_arrays``."""
    tokenizer.enable_truncation(max_length=max_tokens)
    tokenizer.no_padding()
    return tokenizer


def padded_arrays(tokenizer, encodings: list) -> tuple[np.ndarray, np.ndarray]:
    """Token ids and attention mask of a batch of encodings, padded to its longest, as int64 arrays."""
    width = max((len(e.ids) for e in encodings), default=0)
    ids = np.full((len(encodings), width), tokenizer.token_to_id("[PAD]") or 0, dtype=np.int64)
    mask = np.zeros((len(encodings), width), dtype=np.int64)
    for row, encoding in enumerate(encodings):
        ids[row, :len(encoding.ids)] = encoding.ids
        mask[row, :len(encoding.ids)] = encoding.attention_mask
    return ids, mask


def token_arrays(tokenizer, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Token ids and attention mask of a batch, as int64 arrays."""
    return padded_arrays(tokenizer, tokenizer.encode_batch(texts))


def length_sorted_batches(tokenizer, texts: list[str], batch_size: int):
    """(positions in ``texts``, ids, mask) for batches of texts with similar token counts: a batch is
    padded to its longest text, and sorting by characters instead left two thirds of the tokens the
    network ran over as padding on real emails (URLs, numbers and names split into many tokens)."""
    encodings = tokenizer.encode_batch(texts)
    order = np.argsort([len(e.ids) for e in encodings], kind="stable")
    for start in range(0, len(texts), batch_size):
        index = order[start:start + batch_size]
        yield (index, *padded_arrays(tokenizer, [encodings[i] for i in index]))


class OnnxEncoder:
    """Texts in, unit-length float32 vectors out."""

    def __init__(self, folder: str | Path, *, max_tokens: int | None = None, threads: int | None = None):
        from tokenizers import Tokenizer

        folder = Path(folder)
        info_path = folder / INFO_FILE
        info = json.loads(info_path.read_text(encoding="utf-8")) if info_path.exists() else {}
        self.info = info
        self.max_tokens = max_tokens or int(info.get("max_tokens", DEFAULT_MAX_TOKENS))
        self.tokenizer = truncating(Tokenizer.from_file(str(folder / TOKENIZER_FILE)), self.max_tokens)
        self.session = cpu_session(str(folder / MODEL_FILE), threads)
        self._inputs = {i.name for i in self.session.get_inputs()}
        self.dimension = int(self.session.get_outputs()[0].shape[-1])

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for index, ids, mask in length_sorted_batches(self.tokenizer, texts, batch_size):
            vectors[index] = self._encode_batch(ids, mask)
        return vectors

    def _encode_batch(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        states = self.session.run(None, {k: v for k, v in feeds.items() if k in self._inputs})[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (states * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
