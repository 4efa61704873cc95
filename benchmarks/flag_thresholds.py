"""Tune the probability thresholds of the review flags on the dev splits, for the default model.

    python benchmarks/flag_thresholds.py [--model DIR] [--json]

For each rule with a probability trigger (customer_blame: blame:customer;
hostile_tone: tone:hostile), every dev sentence of the written label files is
scored once through the real pipeline with that trigger switched off (so only its
span and term triggers fire), and the model's probability is read once; the rule
then fires at threshold t when a span fired or the probability is >= t on a
sentence of at least the rule's ``min_words``. Precision, recall and F1 against
the rule's gold reading (benchmarks/flag_rules.py ``RULE_GOLD``) are printed for
each t, and the threshold with the best F1 on written dev among those with a
precision of at least 0.85 (a reviewer's time: at most about one false alarm in
seven) is chosen (ties: the higher threshold, fewer alarms). The real dev
sentences are shown beside it. The model must not have been trained on the dev
rows: pass the train-split fit that `benchmarks/model_selection.py
--keep-train-fits DIR` saves. The chosen values are the defaults in
analyzer/scoring/flag_rules.py.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
from flag_rules import RULE_GOLD, flags_for

from analyzer.config import load_config
from analyzer.engine.batch import Scorer
from analyzer.scoring.flag_rules import DEFAULT_RULES

REPO = Path(__file__).resolve().parent.parent
DEV = {"written dev": ["data/labels/written.csv", "data/labels/written_contrastive.csv"],
       "real dev": ["data/labels/real_tweetsumm.csv"]}
THRESHOLDS = np.round(np.arange(0.30, 0.96, 0.05), 2)
MIN_PRECISION = 0.85


def dev_rows(paths: list[str]) -> pd.DataFrame:
    rows = pd.concat([pd.read_csv(REPO / p) for p in paths], ignore_index=True)
    return rows[rows["split"] == "dev"].reset_index(drop=True)


def sweep(rows: pd.DataFrame, scorer: Scorer, rule_name: str) -> list[dict]:
    rule = next(r for r in scorer.rules if r.name == rule_name)
    head, label = rule.probability.split(":")
    without = replace(scorer, rules=tuple(replace(r, probability=None) if r.name == rule_name else r
                                          for r in scorer.rules))
    span_fired = np.array([rule_name in fired for fired in flags_for(rows["text"].tolist(), without)])
    predictions = scorer.tone_model.predict_texts(rows["text"].tolist(), scorer.nlp)
    probability = np.array([getattr(p, f"{head}_proba")[label] for p in predictions])
    long_enough = rows["text"].str.split().str.len().to_numpy() >= rule.min_words
    gold = RULE_GOLD[rule_name](rows).to_numpy()
    table = []
    for threshold in THRESHOLDS:
        fired = span_fired | ((probability >= threshold) & long_enough)
        hits = int((fired & gold).sum())
        precision = hits / fired.sum() if fired.sum() else 0.0
        recall = hits / gold.sum() if gold.sum() else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        table.append({"threshold": float(threshold), "precision": round(precision, 3), "recall": round(recall, 3),
                      "f1": round(f1, 3), "flagged": int(fired.sum()), "gold": int(gold.sum())})
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="model folder (default: the shipped default model)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    config = load_config(None)
    if args.model:
        config = replace(config, model_path=args.model)
    scorer = Scorer.from_config(config)
    results = {}
    for rule in (r for r in DEFAULT_RULES if r.probability):
        tables = {name: sweep(dev_rows(paths), scorer, rule.name) for name, paths in DEV.items()}
        eligible = [row for row in tables["written dev"] if row["precision"] >= MIN_PRECISION] or tables["written dev"]
        best = max(eligible, key=lambda row: (row["f1"], row["threshold"]))
        results[rule.name] = {"current": rule.min_probability, "chosen": best["threshold"], "tables": tables}
    if args.json:
        print(json.dumps(results))
        return
    for name, result in results.items():
        print(f"{name}: current {result['current']}, best F1 on written dev with precision >= {MIN_PRECISION} "
              f"at {result['chosen']}")
        print("| threshold | written dev P | R | F1 | real dev P | R | F1 |")
        print("|---|---|---|---|---|---|---|")
        for w, r in zip(result["tables"]["written dev"], result["tables"]["real dev"]):
            print(f"| {w['threshold']:.2f} | {w['precision']:.3f} | {w['recall']:.3f} | {w['f1']:.3f} | "
                  f"{r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} |")


if __name__ == "__main__":
    main()
