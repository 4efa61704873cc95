"""Per-label precision and recall of the span rules on the gold set (tests/gold/spans.txt).

    python benchmarks/span_rules.py                 # table: all, development part, held-out part
    python benchmarks/span_rules.py --json          # one JSON object
    python benchmarks/span_rules.py --errors dev    # list the misses on the development part

A predicted span is correct when it overlaps a gold span of the same label;
'exact' figures require identical character offsets.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from analyzer.nlp.evaluate_spans import evaluate_spans, read_gold
from analyzer.nlp.model import load_pipeline, model_info
from analyzer.nlp.spans import LABELS

GOLD = Path(__file__).resolve().parent.parent / "tests" / "gold" / "spans.txt"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", default=str(GOLD))
    parser.add_argument("--spacy-model", default=None)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--errors", choices=["dev", "held_out", "all"])
    args = parser.parse_args()
    nlp = load_pipeline(args.spacy_model)
    gold = read_gold(args.gold)
    parts = {"all": gold, "dev": [s for s in gold if not s.held_out], "held_out": [s for s in gold if s.held_out]}
    results = {name: evaluate_spans(nlp, sentences) for name, sentences in parts.items()}
    if args.errors:
        for error in results[args.errors].errors:
            print(f"line {error['line']}: {error['text']}\n    FP {error['false_positives']}\n    missed {error['missed']}")
        return
    if args.json:
        print(json.dumps({"model": model_info(nlp), "sentences": {k: len(v) for k, v in parts.items()},
                          **{name: result.to_dict() for name, result in results.items()}}, sort_keys=True))
        return
    print(f"gold: {args.gold} ({len(gold)} sentences; held out {len(parts['held_out'])}); model {model_info(nlp)}")
    print(f"{'label':<15} {'support':>7}  {'P all':>6} {'R all':>6}  {'P dev':>6} {'R dev':>6}  "
          f"{'P held':>6} {'R held':>6}  {'P exact':>7} {'R exact':>7}")
    for label in LABELS:
        a, d, h = (results[p].overlap[label] for p in ("all", "dev", "held_out"))
        e = results["all"].exact[label]
        print(f"{label:<15} {a.tp + a.fn:>7}  {a.precision:>6.3f} {a.recall:>6.3f}  {d.precision:>6.3f} {d.recall:>6.3f}  "
              f"{h.precision:>6.3f} {h.recall:>6.3f}  {e.precision:>7.3f} {e.recall:>7.3f}")


if __name__ == "__main__":
    main()
