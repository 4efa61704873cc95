"""Out-of-sample check of the review flags on labelled sentences, per rule.

Each labelled sentence (the test splits of data/labels/) is scored as a one-sentence
outbound message through the real pipeline (spaCy components, tone model, flag
rules), then compared with its gold labels. Each rule has the gold reading it
claims to catch (`RULE_GOLD`): customer_blame -> blame customer; threat and
hostile_tone -> tone hostile; false_urgency -> tone curt or hostile; deflection ->
tone curt or hostile; implied_crime -> blame customer and tone hostile. Also:
- "blames or intimidates" (customer_blame, implied_crime, threat or hostile_tone)
  vs  gold blame = customer or tone = hostile;
- any flag on a sentence whose gold tone is empathetic (false alarms on warm text);
- on the agent-dialog sentences (real clerks, almost all neutral), the share of
  sentences with any flag: the false-positive test of the rules.

    python benchmarks/flag_rules.py [--config FILE] [--split test] [--json]

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
SETS = {"written": [REPO / "data/labels/written.csv", REPO / "data/labels/written_contrastive.csv"],
        "real (TweetSumm)": [REPO / "data/labels/real_tweetsumm.csv", REPO / "data/labels/real_tweetsumm_blame.csv"],
        "agent dialogs": [REPO / "data/labels/agent_dialogs.csv"]}
SEVERE = {"customer_blame", "implied_crime", "threat", "hostile_tone"}
RULE_GOLD = {
    "customer_blame": lambda rows: rows["blame"] == "customer",
    "implied_crime": lambda rows: (rows["blame"] == "customer") & (rows["tone"] == "hostile"),
    "threat": lambda rows: rows["tone"] == "hostile",
    "false_urgency": lambda rows: rows["tone"].isin(["curt", "hostile"]),
    "deflection": lambda rows: rows["tone"].isin(["curt", "hostile"]),
    "hostile_tone": lambda rows: rows["tone"] == "hostile",
}


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
    parser.add_argument("--split", default="test", help="which split of the label files (dev to tune)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    scorer = Scorer.from_config(load_config(args.config))
    results = {}
    for name, paths in SETS.items():
        rows = pd.concat([pd.read_csv(path) for path in paths], ignore_index=True)
        rows = rows[rows["split"] == args.split].reset_index(drop=True)
        fired = pd.Series(flags_for(rows["text"].tolist(), scorer))
        results[name] = {
            "n": len(rows),
            "rules": {rule: precision_recall(fired.map(lambda r, rule=rule: rule in r), gold(rows))
                      for rule, gold in RULE_GOLD.items()},
            "flagged_share": round(float(fired.map(bool).mean()), 3),
            "customer_blame": precision_recall(fired.map(lambda r: "customer_blame" in r), rows["blame"] == "customer"),
            "blames_or_intimidates": precision_recall(fired.map(lambda r: bool(r & SEVERE)),
                                                      (rows["blame"] == "customer") | (rows["tone"] == "hostile")),
            "flagged_share_of_empathetic": round(float(fired[rows["tone"] == "empathetic"].map(bool).mean()), 3),
        }
    if args.json:
        print(json.dumps(results, sort_keys=True))
        return
    for name, result in results.items():
        print(f"{name}, split {args.split} (n = {result['n']}; {result['flagged_share']:.1%} of sentences flagged)")
        for rule, r in result["rules"].items():
            print(f"  rule {rule:<17} precision {r['precision']}  recall {r['recall']}  "
                  f"(gold {r['n_gold']}, flagged {r['n_flagged']})")
        for key in ("customer_blame", "blames_or_intimidates"):
            r = result[key]
            print(f"  {key:<22} precision {r['precision']}  recall {r['recall']}  "
                  f"(gold {r['n_gold']}, flagged {r['n_flagged']})")
        print(f"  any flag on an empathetic sentence: {result['flagged_share_of_empathetic']:.1%}")


if __name__ == "__main__":
    main()
