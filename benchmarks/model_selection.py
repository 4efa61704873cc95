"""How the tone-v2 estimator was chosen: the candidates under the same cross-validation folds and on the real dev set.

    python benchmarks/model_selection.py [--folds 5] [--candidates linear-frozen,finetuned] [--json]

Data: the written label files and the agent-dialog sentences that may train a
shipped model (`data/labels/written.csv`, `written_contrastive.csv`,
`agent_dialogs.csv`; rows of splits train and dev; SGD rows are test-only).
Each candidate is the project's training pipeline
(`analyzer.model.training.build_pipeline`) with the `[training]` settings below,
refit on k-1 folds and scored on the held-out fold (stratified by tone, seed 0,
the same folds for every candidate), then refit on the train split and scored on
the real TweetSumm dev sentences (never trained on). The fine-tuned candidate
needs the `train` extra (PyTorch); about 6 minutes per fit on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold

from analyzer.model.artifacts import save_model
from analyzer.model.embeddings import DEFAULT_ENCODER
from analyzer.model.labels import BLAMES, TONES, read_labels
from analyzer.model.training import DEFAULT_PARAMS, build_pipeline
from analyzer.nlp.model import load_pipeline
from analyzer.nlp.sentence_table import text_table

LABELS = Path(__file__).resolve().parent.parent / "data" / "labels"
TRAINING_FILES = ["written.csv", "written_contrastive.csv", "agent_dialogs.csv"]
REAL_DEV = "real_tweetsumm.csv"
CANDIDATES = {  # name -> [training] overrides
    "linear-frozen": {"embedding_model": DEFAULT_ENCODER, "embedding_weight": 1.0},  # tone-v1's settings
    "linear-ngrams": {},  # tone-v1-light's settings
    "finetuned": {"estimator": "finetuned", "epochs": 4},
    "finetuned-6": {"estimator": "finetuned", "epochs": 6},
}


def scores(targets: np.ndarray, predicted: np.ndarray) -> dict:
    return {head: round(float(f1_score(targets[:, k], predicted[:, k], average="macro")), 4)
            for k, head in enumerate(("tone", "blame"))}


def cross_validate(frame: pd.DataFrame, targets: np.ndarray, overrides: dict, folds: int) -> dict:
    per_fold = []
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=0).split(frame, targets[:, 0]):
        pipeline = build_pipeline({**DEFAULT_PARAMS, **overrides}).fit(frame.iloc[train], targets[train])
        per_fold.append(scores(targets[test], pipeline.predict(frame.iloc[test])))
    return {head: {"mean": round(float(np.mean([f[head] for f in per_fold])), 4),
                   "sd": round(float(np.std([f[head] for f in per_fold])), 4)} for head in ("tone", "blame")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--candidates", default=",".join(CANDIDATES))
    parser.add_argument("--keep-train-fits", metavar="DIR",
                        help="save each candidate's fit on the train split as a model folder DIR/<candidate> "
                             "(benchmarks/flag_thresholds.py tunes the flag thresholds on dev with it)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    nlp = load_pipeline()
    rows = read_labels([str(LABELS / name) for name in TRAINING_FILES])
    rows = rows[rows["split"].isin(["train", "dev"])].reset_index(drop=True)
    frame = text_table(nlp, rows["text"].tolist())
    targets = rows[["tone", "blame"]].to_numpy()
    real = read_labels([str(LABELS / REAL_DEV)], split="dev")
    real_frame = text_table(nlp, real["text"].tolist())
    in_train = (rows["split"] == "train").to_numpy()
    results = {}
    for name in args.candidates.split(","):
        started = time.perf_counter()
        overrides = CANDIDATES[name]
        pipeline = build_pipeline({**DEFAULT_PARAMS, **overrides}).fit(frame[in_train], targets[in_train])
        result = {"written_dev": scores(targets[~in_train], pipeline.predict(frame[~in_train])),
                  "real_dev": scores(real[["tone", "blame"]].to_numpy(), pipeline.predict(real_frame))}
        if args.keep_train_fits:
            save_model(Path(args.keep_train_fits) / name, pipeline, {
                "model_version": f"selection-{name}", "labels": {"tone": list(TONES), "blame": list(BLAMES)},
                "params": {**DEFAULT_PARAMS, **overrides}, "library_versions": {}, "metrics": {},
                "train_split": "train", "training_data": [{"path": f, "rows": int(in_train.sum()), "sha256": "",
                                                           "licence": ""} for f in TRAINING_FILES]})
        print(json.dumps({name: result}), flush=True)
        result["cv"] = cross_validate(frame, targets, overrides, args.folds)
        result["seconds"] = round(time.perf_counter() - started)
        results[name] = result
        print(json.dumps({name: result}), flush=True)
    if args.json:
        print(json.dumps(results))
        return
    print(f"\n{args.folds}-fold CV on train + dev of {', '.join(TRAINING_FILES)} (n = {len(rows)}), macro-F1; "
          f"then trained on train (n = {int(in_train.sum())}) and scored on written dev and real dev "
          f"(n = {len(real)})")
    print("| candidate | CV tone | CV blame | written dev tone | written dev blame | real dev tone | real dev blame |")
    print("|---|---|---|---|---|---|---|")
    for name, r in results.items():
        print(f"| {name} | {r['cv']['tone']['mean']:.3f} ± {r['cv']['tone']['sd']:.3f} | "
              f"{r['cv']['blame']['mean']:.3f} ± {r['cv']['blame']['sd']:.3f} | {r['written_dev']['tone']:.3f} | "
              f"{r['written_dev']['blame']:.3f} | {r['real_dev']['tone']:.3f} | {r['real_dev']['blame']:.3f} |")


if __name__ == "__main__":
    main()
