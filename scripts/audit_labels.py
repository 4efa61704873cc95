"""Find likely label errors: rows whose cross-validated prediction confidently disagrees with the label.

    python scripts/audit_labels.py data/labels/written.csv --splits train,dev [--threshold 0.8]

Each row is predicted by a model trained on the other folds (5-fold), so a row
never sees itself. Rows where another label gets probability >= threshold are
printed for a person to re-read against the guide; the script changes nothing.
Test rows are never audited, so the test set stays untouched by this loop.
"""

from __future__ import annotations

import argparse

import numpy as np
from sklearn.model_selection import StratifiedKFold

from analyzer.model.labels import read_labels
from analyzer.nlp.sentence_table import text_table
from analyzer.model.training import DEFAULT_PARAMS, build_pipeline
from analyzer.nlp.model import load_pipeline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+")
    parser.add_argument("--splits", default="train,dev")
    parser.add_argument("--threshold", type=float, default=0.8)
    args = parser.parse_args()
    rows = read_labels(args.files)
    rows = rows[rows["split"].isin(args.splits.split(","))].reset_index(drop=True)
    frame = text_table(load_pipeline(), rows["text"].tolist())
    y = rows[["tone", "blame"]].to_numpy()
    flagged = []
    for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(frame, rows["tone"]):
        model = build_pipeline(DEFAULT_PARAMS).fit(frame.iloc[train], y[train])
        probabilities = model.predict_proba(frame.iloc[test])
        for head, proba, classes in zip(("tone", "blame"), probabilities, model[-1].classes_):
            for i, p in zip(test, proba):
                best = int(np.argmax(p))
                if classes[best] != rows.loc[i, head] and p[best] >= args.threshold:
                    flagged.append((rows.loc[i, "source"], head, rows.loc[i, head], classes[best], p[best],
                                    rows.loc[i, "text"]))
    for source, head, label, predicted, p, text in sorted(flagged):
        print(f"{source:22} {head:5} {label:>10} -> {predicted:<10} {p:.2f}  {text}")
    print(f"{len(flagged)} rows to re-read")


if __name__ == "__main__":
    main()
