"""The real CLI on data/samples/: what the demo shows is what the samples were written to be."""

import csv
import hashlib
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from conftest import REPO, SAMPLES

CONFIG = SAMPLES / "analyzer.toml"


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    completed = subprocess.run(
        [sys.executable, "-m", "analyzer", "run", str(SAMPLES), "--out", str(out), "--config", str(CONFIG),
         "--run-date", "2026-03-31"], capture_output=True, text=True, timeout=300)
    return out, completed


def _expectations():
    with open(REPO / "data" / "sample-expectations.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def test_sample_run_succeeds_and_prints_its_summary(sample_run):
    _, completed = sample_run
    assert completed.returncode == 0, completed.stderr
    assert "errors: none" in completed.stdout
    for department in ("support", "billing", "collections", "sales", "agency", "unassigned"):
        assert department in completed.stdout
    assert completed.stderr == ""


def test_pandas_reads_the_datasets_with_the_run_date_partition(sample_run):
    out, _ = sample_run
    interactions = pd.read_parquet(out / "interactions")
    assert len(interactions) == len(_expectations())
    assert set(interactions["run_date"].astype(str)) == {"2026-03-31"}
    assert pd.read_parquet(out / "errors").empty


def test_every_sample_gets_the_department_channel_and_direction_it_was_written_for(sample_run):
    out, _ = sample_run
    interactions = pd.read_parquet(out / "interactions")
    actual = {(r.relative_path, r.source_offset): (r.department, r.channel, r.direction)
              for r in interactions.itertuples()}
    expected = {(e["relative_path"], int(e["source_offset"])): (e["department"], e["channel"], e["direction"])
                for e in _expectations()}
    assert actual == expected


def test_every_row_traces_to_its_source_file(sample_run):
    out, _ = sample_run
    for row in pd.read_parquet(out / "interactions").itertuples():
        data = Path(row.source_path).read_bytes()
        assert hashlib.sha256(data).hexdigest() == row.source_sha256
        assert Path(row.source_path).as_posix().endswith(row.relative_path)


def test_company_side_text_is_present_for_every_outbound_sample(sample_run):
    out, _ = sample_run
    interactions = pd.read_parquet(out / "interactions")
    outbound = interactions[interactions["direction"] == "outbound"]
    assert (outbound["n_company_turns"] > 0).all()


def test_run_metadata_is_stored_with_the_schema(sample_run):
    out, _ = sample_run
    files = list((out / "interactions").rglob("*.parquet"))
    metadata = pq.read_schema(files[0]).metadata
    for key in (b"analyzer.run_id", b"analyzer.version", b"analyzer.config_digest", b"analyzer.schema_version"):
        assert metadata.get(key), key


def test_interaction_ids_are_identical_across_runs(sample_run, tmp_path):
    from analyzer import run

    out, _ = sample_run
    run([SAMPLES], tmp_path, CONFIG, run_date="2026-03-31")
    first = pd.read_parquet(out / "interactions")["interaction_id"]
    second = pd.read_parquet(tmp_path / "interactions")["interaction_id"]
    assert list(first) == list(second) and first.is_unique


def test_rerun_for_the_same_date_replaces_the_partition(tmp_path):
    from analyzer import run

    run([SAMPLES / "sales"], tmp_path, CONFIG, run_date="2026-03-31")
    run([SAMPLES / "sales"], tmp_path, CONFIG, run_date="2026-03-31")
    interactions = pd.read_parquet(tmp_path / "interactions")
    assert interactions["interaction_id"].is_unique
    assert not (tmp_path / ".staging").exists()


def test_samples_cover_every_format_and_at_least_five_departments(sample_run):
    out, _ = sample_run
    interactions = pd.read_parquet(out / "interactions")
    assert set(interactions["source_format"]) >= {
        "eml", "mbox", "vtt", "srt", "transcribe_json", "transcript_txt", "txt", "docx", "pdf", "csv", "jsonl",
        "parquet"}
    assert set(interactions["department"]) >= {"support", "billing", "collections", "sales", "agency"}
    assert interactions["relative_path"].nunique() >= 40
