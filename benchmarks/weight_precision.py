"""8-bit against float32 weights of the same fine-tuned tone network: labels, probabilities and scores.

    python benchmarks/weight_precision.py --float32 DIR [--int8 models/tone-v2]

Train the float32 twin first with the shipped settings and ``weight_bits = 32``
(about 20 minutes on 2 cores; it is about 90 MB, so it is not shipped):

    sed 's/^weight_bits = 8/weight_bits = 32/' models/tone-v2.toml > /tmp/tone-v2-fp32.toml
    analyzer train --labels data/labels/written.csv --labels data/labels/written_contrastive.csv \\
        --labels data/labels/agent_dialogs.csv --split train,dev --config /tmp/tone-v2-fp32.toml --out /tmp/tone-v2-fp32

Fine-tuning is deterministic, so the two differ only in the exported weights (and
in the temperatures, each fitted through its own exported network). For every
test sentence of the model report's sets: how often the labels agree, the largest
and mean absolute probability difference, and each model's macro-F1.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from model_report import LABELS, SETS, macro_f1

from analyzer.model.labels import read_labels
from analyzer.model.training import load_model
from analyzer.nlp.model import load_pipeline

REPO = Path(__file__).resolve().parent.parent


def probabilities(predictions, head: str) -> np.ndarray:
    classes = sorted(getattr(predictions[0], f"{head}_proba"))
    return np.array([[getattr(p, f"{head}_proba")[c] for c in classes] for p in predictions])


def compare(int8, float32, nlp, rows) -> dict:
    texts = rows["text"].tolist()
    small, full = int8.predict_texts(texts, nlp), float32.predict_texts(texts, nlp)
    result = {"n": len(rows)}
    for head in ("tone", "blame"):
        gold = rows[head].to_numpy()
        small_labels = np.array([getattr(p, head) for p in small])
        full_labels = np.array([getattr(p, head) for p in full])
        difference = np.abs(probabilities(small, head) - probabilities(full, head))
        result[head] = {"label_agreement": round(float(np.mean(small_labels == full_labels)), 4),
                        "max_abs_proba_diff": round(float(difference.max()), 4),
                        "mean_abs_proba_diff": round(float(difference.mean()), 5),
                        "macro_f1_int8": round(macro_f1(gold, small_labels), 3),
                        "macro_f1_float32": round(macro_f1(gold, full_labels), 3)}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--float32", required=True, help="the float32 twin's model folder")
    parser.add_argument("--int8", default=str(REPO / "models" / "tone-v2"), help="the 8-bit model folder")
    args = parser.parse_args()
    nlp = load_pipeline()
    int8, float32 = load_model(args.int8, nlp=nlp), load_model(args.float32, nlp=nlp)
    for label, files in SETS.items():
        rows = read_labels([str(LABELS / f) for f in files], split="test")
        print(json.dumps({label: compare(int8, float32, nlp, rows)}), flush=True)
    for name, folder in (("int8", args.int8), ("float32", args.float32)):
        size = sum(p.stat().st_size for p in Path(folder).iterdir() if p.is_file())
        print(json.dumps({"model": name, "folder_bytes": size}))


if __name__ == "__main__":
    main()
