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
    options.log_severity_level = 3  # errors only: keep cron runs quiet
    return onnxruntime.InferenceSession(model, sess_options=options, providers=["CPUExecutionProvider"])


def truncating_and_padding(tokenizer, max_tokens: int):
    """The tokenizer, cutting texts at ``max_tokens`` and padding a batch to its longest text."""
    tokenizer.enable_truncation(max_length=max_tokens)
    tokenizer.enable_padding(pad_id=tokenizer.token_to_id("[PAD]") or 0, pad_token="[PAD]")
    return tokenizer


def token_arrays(tokenizer, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Token ids and attention mask of a batch, as int64 arrays."""
    encodings = tokenizer.encode_batch(texts)
    ids = np.asarray([e.ids for e in encodings], dtype=np.int64)
    mask = np.asarray([e.attention_mask for e in encodings], dtype=np.int64)
    return ids, mask


class OnnxEncoder:
    """Texts in, unit-length float32 vectors out."""

    def __init__(self, folder: str | Path, *, max_tokens: int | None = None, threads: int | None = None):
        from tokenizers import Tokenizer

        folder = Path(folder)
        info_path = folder / INFO_FILE
        info = json.loads(info_path.read_text(encoding="utf-8")) if info_path.exists() else {}
        self.info = info
        self.max_tokens = max_tokens or int(info.get("max_tokens", DEFAULT_MAX_TOKENS))
        self.tokenizer = truncating_and_padding(Tokenizer.from_file(str(folder / TOKENIZER_FILE)), self.max_tokens)
        self.session = cpu_session(str(folder / MODEL_FILE), threads)
        self._inputs = {i.name for i in self.session.get_inputs()}
        self.dimension = int(self.session.get_outputs()[0].shape[-1])

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        # batches of similar length waste less work on padding; the order is restored after
        order = np.argsort([len(t) for t in texts], kind="stable")
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            index = order[start:start + batch_size]
            vectors[index] = self._encode_batch([texts[i] for i in index])
        return vectors

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        ids, mask = token_arrays(self.tokenizer, texts)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        states = self.session.run(None, {k: v for k, v in feeds.items() if k in self._inputs})[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (states * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
