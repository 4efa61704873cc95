"""Agreement between the project's labels and a blind second labelling of a random sample.

    python benchmarks/label_agreement.py data/labels/audits/blind-second-labelling-2026-12.csv

The file holds, per sampled row, the label file, the source id, the project's
labels (``tone``, ``blame``) and the second annotator's (``tone_2``, ``blame_2``),
who saw only the text and the guide. Prints, per label file and overall, the
share of equal labels, Cohen's kappa and macro-F1 of one labelling against the
other (the same figure a model gets on that file).
"""

from __future__ import annotations

import argparse
import warnings

import pandas as pd
from sklearn.metrics import cohen_kappa_score, f1_score


def agreement(rows: pd.DataFrame) -> dict:
    result = {"n": len(rows)}
    for head in ("tone", "blame"):
        result[head] = {"equal": round(float((rows[head] == rows[f"{head}_2"]).mean()), 3),
                        "kappa": round(float(cohen_kappa_score(rows[head], rows[f"{head}_2"])), 3),
                        "macro_f1": round(float(f1_score(rows[head], rows[f"{head}_2"], average="macro")), 3)}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    args = parser.parse_args()
    rows = pd.read_csv(args.file)
    # a file where both labellings use one class only (agent dialogs: blame none) has no kappa: shown as nan
    warnings.filterwarnings("ignore", category=UserWarning)
    groups = [(name, part) for name, part in rows.groupby("file")] + [("all", rows)]
    print("| file | n | tone equal | tone kappa | tone macro-F1 | blame equal | blame kappa | blame macro-F1 |")
    print("|---|---|---|---|---|---|---|---|")
    for name, part in groups:
        a = agreement(part)
        print(f"| {name} | {a['n']} | {a['tone']['equal']:.3f} | {a['tone']['kappa']:.3f} "
              f"| {a['tone']['macro_f1']:.3f} | {a['blame']['equal']:.3f} | {a['blame']['kappa']:.3f} | {a['blame']['macro_f1']:.3f} |")


if __name__ == "__main__":
    main()
