"""Reviewers' verdicts on flags: an append-only Parquet log beside the run datasets.

Each ``analyzer review record`` or ``import`` writes one new file,
``OUT/reviews/review_date=YYYY-MM-DD/<time>-<id>.parquet``, under a temporary name
first and renamed into place, so a verdict is never half-written and never
overwrites another; runs do not touch this folder. The latest verdict on a flag
wins; earlier ones stay as its history.
"""

from __future__ import annotations

import os
import uuid
from datetime import datetime
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from analyzer.io.datasets import to_table
from analyzer.io.schemas import REVIEWS

REVIEWS_FOLDER = "reviews"


def append_reviews(out: Path, rows: list[dict], now: datetime) -> Path:
    table = to_table(rows, REVIEWS, "reviews")
    folder = out / REVIEWS_FOLDER / f"review_date={now.date().isoformat()}"
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{now:%Y%m%dT%H%M%S%fZ}-{uuid.uuid4().hex[:8]}.parquet"
    temporary = folder / f".{name}.tmp"
    pq.write_table(table, temporary, compression="zstd")
    os.replace(temporary, folder / name)
    return folder / name


def latest_verdicts(out: Path) -> pd.DataFrame:
    """The most recent verdict per flag (empty frame with the schema's columns when there is none)."""
    folder = out / REVIEWS_FOLDER
    files = sorted(folder.rglob("*.parquet")) if folder.exists() else []
    if not files:
        return pd.DataFrame(columns=REVIEWS.names)
    reviews = pd.concat([pq.read_table(path).to_pandas() for path in files], ignore_index=True)
    return reviews.sort_values("reviewed_at", kind="stable").drop_duplicates("flag_id", keep="last")
