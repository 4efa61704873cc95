"""The local engine: discover input files, read them, write the run's datasets.

``run`` is the Python API behind ``analyzer run``; the CLI only formats its
result. Per-file failures are recorded and never stop the run.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable

from analyzer import __version__
from analyzer.config import Config, load_config
from analyzer.engine.rows import error_row, interaction_row
from analyzer.engine.summary import RunSummary
from analyzer.errors import InputFileError, UsageError
from analyzer.ingest.reader import read_source
from analyzer.ingest.source import SourceFile, check_inputs, discover
from analyzer.io.datasets import RunOutput
from analyzer.io.schemas import DATASETS, SCHEMA_VERSION


@dataclass
class RunResult:
    summary: RunSummary
    published: dict[str, Path]

    @property
    def exit_code(self) -> int:
        return self.summary.exit_code


def new_run_id(now: datetime) -> str:
    return f"{now:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"


def run(inputs: Iterable[str | Path], out: str | Path, config: Config | str | Path | None = None, *,
        run_date: str | None = None, on_file: Callable[[str], None] | None = None) -> RunResult:
    """Read every input under ``inputs`` and publish the run's datasets under ``out``."""
    if not isinstance(config, Config):
        config = load_config(config)
    roots = check_inputs(list(inputs))
    now = datetime.now(timezone.utc)
    run_date = run_date or now.date().isoformat()
    _check_run_date(run_date)
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out must be a folder, but {out} is a file")
    summary = RunSummary(run_id=new_run_id(now), run_date=run_date, out=str(out))
    metadata = {"run_id": summary.run_id, "run_date": run_date, "version": __version__,
                "config_digest": config.digest, "schema_version": SCHEMA_VERSION}
    output = RunOutput(out, summary.run_id, run_date, DATASETS, metadata)
    try:
        for found in discover(roots, config.exclude):
            if isinstance(found, str):
                summary.files_skipped += 1
                continue
            summary.files_seen += 1
            _read_one(found, config, output, summary)
            if on_file:
                on_file(found.relative_path)
        published = output.publish()
    except BaseException:
        output.abort()
        raise
    return RunResult(summary=summary, published=published)


def _read_one(source: SourceFile, config: Config, output: RunOutput, summary: RunSummary) -> None:
    failed = False
    for item in read_source(source, config):
        if isinstance(item, InputFileError):
            failed = True
            output["errors"].add(error_row(source, item, summary.run_id))
            summary.count_error(source.relative_path, item)
        else:
            output["interactions"].add(interaction_row(item, summary.run_id))
            summary.count_interaction(item)
    summary.files_failed += failed


def _check_run_date(value: str) -> None:
    try:
        datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        raise UsageError(f"run date must be YYYY-MM-DD, got {value!r}") from None
