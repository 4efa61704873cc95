"""The Spark runner: the local engine's run, with the files read and scored on Spark executors.

The driver plans the run and writes it exactly as the local engine does (manifest,
staging, atomic publish, run summary); only the source of chunk results differs.
The planned files become a DataFrame, one pickled ``PlannedFile`` per row;
``mapInArrow`` hands each executor Python process its files as Arrow batches,
and that process reads and scores them with ``score_chunk``, loading the models
once (``_scorer_for``). Every ``ChunkResult`` comes back pickled in one Arrow
row. The scored DataFrame is persisted to the executors' disks and counted, so
all partitions are scored in parallel; the driver then streams it back with
``toLocalIterator``, one partition at a time, so its memory is bounded by one
partition's rows rather than by the run's.

No scoring logic lives here: this module only moves files and rows.
"""

from __future__ import annotations

import os
import pickle
import shutil
import sys
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING

from analyzer.config import Config
from analyzer.errors import AnalyzerError, UsageError

if TYPE_CHECKING:
    from analyzer.engine.batch import Scorer
    from analyzer.engine.plan import PlannedFile
    from analyzer.engine.workers import ChunkResult

INSTALL_HINT = 'pip install "interaction-analyzer[spark]"'
DEFAULT_MASTER = "local[*]"
FILES_PER_TASK = 8  # like the local engine's worker chunks: small enough to keep every executor busy to the end
LOG4J_CONFIG = Path(__file__).with_name("spark-log4j2.properties")
# only what a cron job needs: no web UI to bind, no progress bars, reused Python workers keep their models
SESSION_CONF = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.python.worker.reuse": "true",
    "spark.sql.shuffle.partitions": "8",  # the runner shuffles nothing; a small default for ad-hoc use
}


def require_spark() -> None:
    """Fail with one line, before anything is written, if PySpark (or Java for a local session) is missing."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise UsageError(f"--engine spark needs PySpark: {INSTALL_HINT}") from None
    from pyspark.sql import SparkSession

    if SparkSession.getActiveSession() is None and not _java_found():
        raise UsageError("--engine spark needs Java 17 or later: no `java` on PATH and JAVA_HOME is not set "
                         "(on Debian: apt-get install openjdk-17-jre-headless)")


def _java_found() -> bool:
    home = os.environ.get("JAVA_HOME")
    return bool(shutil.which("java") or (home and (Path(home) / "bin" / "java").exists()))


def spark_chunk_results(planned: list[PlannedFile], config: Config, run_id: str, *,
                        master: str | None = None) -> Iterator[ChunkResult]:
    """The chunk results of ``planned``, scored on Spark (each executor process loads the models, once;
    the driver loads none)."""
    with spark_session(master) as session:
        rows = [(pickle.dumps(item),) for item in planned]
        slices = max(1, -(-len(rows) // FILES_PER_TASK))
        files = session.createDataFrame(session.sparkContext.parallelize(rows, slices), "planned binary")
        score = partial(_score_partition, config_blob=pickle.dumps(config), run_id=run_id)
        with _quiet_pandas_warning():
            scored = files.mapInArrow(score, "result binary")
        from pyspark import StorageLevel

        scored = scored.persist(StorageLevel.DISK_ONLY)
        try:
            with _spark_failures():
                scored.count()  # scores every partition in parallel; the driver reads them back one by one
                for row in scored.toLocalIterator():
                    yield pickle.loads(row.result)
        finally:
            scored.unpersist()


@contextmanager
def spark_session(master: str | None = None):
    """The active SparkSession (spark-submit's, a test's), or a new one that is stopped on the way out."""
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        yield active
        return
    session = start_session(master)
    try:
        yield session
    finally:
        session.stop()


def start_session(master: str | None = None, conf: dict[str, str] | None = None):
    """A SparkSession for a run: ``master`` (else $SPARK_MASTER, else local[*]), quiet logging."""
    from pyspark.sql import SparkSession

    master = master or os.environ.get("SPARK_MASTER") or DEFAULT_MASTER
    if master.startswith("local"):
        # Python workers of a local session run this interpreter (PySpark's default is `python3` on PATH)
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.master(master).appName("interaction-analyzer")
    for key, value in {**SESSION_CONF, **(conf or {})}.items():
        builder = builder.config(key, value)
    # WARN and above, minus the start-up notices every local run would print to cron
    builder = builder.config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={LOG4J_CONFIG.as_uri()}")
    with _spark_failures(), _quiet_pandas_warning():
        session = builder.getOrCreate()
    session.sparkContext.setLogLevel("WARN")
    return session


# --- on the executors -------------------------------------------------------------------------


@lru_cache(maxsize=2)
def _scorer_for(config_blob: bytes) -> tuple[Config, Scorer]:
    """The config and its models, loaded once per executor Python process (Spark reuses the process)."""
    from analyzer.engine.batch import Scorer
    from analyzer.model import embeddings

    embeddings.use_threads(1)  # one task per core, as with the local engine's workers: one encoder thread each
    config = pickle.loads(config_blob)
    return config, Scorer.from_config(config)


def _score_partition(batches: Iterable, config_blob: bytes, run_id: str) -> Iterator:
    """mapInArrow's function: Arrow batches of pickled planned files in, one pickled ChunkResult per row out."""
    import pyarrow as pa

    from analyzer.engine.workers import score_chunk

    config, scorer = _scorer_for(config_blob)
    for batch in batches:
        files = [pickle.loads(blob) for blob in batch.column("planned").to_pylist()]
        for result in score_chunk(files, config, scorer, run_id):
            yield pa.RecordBatch.from_pydict({"result": pa.array([pickle.dumps(result)], pa.binary())})


# --- helpers ----------------------------------------------------------------------------------


@contextmanager
def _spark_failures():
    """A failed Spark job is a failed run (exit 3) with one line, not a Java stack trace."""
    from py4j.protocol import Py4JError
    from pyspark.errors import PySparkException

    try:
        yield
    except (Py4JError, PySparkException) as exc:
        raise AnalyzerError(f"the Spark job failed: {_last_line(exc)}") from None


def _last_line(exc: Exception) -> str:
    """The line that names the cause: the Python exception raised on an executor, or Spark's own message."""
    lines = [line.strip() for line in str(exc).split("JVM stacktrace:")[0].splitlines() if line.strip()]
    return lines[-1] if lines else type(exc).__name__


@contextmanager
def _quiet_pandas_warning():
    # PySpark 4 warns about pandas 3 on every mapInArrow; the runner sends no pandas objects through Spark
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
        yield
