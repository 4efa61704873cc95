"""How the scores and flags do on the sample drop, against what each sample was written to be.

Runs the pipeline on data/samples/ (or reads an existing --out) and compares with
data/sample-expectations.csv:
- flags: precision and recall against "blames or threatens the customer", the
  number of warm samples flagged, and what the other flags fired on;
- ranking: departments by mean empathy score against the order their samples
  were written in (warm=1, neutral=0, curt=-1, blaming=-2, threatening=-3;
  departments with at least 3 written samples), with Spearman's rho.

    python benchmarks/sample_review.py [--out DIR] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import pandas as pd
from scipy import stats

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "data" / "samples"
INTENDED_VALUE = {"warm": 1, "neutral": 0, "curt": -1, "blaming": -2, "threatening": -3}


def evaluate(out: Path) -> dict:
    interactions = pd.read_parquet(out / "interactions")
    expected = pd.read_csv(REPO / "data" / "sample-expectations.csv")
    merged = expected.merge(interactions, on=["relative_path", "source_offset"], suffixes=("_expected", ""))
    should = (merged["blames_customer"] == "yes") | (merged["threatens"] == "yes")
    flagged = merged["flagged"]
    true_positives = int((flagged & should).sum())
    written = merged[merged["intended_tone"] != "n/a"].assign(value=lambda f: f["intended_tone"].map(INTENDED_VALUE))
    intended = written.groupby("department")["value"].agg(["mean", "size"])
    intended = intended[intended["size"] >= 3]
    departments = pd.read_parquet(out / "departments")
    measured = departments[departments["level"] == "department"].set_index("department")
    ranking = pd.DataFrame({"intended": intended["mean"], "empathy_mean": measured.loc[intended.index, "empathy_mean"],
                            "ci_low": measured.loc[intended.index, "empathy_ci_low"],
                            "ci_high": measured.loc[intended.index, "empathy_ci_high"],
                            "gap": measured.loc[intended.index, "gap_to_company"],
                            "verdict": measured.loc[intended.index, "gap_verdict"]}).sort_values("intended",
                                                                                                   ascending=False)
    rho = stats.spearmanr(ranking["intended"], ranking["empathy_mean"]).statistic
    messages = written.dropna(subset=["empathy_score"])
    message_rho = stats.spearmanr(messages["value"], messages["empathy_score"]).statistic
    other = merged[flagged & ~should]
    return {
        "flag_recall": true_positives / int(should.sum()),
        "flag_precision": true_positives / int(flagged.sum()) if flagged.any() else None,
        "n_should_flag": int(should.sum()), "n_flagged": int(flagged.sum()),
        "warm_flagged": int((flagged & (merged["intended_tone"] == "warm")).sum()),
        "other_flags": [{"sample": f"{r.relative_path}[{r.source_offset}]", "intended": r.intended_tone,
                         "rules": list(r.flag_reasons)} for r in other.itertuples()],
        "ranking": [{"department": d, **{k: (round(v, 2) if isinstance(v, float) else v) for k, v in row.items()}}
                    for d, row in ranking.iterrows()],
        "ranking_matches": list(ranking.index) == list(ranking.sort_values("empathy_mean", ascending=False).index),
        "spearman_rho": round(float(rho), 3),
        "message_spearman_rho": round(float(message_rho), 3), "n_messages_scored": len(messages),
        "mean_score_by_intended_tone": {tone: round(float(score), 1) for tone, score in
                                        messages.groupby("intended_tone")["empathy_score"].mean().items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, help="an existing output folder of a run on data/samples/")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.out is None:
        from analyzer import run

        args.out = Path(tempfile.mkdtemp(prefix="sample-review-"))
        run([SAMPLES], args.out, SAMPLES / "analyzer.toml", run_date="2026-03-31")
    result = evaluate(args.out)
    if args.json:
        print(json.dumps(result, sort_keys=True))
        return
    print(f"flags: recall {result['flag_recall']:.3f} ({result['n_should_flag']} samples blame or threaten), "
          f"precision {result['flag_precision']:.3f} ({result['n_flagged']} flagged), "
          f"warm samples flagged: {result['warm_flagged']}")
    for item in result["other_flags"]:
        print(f"  also flagged: {item['sample']} (written {item['intended']}): {', '.join(item['rules'])}")
    print(f"\nmessages: Spearman rho {result['message_spearman_rho']} between the written tone and the empathy "
          f"score over {result['n_messages_scored']} scored samples; mean score by written tone: "
          + ", ".join(f"{t} {v}" for t, v in sorted(result["mean_score_by_intended_tone"].items(),
                                                      key=lambda kv: -kv[1])))
    print(f"\nranking (Spearman rho {result['spearman_rho']}, order matches: {result['ranking_matches']})")
    print(f"  {'department':<12} {'intended':>8} {'empathy':>8} {'95% CI':>13} {'gap':>6}  verdict")
    for row in result["ranking"]:
        print(f"  {row['department']:<12} {row['intended']:>8.2f} {row['empathy_mean']:>8.1f} "
              f"{row['ci_low']:>6.1f}-{row['ci_high']:<6.1f} {row['gap']:>6.1f}  {row['verdict']}")
    sys.exit(0)


if __name__ == "__main__":
    main()
