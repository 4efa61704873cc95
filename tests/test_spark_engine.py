"""The Spark runner (local mode) publishes exactly what the local engine publishes.

One SparkSession (local[2]) serves the whole module: every run finds it active and
leaves it running. The tests that need Spark are skipped, with the reason, where
PySpark or Java is missing; `.ci/run` installs the spark extra and runs them.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from conftest import REPO, SAMPLES
from pandas.testing import assert_frame_equal

from analyzer import run
from analyzer.cli import cli
from analyzer.io.schemas import SORT_KEYS

CONFIG = SAMPLES / "analyzer.toml"
RUN_DATE = "2026-03-31"
DATASETS = ("interactions", "sentences", "flags", "errors", "departments")
# the departments dataset has no per-file key: its rows are the aggregate's levels
DEPARTMENT_KEYS = ["level", "department", "channel"]
SMALL_DROP = ("support/email-refund-double-charge.eml", "billing/email-glitch-blame.eml")


def _why_no_spark() -> str | None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return 'PySpark is not installed (pip install -e ".[spark]"; .ci/run does)'
    if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        return "no Java for a local SparkSession (apt-get install openjdk-17-jre-headless)"
    return None


needs_spark = pytest.mark.skipif(_why_no_spark() is not None, reason=_why_no_spark() or "")


@pytest.fixture(scope="module")
def spark():
    from analyzer.engine.spark import start_session

    session = start_session("local[2]", {"spark.sql.shuffle.partitions": "2", "spark.default.parallelism": "2"})
    yield session
    session.stop()


@pytest.fixture(scope="module")
def sample_runs(spark, tmp_path_factory):
    """The sample drop scored by each engine into its own folder."""
    local_out, spark_out = tmp_path_factory.mktemp("local"), tmp_path_factory.mktemp("spark")
    local = run([SAMPLES], local_out, CONFIG, run_date=RUN_DATE)
    on_spark = run([SAMPLES], spark_out, CONFIG, run_date=RUN_DATE, engine="spark")
    return local, local_out, on_spark, spark_out


@pytest.fixture
def drop(tmp_path):
    for relative in SMALL_DROP:
        target = tmp_path / "drop" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SAMPLES / relative, target)
    return tmp_path / "drop"


def _frame(out, dataset):
    """A dataset as published, sorted by its keys (the row order is no part of the contract)."""
    table = pq.read_table(out / dataset)
    keys = SORT_KEYS.get(dataset, DEPARTMENT_KEYS)
    return table.to_pandas().sort_values(keys, na_position="first").reset_index(drop=True), table.schema


def _published(out):
    current = out / "_current"
    return {path.relative_to(current): path.read_bytes() for path in current.rglob("*.parquet")}


def _assert_same_datasets(first, second):
    for dataset in DATASETS:
        (a, schema_a), (b, schema_b) = _frame(first, dataset), _frame(second, dataset)
        assert schema_a.equals(schema_b, check_metadata=True), dataset
        assert_frame_equal(a, b, check_exact=True, obj=dataset)  # every column, run_id included


@needs_spark
def test_spark_publishes_the_local_engines_tables_row_for_row_and_column_for_column(sample_runs):
    local, local_out, on_spark, spark_out = sample_runs
    assert local.summary.files_scored >= 40 and len(_frame(local_out, "interactions")[0]) >= 40
    # the run id follows from the date, the scoring key and the planned files, so it is equal too
    assert on_spark.summary.run_id == local.summary.run_id != ""
    _assert_same_datasets(local_out, spark_out)


@needs_spark
def test_spark_publishes_the_same_bytes_metadata_and_manifest(sample_runs):
    _, local_out, _, spark_out = sample_runs
    published = _published(local_out)
    assert any(path.name == "_manifest.parquet" for path in published)
    assert _published(spark_out) == published


@needs_spark
def test_spark_run_summary_equals_the_local_one(sample_runs):
    local, _, on_spark, _ = sample_runs
    assert on_spark.exit_code == local.exit_code == 0
    # `out` names each engine's own folder; everything else must agree
    assert {**on_spark.summary.to_dict(), "out": ""} == {**local.summary.to_dict(), "out": ""}


@needs_spark
def test_a_second_spark_run_scores_nothing_and_a_changed_file_is_scored_again(spark, drop, tmp_path):
    out, local_out = tmp_path / "out", tmp_path / "local"
    run([drop], out, CONFIG, run_date=RUN_DATE, engine="spark")
    run([drop], local_out, CONFIG, run_date=RUN_DATE)
    before = _published(out)
    again = run([drop], out, CONFIG, run_date=RUN_DATE, engine="spark").summary
    assert (again.files_scored, again.files_unchanged, again.published) == (0, 2, False)
    assert _published(out) == before
    changed = drop / "billing" / "email-glitch-blame.eml"
    changed.write_bytes(changed.read_bytes() + b"\nWe are sorry for the confusion this caused.\n")
    third = run([drop], out, CONFIG, run_date=RUN_DATE, engine="spark").summary
    assert (third.files_scored, third.files_unchanged, third.published) == (1, 1, True)
    run([drop], local_out, CONFIG, run_date=RUN_DATE)  # the same two nights on the local engine
    _assert_same_datasets(out, local_out)
    assert _published(out) == _published(local_out)


@needs_spark
def test_a_bad_file_becomes_an_error_row_and_the_spark_run_goes_on(spark, drop, tmp_path):
    (drop / "support" / "garbage.eml").write_bytes(bytes(range(256)) * 8)
    result = run([drop], tmp_path / "spark", CONFIG, run_date=RUN_DATE, engine="spark")
    errors, _ = _frame(tmp_path / "spark", "errors")
    assert list(errors["relative_path"]) == ["support/garbage.eml"] and result.exit_code == 1
    assert len(_frame(tmp_path / "spark", "interactions")[0]) == 2
    run([drop], tmp_path / "local", CONFIG, run_date=RUN_DATE)
    _assert_same_datasets(tmp_path / "spark", tmp_path / "local")


@needs_spark
def test_the_spark_submit_job_calls_the_same_api_and_leaves_a_callers_session_running(spark, drop, tmp_path,
                                                                                        capsys):
    from pyspark.sql import SparkSession

    spec = importlib.util.spec_from_file_location("spark_job", REPO / "pipelines" / "spark_job.py")
    job = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(job)
    code = job.main([str(drop), "--out", str(tmp_path / "job"), "--config", str(CONFIG), "--run-date", RUN_DATE,
                     "--json"])
    assert code == 0 and json.loads(capsys.readouterr().out)["files_scored"] == 2
    run([drop], tmp_path / "local", CONFIG, run_date=RUN_DATE)
    assert _published(tmp_path / "job") == _published(tmp_path / "local")
    assert SparkSession.getActiveSession() is spark


def test_without_pyspark_the_spark_engine_fails_in_one_line_and_writes_nothing(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "pyspark", None)  # `import pyspark` now raises ImportError
    result = CliRunner().invoke(cli, ["run", str(SAMPLES / "sales"), "--out", str(tmp_path / "out"),
                                      "--engine", "spark"])
    assert result.exit_code == 2
    assert result.stderr == 'Error: --engine spark needs PySpark: pip install "interaction-analyzer[spark]"\n'
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("options, message", [
    (["--engine", "spark", "--workers", "2"], "--workers applies to the local engine"),
    (["--spark-master", "local[2]"], "--spark-master applies only with --engine spark"),
])
def test_options_of_the_other_engine_are_usage_errors(options, message, tmp_path):
    result = CliRunner().invoke(cli, ["run", str(SAMPLES / "sales"), "--out", str(tmp_path / "out"), *options])
    assert result.exit_code == 2 and result.stderr.startswith(f"Error: {message}")
    assert result.stderr.count("\n") == 1 and not (tmp_path / "out").exists()
