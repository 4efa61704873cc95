"""The local engine: plan what needs scoring, score it, publish the run in one step.

``run`` is the Python API behind ``analyzer run``; the CLI only formats its
result. Per-file failures are recorded and never stop the run. The run is
incremental (files whose content and scoring setup are unchanged since the
manifest recorded them are not read again), idempotent (its id and every output
byte follow from its inputs) and atomic (see ``analyzer.io.publish``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from analyzer import __version__
from analyzer.config import Config, load_config
from analyzer.engine.plan import PlannedFile, model_dir_for, plan_file, run_id_for, scoring_key, tone_model_version
from analyzer.engine.progress import Reporter
from analyzer.engine.summary import RunSummary
from analyzer.errors import OutputError, UsageError
from analyzer.ingest.source import check_inputs, discover
from analyzer.io.manifest import ManifestEntry
from analyzer.io.schemas import SCHEMA_VERSION
from analyzer.io.store import OutputStore
from analyzer.model.shipped import check_model_folder
from analyzer.scoring.flag_rules import build_rules

if TYPE_CHECKING:  # the scoring side (spaCy, the model, pandas) is imported only when a file needs scoring
    from analyzer.engine.workers import ChunkResult, FileOutcome
    from analyzer.io.store import RunStaging

# files per chunk handed to a worker process: small enough to keep every worker busy to the end, large
# enough that a chunk of short emails still fills batches of interactions (see worker_chunk_size)
MIN_FILES_PER_WORKER_CHUNK = 8
MAX_FILES_PER_WORKER_CHUNK = 128
# a worker process first loads spaCy and the tone model (a few CPU seconds): below this many files
# per worker, fewer workers finish sooner (--workers chosen automatically)
MIN_FILES_PER_WORKER = 32
ENGINES = ("local", "spark")

# where the chunk results come from: (planned files, config, run id) -> results; whatever scores them
# loads the models (this process only with one worker)
ChunkSource = Callable[[list[PlannedFile], Config, str], Iterator["ChunkResult"]]


@dataclass
class RunResult:
    summary: RunSummary
    published: dict[str, Path] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        return self.summary.exit_code


def run(inputs: Iterable[str | Path], out: str | Path, config: Config | str | Path | None = None, *,
        run_date: str | None = None, full_refresh: bool = False, wait_seconds: float = 0.0,
        workers: int | None = None, reporter: Reporter | None = None, engine: str = "local",
        spark_master: str | None = None) -> RunResult:
    """Score every new or changed input under ``inputs`` and publish the run's datasets under ``out``.

    ``engine="spark"`` reads and scores the files on Spark (``analyzer.engine.spark``; ``spark_master``,
    else $SPARK_MASTER, else local[*]); planning, writing and publishing stay here, identical.
    """
    if not isinstance(config, Config):
        config = load_config(config)
    reporter = reporter or Reporter()
    roots = [root.absolute() for root in check_inputs(list(inputs))]
    run_date = run_date or datetime.now(timezone.utc).date().isoformat()
    _check_run_date(run_date)
    if workers is not None and workers < 1:
        raise UsageError(f"--workers must be at least 1, got {workers}")
    chunk_source = _chunk_source(engine, workers, spark_master)
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out must be a folder, but {out} is a file")
    # every usage error is found before the output folder is touched: exit 2 writes nothing
    build_rules(config.flag_rules, config.source or "config")
    check_model_folder(model_dir_for(config))
    key = scoring_key(config)
    store = OutputStore(out)
    summary = RunSummary(run_date=run_date, out=str(out))
    try:
        with store.lock(wait_seconds):
            if store.recover(lambda step: reporter.event("step", step=step)):
                summary.recovered = True
                reporter.event("recovered")
            return _run_locked(roots, store, config, key, run_date, full_refresh, chunk_source, summary, reporter)
    except OSError as exc:
        # a full disk, a folder that became read-only: the run fails (exit 3), the published output stays
        raise OutputError(f"cannot write to output folder {out}: {exc.strerror or exc}") from None
    finally:
        reporter.close()


def _run_locked(roots: list[Path], store: OutputStore, config: Config, key: str, run_date: str,
                full_refresh: bool, chunk_source: ChunkSource, summary: RunSummary, reporter: Reporter) -> RunResult:
    manifest = store.manifest(rebuild_if_damaged=full_refresh)
    to_score: list[PlannedFile] = []
    for found in discover(roots, config.exclude, config.follow_symlinks):
        if isinstance(found, str):
            summary.files_skipped += 1
            continue
        summary.files_seen += 1
        planned = plan_file(found, config.mask_card_numbers)
        if full_refresh or not manifest.is_current(planned.key, planned.content_sha256, key):
            to_score.append(planned)
        else:
            summary.files_unchanged += 1
    reporter.event("planned", to_score=len(to_score), unchanged=summary.files_unchanged)
    if not to_score:
        summary.run_id = ""
        reporter.event("finished", **summary.log_fields())
        return RunResult(summary=summary)

    summary.run_id = run_id_for(run_date, key, to_score)
    model_version = tone_model_version(config)
    metadata = {"run_id": summary.run_id, "run_date": run_date, "version": __version__,
                "config_digest": config.digest, "schema_version": SCHEMA_VERSION,
                "model_version": model_version, "scoring_key": key}
    staging = store.start_run(summary.run_id, metadata)
    try:
        entries = _score_files(to_score, config, staging, run_date, key, summary, reporter, chunk_source,
                               model_version)
        staging.close_segment()
        updated = manifest.updated(entries)
        _build_partitions(staging, updated.for_run_date(run_date), model_version, config, summary)
        published = staging.publish(updated, run_date, lambda step: reporter.event("step", step=step))
    except BaseException:
        staging.abort()
        raise
    summary.published = True
    reporter.event("finished", **summary.log_fields())
    return RunResult(summary=summary, published=published)


def _score_files(planned: list[PlannedFile], config: Config, staging: RunStaging, run_date: str, key: str,
                 summary: RunSummary, reporter: Reporter, chunk_source: ChunkSource,
                 model_version: str) -> list[ManifestEntry]:
    entries = []
    drift_reported = False
    for result in chunk_source(planned, config, summary.run_id):
        if result.model_drift and not drift_reported:
            reporter.event("model_drift", level="warning", message=result.model_drift, model_version=model_version)
            drift_reported = True
        for dataset in ("interactions", "sentences", "flags"):
            for row in getattr(result.rows, dataset):
                staging[dataset].add(row)
        for row in result.error_rows:
            staging["errors"].add(row)
        summary.count_scores(result.rows.interactions)
        for outcome in result.files:
            entries.append(_record_file(outcome, summary, reporter, run_date, key))
    return entries


def _chunk_source(engine: str, workers: int, spark_master: str | None) -> ChunkSource:
    """The engine's source of chunk results; a missing PySpark is a usage error, found before any output."""
    if engine not in ENGINES:
        raise UsageError(f"engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    if engine == "local":
        if spark_master:
            raise UsageError("--spark-master applies only with --engine spark")
        return partial(_chunk_results, workers=workers)
    if workers not in (None, 1):
        raise UsageError("--workers applies to the local engine; with --engine spark the Spark master sets "
                         "the parallelism (for example --spark-master 'local[4]')")
    from analyzer.engine.spark import require_spark, spark_chunk_results

    require_spark()
    return partial(spark_chunk_results, master=spark_master)


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity, which a container or taskset narrows)."""
    import os

    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def worker_count(requested: int | None, n_files: int) -> int:
    """``--workers``, or by default one per available core, as long as each gets enough files to pay for
    loading the models."""
    if requested is not None:
        return requested
    return max(1, min(available_cores(), n_files // MIN_FILES_PER_WORKER))


def worker_chunk_size(n_files: int, workers: int) -> int:
    """Files per chunk handed to a worker: about eight chunks per worker, so all finish close together,
    but no fewer than MIN_FILES_PER_WORKER_CHUNK and no more than MAX_FILES_PER_WORKER_CHUNK files (a
    chunk of few short emails would tag and run the network on too small a batch)."""
    return max(MIN_FILES_PER_WORKER_CHUNK, min(MAX_FILES_PER_WORKER_CHUNK, n_files // (workers * 8)))


def _chunk_results(planned: list[PlannedFile], config: Config, run_id: str,
                   workers: int | None) -> Iterator[ChunkResult]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from analyzer.engine.workers import chunks, init_worker, score_chunk, score_chunk_in_worker

    workers = worker_count(workers, len(planned))
    if workers <= 1:
        from analyzer.engine.batch import Scorer

        scorer = Scorer.from_config(config)
        # one stream of batches over all the files (a batch may span files), the next batch tagged while
        # the network runs on this one
        yield from score_chunk(planned, config, scorer, run_id, overlap=available_cores() > 1)
        return
    # spawn, not fork: the parent's BLAS/OpenMP threads do not survive a fork reliably
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=init_worker, initargs=(config,)) as pool:
        work = chunks(planned, worker_chunk_size(len(planned), workers))
        yield from pool.map(score_chunk_in_worker, work, [run_id] * len(work))


def _record_file(outcome: FileOutcome, summary: RunSummary, reporter: Reporter, run_date: str,
                 key: str) -> ManifestEntry:
    planned = outcome.planned
    for error in outcome.errors:
        summary.count_error(planned.relative_path, error)
        reporter.event("file_failed", path=planned.relative_path, kind=error.kind, message=error.message,
                       offset=error.offset)
    summary.files_failed += bool(outcome.errors)
    for interaction in outcome.interactions:
        summary.count_interaction(interaction)
    summary.files_scored += 1
    reporter.event("file_scored", path=planned.relative_path)
    # a file that could not be hashed has an empty hash: it never matches, so it is retried next run
    return ManifestEntry(
        source_path=planned.key, relative_path=planned.relative_path, content_sha256=planned.content_sha256,
        size_bytes=planned.size_bytes, scoring_key=key, run_date=run_date, segment=summary.run_id,
        n_interactions=len(outcome.interactions), n_errors=len(outcome.errors))


def _build_partitions(staging: RunStaging, entries: list[ManifestEntry], model_version: str, config: Config,
                      summary: RunSummary) -> None:
    """This date's partition of every dataset: the kept rows of all its files, then the aggregates."""
    from analyzer.engine.rows import records
    from analyzer.io.datasets import to_table
    from analyzer.io.schemas import DEPARTMENTS, PER_FILE_DATASETS
    from analyzer.scoring.aggregate import aggregate

    columns = ["department", "channel", "direction", "applicable", "empathy_score", "flagged", "n_sentences",
               "n_customer_blame", "n_company_blame", "n_hostile", "n_curt", "n_apologies", "n_threats"]
    aggregated: list = []  # the aggregates' columns of the interactions partition, piece by piece
    for dataset in PER_FILE_DATASETS:
        on_rows = (lambda table: aggregated.append(table.select(columns))) if dataset == "interactions" else None
        staging.write_kept_partition(dataset, entries, on_rows)
    import pyarrow as pa

    from analyzer.io.schemas import DATASETS

    interactions = pa.concat_tables(aggregated or [DATASETS["interactions"].empty_table().select(columns)]).to_pandas()
    departments = aggregate(interactions)
    provenance = {"model_version": model_version, "config_digest": config.digest,
                  "analyzer_version": __version__, "run_id": summary.run_id}
    rows = [{**row, **provenance} for row in records(departments)]
    staging.write_partition("departments", to_table(rows, DEPARTMENTS, "departments"))
    summary.departments = rows


def _check_run_date(value: str) -> None:
    try:
        datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        raise UsageError(f"run date must be YYYY-MM-DD, got {value!r}") from None
