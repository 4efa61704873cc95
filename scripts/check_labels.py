"""Double-check label files: flag rows where the labels and the span rules disagree,
and pairs of rows that look like one template.

    python scripts/check_labels.py data/labels/written.csv [--similarity 0.6]

Prints the rows to review; it changes nothing. A flagged row is not necessarily
wrong (the rules are not the guide), but every one was read again by a person.
"""

from __future__ import annotations

import argparse
import itertools
import re

import pandas as pd

from analyzer.nlp.model import load_pipeline
from analyzer.nlp.spans import SPAN_KEY

CHECKS = [
    ("THREAT span but tone is not hostile", lambda r, s: "THREAT" in s and r.tone != "hostile"),
    ("CUSTOMER_BLAME span but blame is not customer", lambda r, s: "CUSTOMER_BLAME" in s and r.blame != "customer"),
    ("OWNERSHIP span but blame is not company", lambda r, s: "OWNERSHIP" in s and r.blame != "company"),
    ("blame customer, tone empathetic", lambda r, s: r.blame == "customer" and r.tone == "empathetic"),
    ("blame company, tone hostile", lambda r, s: r.blame == "company" and r.tone == "hostile"),
    ("APOLOGY span, tone curt or hostile, no blame", lambda r, s: "APOLOGY" in s and r.tone in ("curt", "hostile")
     and r.blame == "none"),
    ("NON_APOLOGY span but tone not curt", lambda r, s: "NON_APOLOGY" in s and r.tone != "curt"),
]


def shingles(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z']+", text.lower())
    return {tuple(words[i:i + 3]) for i in range(max(0, len(words) - 2))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+")
    parser.add_argument("--similarity", type=float, default=0.6)
    args = parser.parse_args()
    rows = pd.concat([pd.read_csv(f) for f in args.files], ignore_index=True)
    nlp = load_pipeline()
    flagged = 0
    for row, doc in zip(rows.itertuples(), nlp.pipe(rows.text)):
        labels = {s.label_ for s in doc.spans[SPAN_KEY]}
        for name, check in CHECKS:
            if check(row, labels):
                flagged += 1
                print(f"[{name}] {row.source}: {row.tone}/{row.blame}: {row.text}")
    grams = [shingles(t) for t in rows.text]
    for i, j in itertools.combinations(range(len(rows)), 2):
        a, b = grams[i], grams[j]
        if a and b and len(a & b) / len(a | b) >= args.similarity:
            flagged += 1
            print(f"[similar pair] {rows.source[i]} ~ {rows.source[j]}: {rows.text[i]!r} / {rows.text[j]!r}")
    print(f"{flagged} flags in {len(rows)} rows")


if __name__ == "__main__":
    main()
