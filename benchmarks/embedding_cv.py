"""How the embedding settings of models/tone-v1 were chosen: 5-fold cross-validation on written train + dev.

    python benchmarks/embedding_cv.py [--json]

Each setting is the project's training pipeline (`analyzer.model.training.build_pipeline`)
with the `[training]` overrides below, refit on four folds and scored on the fifth (the
same folds for every setting); the test splits take no part. About 10 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold

from analyzer.model.embeddings import DEFAULT_ENCODER
from analyzer.model.labels import read_labels
from analyzer.model.training import DEFAULT_PARAMS, build_pipeline
from analyzer.nlp.model import load_pipeline
from analyzer.nlp.sentence_table import text_table

LABELS = Path(__file__).resolve().parent.parent / "data" / "labels" / "written.csv"
SETTINGS = {  # name -> [training] overrides
    "no embeddings, C=2": {},
    "embeddings weight 0.5, C=2": {"embedding_model": DEFAULT_ENCODER, "embedding_weight": 0.5},
    "embeddings weight 1.0, C=2 (tone-v1)": {"embedding_model": DEFAULT_ENCODER, "embedding_weight": 1.0},
    "embeddings weight 1.5, C=2": {"embedding_model": DEFAULT_ENCODER, "embedding_weight": 1.5},
    "embeddings weight 1.0, C=1": {"embedding_model": DEFAULT_ENCODER, "embedding_weight": 1.0, "C": 1.0},
    "embeddings weight 1.0, C=4": {"embedding_model": DEFAULT_ENCODER, "embedding_weight": 1.0, "C": 4.0},
}


def cross_validate(frame: pd.DataFrame, targets: np.ndarray, overrides: dict) -> dict:
    predicted = np.empty(targets.shape, dtype=object)
    for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(frame, targets[:, 0]):
        pipeline = build_pipeline({**DEFAULT_PARAMS, **overrides}).fit(frame.iloc[train], targets[train])
        predicted[test] = pipeline.predict(frame.iloc[test])
    return {head: round(float(f1_score(targets[:, k], predicted[:, k], average="macro")), 4)
            for k, head in enumerate(("tone", "blame"))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = read_labels([str(LABELS)])
    rows = rows[rows["split"].isin(["train", "dev"])].reset_index(drop=True)
    frame = text_table(load_pipeline(), rows["text"].tolist())
    targets = rows[["tone", "blame"]].to_numpy()
    results = {name: cross_validate(frame, targets, overrides) for name, overrides in SETTINGS.items()}
    if args.json:
        print(json.dumps(results))
        return
    print(f"5-fold CV on written train + dev (n = {len(rows)}), macro-F1")
    for name, scores in results.items():
        print(f"  {name:40} tone {scores['tone']:.3f}  blame {scores['blame']:.3f}")


if __name__ == "__main__":
    main()
