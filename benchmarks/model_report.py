"""Held-out scores of tone models, with bootstrap 95% intervals, on every evaluation set.

    python benchmarks/model_report.py [--model DIR ...] [--boot 1000] [--json]

Sets (never trained on by the shipped models): written test (`written.csv`),
contrastive test (`written_contrastive.csv`), agent-dialog test
(`agent_dialogs.csv`, SGD included), real test (`real_tweetsumm.csv`), and the real
blame evaluation: real test plus `real_tweetsumm_blame.csv` (at least 60 blaming
sentences). For each model and set: tone and blame macro-F1 (over the classes in
the gold labels) with a percentile bootstrap interval (sentences resampled with
replacement, seed 0), curt recall, customer-blame recall and the top-label
calibration error per head. Default: the shipped default model and models/tone-v1.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import f1_score, recall_score

from analyzer.model.labels import read_labels
from analyzer.model.metrics import head_report
from analyzer.model.shipped import default_model_dir
from analyzer.model.training import load_model
from analyzer.nlp.model import load_pipeline

REPO = Path(__file__).resolve().parent.parent
LABELS = REPO / "data" / "labels"
SETS = {
    "written test": ["written.csv"],
    "contrastive test": ["written_contrastive.csv"],
    "agent dialogs test": ["agent_dialogs.csv"],
    "real test": ["real_tweetsumm.csv"],
    "real blame (test + extension)": ["real_tweetsumm.csv", "real_tweetsumm_blame.csv"],
}


def macro_f1(gold: np.ndarray, predicted: np.ndarray) -> float:
    return float(f1_score(gold, predicted, average="macro", labels=sorted(set(gold))))


def interval(gold: np.ndarray, predicted: np.ndarray, boot: int) -> list[float]:
    rng = np.random.default_rng(0)
    values = [macro_f1(gold[i], predicted[i]) for i in (rng.integers(0, len(gold), len(gold)) for _ in range(boot))]
    return [round(float(np.percentile(values, 2.5)), 3), round(float(np.percentile(values, 97.5)), 3)]


def report(model, nlp, rows: pd.DataFrame, boot: int) -> dict:
    predictions = model.predict_texts(rows["text"].tolist(), nlp)
    result = {"n": len(rows)}
    for head, positive in (("tone", "curt"), ("blame", "customer")):
        gold = rows[head].to_numpy()
        predicted = np.array([getattr(p, head) for p in predictions])
        classes = list(getattr(predictions[0], f"{head}_proba"))
        proba = np.array([[getattr(p, f"{head}_proba")[c] for c in classes] for p in predictions])
        full = head_report(pd.Series(gold), predicted, proba, np.array(classes), sorted(set(classes)))
        result[head] = {"macro_f1": round(macro_f1(gold, predicted), 3), "ci95": interval(gold, predicted, boot),
                        f"{positive}_recall": round(float(recall_score(gold == positive, predicted == positive,
                                                                        zero_division=0)), 3),
                        f"{positive}_support": int((gold == positive).sum()), "ece": round(full["ece"], 3)}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", action="append", help="model folder (repeat; default: tone-v2 and tone-v1)")
    parser.add_argument("--boot", type=int, default=1000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    folders = args.model or [str(default_model_dir()), str(REPO / "models" / "tone-v1")]
    results = {}
    nlp = load_pipeline()
    for folder in folders:
        model = load_model(folder, nlp=nlp)
        name = f"{Path(folder).name} ({model.version})"
        results[name] = {label: report(model, nlp, read_labels([str(LABELS / f) for f in files], split="test"), args.boot)
                         for label, files in SETS.items()}
        print(json.dumps({name: results[name]}), flush=True)
    if args.json:
        return
    print("\n| model | set | n | tone macro-F1 [95% CI] | curt recall | blame macro-F1 [95% CI] "
          "| customer-blame recall | ECE tone / blame |")
    print("|---|---|---|---|---|---|---|---|")
    for name, sets in results.items():
        for label, r in sets.items():
            t, b = r["tone"], r["blame"]
            print(f"| {name} | {label} | {r['n']} | {t['macro_f1']:.3f} [{t['ci95'][0]:.3f}-{t['ci95'][1]:.3f}] | "
                  f"{t['curt_recall']:.3f} ({t['curt_support']}) | {b['macro_f1']:.3f} "
                  f"[{b['ci95'][0]:.3f}-{b['ci95'][1]:.3f}] | {b['customer_recall']:.3f} ({b['customer_support']}) | "
                  f"{t['ece']:.3f} / {b['ece']:.3f} |")


if __name__ == "__main__":
    main()
