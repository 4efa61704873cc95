"""The local engine: plan what needs scoring, score it, publish the run in one step.

``run`` is the Python API behind ``analyzer run``; the CLI only formats its
result. Per-file failures are recorded and never stop the run. The run is
incremental (files whose content and scoring setup are unchanged since the
manifest recorded them are not read again), idempotent (its id and every output
byte follow from its inputs) and atomic (see ``analyzer.io.publish``).
"""

from __future__ import annotations

import hashlib
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator

from analyzer import __version__
from analyzer.config import Config, load_config
from analyzer.engine.batch import Scorer, scoring_key
from analyzer.engine.progress import Reporter
from analyzer.engine.rows import records
from analyzer.engine.summary import RunSummary
from analyzer.engine.workers import (ChunkResult, FileOutcome, PlannedFile, chunks, init_worker, score_chunk,
                                     score_chunk_in_worker)
from analyzer.errors import UsageError
from analyzer.ingest.source import SourceFile, check_inputs, discover
from analyzer.io.datasets import to_table
from analyzer.io.manifest import ManifestEntry
from analyzer.io.schemas import DEPARTMENTS, PER_FILE_DATASETS, SCHEMA_VERSION
from analyzer.io.store import OutputStore, RunStaging
from analyzer.scoring.aggregate import aggregate

FILES_PER_CHUNK = 32
FILES_PER_WORKER_CHUNK = 8  # small enough to keep every worker busy to the end
_HASH_CHUNK = 1 << 20


@dataclass
class RunResult:
    summary: RunSummary
    published: dict[str, Path] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        return self.summary.exit_code


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(_HASH_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def run_id_for(run_date: str, key: str, planned: list[PlannedFile]) -> str:
    """The same inputs, setup and date give the same id, so a re-run after a crash writes the same bytes."""
    digest = hashlib.sha256(f"{run_date}\n{key}\n".encode())
    for item in planned:
        digest.update(f"{item.key}\t{item.content_sha256}\n".encode("utf-8", "surrogatepass"))
    return f"{run_date.replace('-', '')}-{digest.hexdigest()[:12]}"


def run(inputs: Iterable[str | Path], out: str | Path, config: Config | str | Path | None = None, *,
        run_date: str | None = None, full_refresh: bool = False, wait_seconds: float = 0.0,
        workers: int = 1, reporter: Reporter | None = None) -> RunResult:
    """Score every new or changed input under ``inputs`` and publish the run's datasets under ``out``."""
    if not isinstance(config, Config):
        config = load_config(config)
    reporter = reporter or Reporter()
    roots = [root.absolute() for root in check_inputs(list(inputs))]
    run_date = run_date or datetime.now(timezone.utc).date().isoformat()
    _check_run_date(run_date)
    if workers < 1:
        raise UsageError(f"--workers must be at least 1, got {workers}")
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out must be a folder, but {out} is a file")
    Scorer.check_config(config)  # an invalid [flags] table fails before any work
    store = OutputStore(out)
    summary = RunSummary(run_date=run_date, out=str(out))
    try:
        with store.lock(wait_seconds):
            if store.recover(lambda step: reporter.event("step", step=step)):
                summary.recovered = True
                reporter.event("recovered")
            return _run_locked(roots, store, config, run_date, full_refresh, workers, summary, reporter)
    finally:
        reporter.close()


def _run_locked(roots: list[Path], store: OutputStore, config: Config, run_date: str, full_refresh: bool,
                workers: int, summary: RunSummary, reporter: Reporter) -> RunResult:
    manifest = store.manifest(rebuild_if_damaged=full_refresh)
    key = scoring_key(config)
    to_score: list[PlannedFile] = []
    for found in discover(roots, config.exclude):
        if isinstance(found, str):
            summary.files_skipped += 1
            continue
        summary.files_seen += 1
        planned = _plan(found)
        if planned is None:
            to_score.append(PlannedFile(found, "", 0))  # unreadable: read_source records why
        elif full_refresh or not manifest.is_current(planned.key, planned.content_sha256, key):
            to_score.append(planned)
        else:
            summary.files_unchanged += 1
    reporter.event("planned", to_score=len(to_score), unchanged=summary.files_unchanged)
    if not to_score:
        summary.run_id = ""
        reporter.event("finished", **summary.log_fields())
        return RunResult(summary=summary)

    summary.run_id = run_id_for(run_date, key, to_score)
    scorer = Scorer.from_config(config)
    metadata = {"run_id": summary.run_id, "run_date": run_date, "version": __version__,
                "config_digest": config.digest, "schema_version": SCHEMA_VERSION,
                "model_version": scorer.model_version, "scoring_key": key}
    staging = store.start_run(summary.run_id, metadata)
    try:
        entries = _score_files(to_score, config, scorer, staging, run_date, key, summary, reporter, workers)
        staging.close_segment()
        updated = manifest.updated(entries)
        _build_partitions(staging, updated.for_run_date(run_date), scorer, config, summary)
        published = staging.publish(updated, run_date, lambda step: reporter.event("step", step=step))
    except BaseException:
        staging.abort()
        raise
    summary.published = True
    reporter.event("finished", **summary.log_fields())
    return RunResult(summary=summary, published=published)


def _plan(source: SourceFile) -> PlannedFile | None:
    try:
        return PlannedFile(source, file_sha256(source.path), source.path.stat().st_size)
    except OSError:
        return None


def _score_files(planned: list[PlannedFile], config: Config, scorer: Scorer, staging: RunStaging, run_date: str,
                 key: str, summary: RunSummary, reporter: Reporter, workers: int) -> list[ManifestEntry]:
    entries = []
    for result in _chunk_results(planned, config, scorer, summary.run_id, workers):
        for dataset in ("interactions", "sentences", "flags"):
            for row in getattr(result.rows, dataset):
                staging[dataset].add(row)
        for row in result.error_rows:
            staging["errors"].add(row)
        summary.count_scores(result.rows.interactions)
        for outcome in result.files:
            entries.append(_record_file(outcome, summary, reporter, run_date, key))
    return entries


def _chunk_results(planned: list[PlannedFile], config: Config, scorer: Scorer, run_id: str,
                   workers: int) -> Iterator[ChunkResult]:
    if workers <= 1:
        for chunk in chunks(planned, FILES_PER_CHUNK):
            yield score_chunk(chunk, config, scorer, run_id)
        return
    # spawn, not fork: the parent's BLAS/OpenMP threads do not survive a fork reliably
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=init_worker, initargs=(config,)) as pool:
        work = chunks(planned, FILES_PER_WORKER_CHUNK)
        yield from pool.map(score_chunk_in_worker, work, [run_id] * len(work))


def _record_file(outcome: FileOutcome, summary: RunSummary, reporter: Reporter, run_date: str,
                 key: str) -> ManifestEntry:
    planned = outcome.planned
    for error in outcome.errors:
        summary.count_error(planned.source.relative_path, error)
        reporter.event("file_failed", path=planned.source.relative_path, kind=error.kind, message=error.message,
                       offset=error.offset)
    summary.files_failed += bool(outcome.errors)
    for interaction in outcome.interactions:
        summary.count_interaction(interaction)
    summary.files_scored += 1
    reporter.event("file_scored", path=planned.source.relative_path)
    # a file that could not be hashed has an empty hash: it never matches, so it is retried next run
    return ManifestEntry(
        source_path=planned.key, relative_path=planned.source.relative_path, content_sha256=planned.content_sha256,
        size_bytes=planned.size_bytes, scoring_key=key, run_date=run_date, segment=summary.run_id,
        n_interactions=len(outcome.interactions), n_errors=len(outcome.errors))


def _build_partitions(staging: RunStaging, entries: list[ManifestEntry], scorer: Scorer, config: Config,
                      summary: RunSummary) -> None:
    """This date's partition of every dataset: the kept rows of all its files, then the aggregates."""
    for dataset in PER_FILE_DATASETS:
        table = staging.kept_rows(dataset, entries)
        staging.write_partition(dataset, table)
        if dataset == "interactions":
            interactions = table.select(["department", "channel", "applicable", "empathy_score", "flagged",
                                         "n_sentences", "n_customer_blame", "n_company_blame", "n_hostile",
                                         "n_curt", "n_apologies", "n_threats"]).to_pandas()
    departments = aggregate(interactions)
    provenance = {"model_version": scorer.model_version, "config_digest": config.digest,
                  "analyzer_version": __version__, "run_id": summary.run_id}
    rows = [{**row, **provenance} for row in records(departments)]
    staging.write_partition("departments", to_table(rows, DEPARTMENTS, "departments"))
    summary.departments = rows


def _check_run_date(value: str) -> None:
    try:
        datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        raise UsageError(f"run date must be YYYY-MM-DD, got {value!r}") from None
