"""Evaluation figures for the two heads: per-class precision, recall and F1,
macro-F1, confusion matrices and expected calibration error."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support


def expected_calibration_error(probabilities: np.ndarray, classes: np.ndarray, gold: np.ndarray, bins: int = 10) -> float:
    """Top-label ECE: the gap between confidence and accuracy, averaged over confidence bins."""
    confidence = probabilities.max(axis=1)
    correct = classes[probabilities.argmax(axis=1)] == gold
    edges = np.linspace(0.0, 1.0, bins + 1)
    error = 0.0
    for low, high in zip(edges[:-1], edges[1:]):
        in_bin = (confidence > low) & (confidence <= high)
        if in_bin.any():
            error += in_bin.mean() * abs(correct[in_bin].mean() - confidence[in_bin].mean())
    return float(error)


def head_report(gold, predicted, probabilities: np.ndarray, classes, all_labels: tuple[str, ...]) -> dict:
    """Macro-F1 is over the labels present in the gold set (a label absent from it has no recall);
    predictions of absent labels still count against precision of nothing and are reported."""
    gold, predicted = np.asarray(gold), np.asarray(predicted)
    present = [label for label in all_labels if label in set(gold)]
    precision, recall, f1, support = precision_recall_fscore_support(gold, predicted, labels=present,
                                                                     zero_division=0)
    matrix = confusion_matrix(gold, predicted, labels=list(all_labels))
    return {
        "macro_f1": float(np.mean(f1)) if present else 0.0,
        "accuracy": float(np.mean(gold == predicted)),
        "labels_in_gold": present,
        "predicted_absent_labels": int(sum(p not in present for p in predicted)),
        "per_class": {label: {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}
                      for label, p, r, f, s in zip(present, precision, recall, f1, support)},
        "confusion_matrix": {"labels": list(all_labels), "rows_are": "gold", "matrix": matrix.tolist()},
        "ece": expected_calibration_error(probabilities, np.asarray(classes), gold),
    }
