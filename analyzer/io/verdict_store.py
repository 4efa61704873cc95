"""Reviewers' decisions in one SQLite file beside the run outputs: ``OUT/reviews.sqlite``.

Two kinds of decision, both append-only (the latest one wins, earlier ones stay as
history):
- a **flag verdict** (confirmed or dismissed) on a published flag;
- a **label correction**: the tone and blame a reviewer gives one company-side
  sentence, with the sentence's text as it was, so a later re-score of its file
  does not change what was labelled.

Why SQLite: the review web app, the CLI and a second reviewer in another browser
write at the same time. WAL mode lets readers go on while one writer commits, a
busy timeout makes a second writer wait instead of failing, and each decision is
one transaction, so a crash or a killed server loses at most the decision being
written, never an earlier one. The ``reviews`` Parquet dataset is a snapshot of
the flag verdicts written from this file after every change (``write_snapshot``),
for pandas, DuckDB or Spark; the SQLite file is the record.

Verdicts from before this store (Parquet files under ``reviews/review_date=*/``)
are moved into it the first time it is opened.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from analyzer.errors import UsageError
from analyzer.io.datasets import to_table
from analyzer.io.schemas import REVIEWS

STORE_FILE = "reviews.sqlite"
SNAPSHOT_FOLDER = "reviews"
SNAPSHOT_FILE = "verdicts.parquet"
BUSY_TIMEOUT_MS = 30_000

FLAG_COLUMNS = list(REVIEWS.names)
LABEL_COLUMNS = ["interaction_id", "sentence_index", "turn_index", "text", "tone", "blame", "model_tone",
                 "model_blame", "department", "channel", "model_version", "reviewer", "note", "corrected_at",
                 "analyzer_version"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS flag_verdicts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    flag_id TEXT NOT NULL, interaction_id TEXT NOT NULL, rule TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('confirmed', 'dismissed')),
    reviewer TEXT NOT NULL, note TEXT, reviewed_at TEXT NOT NULL, analyzer_version TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS flag_verdicts_by_flag ON flag_verdicts (flag_id, reviewer);
CREATE TABLE IF NOT EXISTS label_corrections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    interaction_id TEXT NOT NULL, sentence_index INTEGER NOT NULL, turn_index INTEGER,
    text TEXT NOT NULL,
    tone TEXT NOT NULL CHECK (tone IN ('empathetic', 'neutral', 'curt', 'hostile')),
    blame TEXT NOT NULL CHECK (blame IN ('customer', 'company', 'none')),
    model_tone TEXT, model_blame TEXT, department TEXT, channel TEXT, model_version TEXT,
    reviewer TEXT NOT NULL, note TEXT, corrected_at TEXT NOT NULL, analyzer_version TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS label_corrections_by_sentence ON label_corrections (interaction_id, sentence_index);
"""


class VerdictStore:
    """The verdict store of one output folder; every method opens its own short-lived connection,
    so one instance can serve many threads (the web server) and processes."""

    def __init__(self, out: str | Path):
        self.out = Path(out)
        self.path = self.out / STORE_FILE
        with self._connection() as connection:
            connection.executescript(SCHEMA)
        self._migrate_parquet_log()

    @contextmanager
    def _connection(self):
        try:
            self.out.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise UsageError(f"cannot open the verdict store {self.path}: {exc}") from None
        with closing(connection):
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=FULL")  # a committed verdict survives a power cut
            connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            yield connection

    @contextmanager
    def _transaction(self):
        with self._connection() as connection:
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    # -- writing -------------------------------------------------------------------------------------------------

    def add_flag_verdicts(self, rows: list[dict]) -> None:
        """Store verdicts (``REVIEWS`` columns) in one transaction: all of them or none."""
        if not rows:
            return
        with self._transaction() as connection:
            connection.executemany(
                f"INSERT INTO flag_verdicts ({', '.join(FLAG_COLUMNS)}) VALUES ({', '.join('?' * len(FLAG_COLUMNS))})",
                [tuple(_stored(row[name]) for name in FLAG_COLUMNS) for row in rows])
        self.write_snapshot()

    def add_label_corrections(self, rows: list[dict]) -> None:
        """Store sentence labels (``LABEL_COLUMNS``; optional ones may be missing) in one transaction."""
        if not rows:
            return
        with self._transaction() as connection:
            connection.executemany(
                f"INSERT INTO label_corrections ({', '.join(LABEL_COLUMNS)}) "
                f"VALUES ({', '.join('?' * len(LABEL_COLUMNS))})",
                [tuple(_stored(row.get(name)) for name in LABEL_COLUMNS) for row in rows])

    # -- reading -------------------------------------------------------------------------------------------------

    def flag_verdicts(self) -> pd.DataFrame:
        """Every flag verdict ever stored, oldest first, with the ``reviews`` dataset's columns."""
        frame = self._read(f"SELECT {', '.join(FLAG_COLUMNS)} FROM flag_verdicts ORDER BY reviewed_at, id",
                           FLAG_COLUMNS)
        frame["reviewed_at"] = pd.to_datetime(frame["reviewed_at"], utc=True, format="ISO8601")
        return frame

    def label_corrections(self) -> pd.DataFrame:
        """Every sentence label ever stored, oldest first."""
        frame = self._read(f"SELECT {', '.join(LABEL_COLUMNS)} FROM label_corrections ORDER BY corrected_at, id",
                           LABEL_COLUMNS)
        frame["corrected_at"] = pd.to_datetime(frame["corrected_at"], utc=True, format="ISO8601")
        return frame

    def latest_labels(self) -> pd.DataFrame:
        """The latest label per sentence (whoever gave it)."""
        return self.label_corrections().drop_duplicates(["interaction_id", "sentence_index"], keep="last")

    def _read(self, query: str, columns: list[str]) -> pd.DataFrame:
        with self._connection() as connection:
            rows = connection.execute(query).fetchall()
        return pd.DataFrame(rows, columns=columns)

    # -- the Parquet snapshot and the old log ---------------------------------------------------------------------

    def write_snapshot(self) -> None:
        """``OUT/reviews/verdicts.parquet``: every flag verdict, replaced atomically."""
        folder = self.out / SNAPSHOT_FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        verdicts = self.flag_verdicts()
        table = to_table(verdicts.astype(object).where(verdicts.notna(), None).to_dict("records"), REVIEWS, "reviews")
        temporary = folder / f".{SNAPSHOT_FILE}.{os.getpid()}.tmp"
        pq.write_table(table, temporary, compression="zstd")
        os.replace(temporary, folder / SNAPSHOT_FILE)

    def _migrate_parquet_log(self) -> None:
        # the append-only log of earlier versions: review_date=*/<time>-<id>.parquet, one file per record/import
        folder = self.out / SNAPSHOT_FOLDER
        old_files = sorted(folder.glob("review_date=*/*.parquet")) if folder.exists() else []
        if not old_files:
            return
        old = pd.concat([pq.read_table(path).to_pandas() for path in old_files], ignore_index=True)
        old = old.sort_values("reviewed_at", kind="stable")
        self.add_flag_verdicts(old.astype(object).where(old.notna(), None).to_dict("records"))
        for path in old_files:  # only once they are committed to the store
            path.unlink()
        for partition in {path.parent for path in old_files}:
            if not any(partition.iterdir()):
                partition.rmdir()


def _stored(value):
    """SQLite keeps times as ISO 8601 text in UTC; NaN and NaT become NULL."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return None
    if isinstance(value, (datetime, pd.Timestamp)):
        stamp = pd.Timestamp(value)
        stamp = stamp.tz_localize(UTC) if stamp.tzinfo is None else stamp.tz_convert(UTC)
        return stamp.isoformat(timespec="microseconds")
    return value
