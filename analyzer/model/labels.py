"""Label files (CSV, JSONL, Parquet): read, validate, and say exactly what is wrong.

Required columns: ``text, tone, blame``; optional: ``department, channel, source, split``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd

from analyzer.errors import UsageError
from analyzer.vocabulary import BLAMES, TONES

REQUIRED = ("text", "tone", "blame")
OPTIONAL = ("department", "channel", "source", "split")


def hash_split(text: str) -> str:
    """The fixed split of a sentence: SHA-256 of its text mod 100, < 70 train, < 85 dev, else test.
    It never changes for an unchanged sentence, whichever file or order it comes in."""
    bucket = int(hashlib.sha256(text.encode("utf-8")).hexdigest(), 16) % 100
    return "train" if bucket < 70 else "dev" if bucket < 85 else "test"


class LabelFileError(UsageError):
    """A label file is missing, unreadable, or breaks the label rules."""


def read_label_file(path: str | Path) -> pd.DataFrame:
    path = Path(path)
    if not path.exists():
        raise LabelFileError(f"label file not found: {path}")
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        elif suffix in (".jsonl", ".ndjson"):
            frame = pd.DataFrame([json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
                                  if line.strip()])
        elif suffix == ".parquet":
            frame = pd.read_parquet(path)
        else:
            raise LabelFileError(f"{path}: unsupported label file type {suffix!r}; use .csv, .jsonl or .parquet")
    except LabelFileError:
        raise
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        raise LabelFileError(f"{path}: cannot read label file: {exc}") from None
    return validate_labels(frame, str(path))


def validate_labels(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise LabelFileError(f"{name}: missing column(s) {', '.join(missing)}; a label file needs "
                             f"{', '.join(REQUIRED)} (optional: {', '.join(OPTIONAL)})")
    frame = frame.copy()
    for column in REQUIRED:
        frame[column] = frame[column].fillna("").astype(str).str.strip()
    for index, row in frame.iterrows():
        row_number = index + 2 if name.endswith(".csv") else index + 1  # CSV: header is line 1
        where = f"{name}, {'line' if name.endswith('.csv') else 'row'} {row_number}"
        if not row["text"]:
            raise LabelFileError(f"{where}: empty text")
        if row["tone"] not in TONES:
            raise LabelFileError(f"{where}: unknown tone {row['tone']!r}; allowed: {', '.join(TONES)}")
        if row["blame"] not in BLAMES:
            raise LabelFileError(f"{where}: unknown blame {row['blame']!r}; allowed: {', '.join(BLAMES)}")
    for column in OPTIONAL:
        if column not in frame.columns:
            frame[column] = ""
    frame["label_file"] = name
    return frame[[*REQUIRED, *OPTIONAL, "label_file"]]


def read_labels(paths: list[str | Path], split: str | None = None) -> pd.DataFrame:
    """All rows of all files, optionally only those whose ``split`` column equals ``split``."""
    if not paths:
        raise LabelFileError("no label files given (--labels FILE...)")
    frames = [read_label_file(p) for p in paths]
    labels = pd.concat(frames, ignore_index=True)
    if split:
        labels = labels[labels["split"] == split].reset_index(drop=True)
        if labels.empty:
            raise LabelFileError(f"no rows with split == {split!r} in {', '.join(map(str, paths))}")
    return labels
