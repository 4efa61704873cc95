"""The SQLite verdict store: durable, shared by several writers, and the home of the old Parquet log."""

from __future__ import annotations

import sqlite3
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta

import pandas as pd
import pyarrow.parquet as pq
import pytest

from analyzer.io.datasets import to_table
from analyzer.io.schemas import REVIEWS
from analyzer.io.verdict_store import STORE_FILE, VerdictStore

NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def verdict(flag_id: str, verdict: str = "confirmed", reviewer: str = "A. Jones", at: datetime = NOW) -> dict:
    return {"flag_id": flag_id, "interaction_id": "i1", "rule": "customer_blame", "verdict": verdict,
            "reviewer": reviewer, "note": None, "reviewed_at": at, "analyzer_version": "test"}


def label(sentence_index: int, tone: str = "curt", blame: str = "customer", at: datetime = NOW) -> dict:
    return {"interaction_id": "i1", "sentence_index": sentence_index, "turn_index": 0, "text": f"sentence {sentence_index}",
            "tone": tone, "blame": blame, "reviewer": "A. Jones", "corrected_at": at, "analyzer_version": "test"}


def test_store_uses_write_ahead_logging(tmp_path):
    VerdictStore(tmp_path)
    with sqlite3.connect(tmp_path / STORE_FILE) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_flag_verdicts_round_trip_with_their_time_in_utc(tmp_path):
    store = VerdictStore(tmp_path)
    store.add_flag_verdicts([verdict("f1"), verdict("f2", "dismissed", at=NOW + timedelta(minutes=1))])
    stored = store.flag_verdicts()
    assert stored["flag_id"].tolist() == ["f1", "f2"]
    assert stored["verdict"].tolist() == ["confirmed", "dismissed"]
    assert stored["reviewed_at"].iloc[0] == pd.Timestamp(NOW)


def test_every_change_rewrites_the_reviews_parquet_snapshot(tmp_path):
    store = VerdictStore(tmp_path)
    store.add_flag_verdicts([verdict("f1")])
    store.add_flag_verdicts([verdict("f1", "dismissed", at=NOW + timedelta(minutes=5))])
    snapshot = pd.read_parquet(tmp_path / "reviews")
    assert snapshot["verdict"].tolist() == ["confirmed", "dismissed"]


def test_an_invalid_verdict_stores_nothing_of_its_batch(tmp_path):
    store = VerdictStore(tmp_path)
    with pytest.raises(sqlite3.IntegrityError):
        store.add_flag_verdicts([verdict("f1"), verdict("f2", "maybe")])
    assert store.flag_verdicts().empty


def test_latest_label_per_sentence_wins(tmp_path):
    store = VerdictStore(tmp_path)
    store.add_label_corrections([label(0, "curt"), label(1, "neutral", "none")])
    store.add_label_corrections([label(0, "hostile", at=NOW + timedelta(minutes=1))])
    latest = store.latest_labels().set_index("sentence_index")
    assert latest.loc[0, "tone"] == "hostile"
    assert len(store.label_corrections()) == 3


def test_old_parquet_verdict_log_moves_into_the_store_once(tmp_path):
    folder = tmp_path / "reviews" / "review_date=2026-11-30"
    folder.mkdir(parents=True)
    pq.write_table(to_table([verdict("old-flag", at=NOW - timedelta(days=1))], REVIEWS, "reviews"),
                   folder / "20261130T000000Z-abc.parquet")
    assert VerdictStore(tmp_path).flag_verdicts()["flag_id"].tolist() == ["old-flag"]
    assert VerdictStore(tmp_path).flag_verdicts()["flag_id"].tolist() == ["old-flag"]  # not moved twice
    assert not folder.exists()
    assert pd.read_parquet(tmp_path / "reviews")["flag_id"].tolist() == ["old-flag"]


def _write_many(args) -> None:
    out, reviewer = args
    store = VerdictStore(out)
    for index in range(25):
        store.add_flag_verdicts([verdict(f"{reviewer}-{index}", reviewer=reviewer)])


def test_two_writers_at_once_lose_no_verdict(tmp_path):
    VerdictStore(tmp_path)
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_write_many, [(tmp_path, "first"), (tmp_path, "second")]))
    assert len(VerdictStore(tmp_path).flag_verdicts()) == 50
