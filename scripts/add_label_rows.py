"""Add newly labelled rows to a label file: validate them, give each its split, drop repeats.

    python scripts/add_label_rows.py data/labels/written_contrastive.csv new1.csv new2.csv
    python scripts/add_label_rows.py --split test data/labels/real_tweetsumm_blame.csv labelled.csv

Every row is validated like any label file. Its split is the fixed hash of its
text (:func:`analyzer.model.labels.hash_split`: < 70 train, < 85 dev, else test)
unless ``--split`` forces one (rows for evaluation only). A text already in any
file of data/labels/ (compared case- and space-insensitively) is dropped and
counted, so no sentence is in two files or two splits. Extra columns (such as
``licence``) are kept.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from analyzer.model.labels import hash_split, validate_labels

LABELS = Path(__file__).resolve().parent.parent / "data" / "labels"
COLUMNS = ["text", "tone", "blame", "department", "channel", "source", "split"]


def normalised(text: str) -> str:
    return " ".join(str(text).lower().split())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target")
    parser.add_argument("inputs", nargs="+")
    parser.add_argument("--split", choices=["train", "dev", "test"], help="force this split on every new row")
    parser.add_argument("--split-by-source", action="append", default=[], metavar="PREFIX=SPLIT",
                        help="force a split on rows whose source starts with PREFIX (e.g. sgd:=test)")
    args = parser.parse_args()
    target = Path(args.target)
    new = pd.concat([pd.read_csv(p, dtype=str, keep_default_na=False) for p in args.inputs], ignore_index=True)
    validate_labels(new, ", ".join(args.inputs))
    new["text"] = new["text"].map(lambda t: " ".join(t.split()))
    known = set()
    for path in LABELS.glob("*.csv"):
        if path.resolve() != target.resolve():
            known |= set(pd.read_csv(path, dtype=str, keep_default_na=False).text.map(normalised))
    existing = pd.read_csv(target, dtype=str, keep_default_na=False) if target.exists() else pd.DataFrame()
    if len(existing):
        known |= set(existing.text.map(normalised))
    keys = new.text.map(normalised)
    repeated = keys.isin(known) | keys.duplicated()
    new = new[~repeated].copy()
    forced = dict(item.split("=", 1) for item in args.split_by_source)
    new["split"] = [args.split or next((s for prefix, s in forced.items() if source.startswith(prefix)), None)
                    or hash_split(text) for text, source in zip(new.text, new.source)]
    extra = [c for c in new.columns if c not in COLUMNS]
    combined = pd.concat([existing, new[COLUMNS + extra]], ignore_index=True)
    combined.to_csv(target, index=False)
    print(f"{target}: {len(new)} rows added ({int(repeated.sum())} repeats dropped), {len(combined)} in all; "
          f"splits {new.split.value_counts().to_dict()}")


if __name__ == "__main__":
    main()
