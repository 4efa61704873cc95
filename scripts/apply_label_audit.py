"""Apply a label audit (one row per corrected label) to a label file and report what changed.

    python scripts/apply_label_audit.py data/labels/written.csv data/labels/audits/written-judgement-calls.csv

The audit file has ``source, old_tone, old_blame, new_tone, new_blame, rule, text``.
A row is applied only if its source, text and old labels still match the label
file, so an audit never overwrites a label someone changed since; applying an
audit twice changes nothing the second time. Prints the rows changed per class.
"""

from __future__ import annotations

import argparse
from collections import Counter

import pandas as pd

from analyzer.model.labels import BLAMES, TONES


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("labels")
    parser.add_argument("audit")
    args = parser.parse_args()
    labels = pd.read_csv(args.labels, dtype=str, keep_default_na=False)
    audit = pd.read_csv(args.audit, dtype=str, keep_default_na=False)
    bad = audit[~audit.new_tone.isin(TONES) | ~audit.new_blame.isin(BLAMES)]
    if len(bad):
        raise SystemExit(f"{args.audit}: invalid labels in rows {list(bad.index)}")
    position = {source: i for i, source in enumerate(labels.source)}
    changes, skipped = Counter(), []
    for row in audit.itertuples():
        i = position.get(row.source)
        if i is None or labels.at[i, "text"] != row.text:
            skipped.append(f"{row.source}: not in the label file with that text")
            continue
        current = (labels.at[i, "tone"], labels.at[i, "blame"])
        if current == (row.new_tone, row.new_blame):
            continue  # applied before
        if current != (row.old_tone, row.old_blame):
            skipped.append(f"{row.source}: labels are {current}, the audit expected {(row.old_tone, row.old_blame)}")
            continue
        if row.old_tone != row.new_tone:
            changes[f"tone {row.old_tone} -> {row.new_tone}"] += 1
        if row.old_blame != row.new_blame:
            changes[f"blame {row.old_blame} -> {row.new_blame}"] += 1
        labels.at[i, "tone"], labels.at[i, "blame"] = row.new_tone, row.new_blame
    with open(args.labels, "rb") as handle:
        ending = "\r\n" if handle.readline().endswith(b"\r\n") else "\n"  # keep the file's own line endings
    labels.to_csv(args.labels, index=False, lineterminator=ending)
    for change, count in sorted(changes.items()):
        print(f"{count:5d}  {change}")
    for line in skipped:
        print(f"skipped {line}")


if __name__ == "__main__":
    main()
