"""Out-of-sample check of the review flags on labelled sentences.

Each labelled sentence (the test splits of data/labels/) is scored as a one-sentence
outbound message through the real pipeline (spaCy components, tone model, flag
rules), then compared with its gold labels:
- customer_blame flag  vs  gold blame = customer;
- "blames or intimidates" (customer_blame, implied_crime, threat or hostile_tone)
  vs  gold blame = customer or tone = hostile;
- any flag on a sentence whose gold tone is empathetic (false alarms on warm text).

    python benchmarks/flag_rules.py [--config FILE] [--json]

With --config, the [flags.*] tables of that file are applied, so a reviewer can
see what a tuning does before using it.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

from analyzer.config import load_config
from analyzer.engine.batch import Scorer, score_batch
from analyzer.ingest.records import Interaction, Turn

REPO = Path(__file__).resolve().parent.parent
SETS = {"written test": REPO / "data/labels/written.csv", "real test (TweetSumm)": REPO / "data/labels/real_tweetsumm.csv"}
SEVERE = {"customer_blame", "implied_crime", "threat", "hostile_tone"}


def flags_for(texts: list[str], scorer: Scorer) -> list[set[str]]:
    items = []
    for index, text in enumerate(texts):
        item = Interaction(source_path=f"/labels/{index}", relative_path=f"labels/{index}", source_offset=index,
                           source_format="txt", channel="email", direction="outbound", department="labels",
                           department_source="none", turns=[Turn(role="company", text=text)])
        item.assign_id()
        items.append(item)
    rules = []
    for start in range(0, len(items), 256):
        rules += [set(row["flag_reasons"]) for row in score_batch(items[start:start + 256], scorer, "bench").interactions]
    return rules


def precision_recall(predicted: pd.Series, gold: pd.Series) -> dict:
    hits = int((predicted & gold).sum())
    return {"precision": round(hits / predicted.sum(), 3) if predicted.sum() else None,
            "recall": round(hits / gold.sum(), 3) if gold.sum() else None,
            "n_gold": int(gold.sum()), "n_flagged": int(predicted.sum())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", help="TOML config whose [flags.*] tables to apply")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    scorer = Scorer.from_config(load_config(args.config))
    results = {}
    for name, path in SETS.items():
        rows = pd.read_csv(path)
        rows = rows[rows["split"] == "test"].reset_index(drop=True)
        fired = pd.Series(flags_for(rows["text"].tolist(), scorer))
        results[name] = {
            "n": len(rows),
            "customer_blame": precision_recall(fired.map(lambda r: "customer_blame" in r), rows["blame"] == "customer"),
            "blames_or_intimidates": precision_recall(fired.map(lambda r: bool(r & SEVERE)),
                                                      (rows["blame"] == "customer") | (rows["tone"] == "hostile")),
            "flagged_share_of_empathetic": round(float(fired[rows["tone"] == "empathetic"].map(bool).mean()), 3),
        }
    if args.json:
        print(json.dumps(results, sort_keys=True))
        return
    for name, result in results.items():
        print(f"{name} (n = {result['n']})")
        for key in ("customer_blame", "blames_or_intimidates"):
            r = result[key]
            print(f"  {key:<22} precision {r['precision']}  recall {r['recall']}  "
                  f"(gold {r['n_gold']}, flagged {r['n_flagged']})")
        print(f"  any flag on an empathetic sentence: {result['flagged_share_of_empathetic']:.1%}")


if __name__ == "__main__":
    main()
