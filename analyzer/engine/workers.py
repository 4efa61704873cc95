"""Reading and scoring chunks of input files, in this process or in worker processes.

``score_chunk`` is the unit of work: files in, output rows and per-file outcomes
out (plain, picklable data). With ``--workers N`` the local engine hands chunks
to N spawned processes, each loading the models once; rows come back to the
parent, which alone writes, so publishing stays single-writer and atomic.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from analyzer.config import Config
from analyzer.engine.batch import BatchRows, Scorer, score_batch
from analyzer.engine.plan import PlannedFile
from analyzer.engine.rows import error_row
from analyzer.errors import InputFileError
from analyzer.ingest.masking import mask_interaction
from analyzer.ingest.reader import read_source
from analyzer.ingest.records import Interaction
from analyzer.ingest.source import SourceFile

BATCH_INTERACTIONS = 64  # interactions tagged together (spaCy nlp.pipe and one model call)


@dataclass(frozen=True)
class FileError:
    """An input error as plain data (``InputFileError`` itself does not survive pickling)."""

    kind: str
    message: str
    offset: int | None


@dataclass(frozen=True)
class SeenInteraction:
    """What the run summary counts about an interaction."""

    interaction_id: str
    department: str
    channel: str
    direction: str
    source_format: str


@dataclass
class FileOutcome:
    planned: PlannedFile
    errors: list[FileError] = field(default_factory=list)
    interactions: list[SeenInteraction] = field(default_factory=list)


@dataclass
class ChunkResult:
    rows: BatchRows = field(default_factory=BatchRows)
    error_rows: list[dict] = field(default_factory=list)
    files: list[FileOutcome] = field(default_factory=list)


def read_file(source: SourceFile, config: Config) -> tuple[list[Interaction], list[InputFileError]]:
    """Interactions (card numbers masked unless the config says not to) and input errors of one file."""
    interactions, errors = [], []
    for item in read_source(source, config):
        if isinstance(item, InputFileError):
            errors.append(item)
        else:
            if config.mask_card_numbers:
                mask_interaction(item)
            interactions.append(item)
    return interactions, errors


def score_chunk(files: list[PlannedFile], config: Config, scorer: Scorer, run_id: str) -> ChunkResult:
    result, pending = ChunkResult(), []
    outcomes: dict[str, FileOutcome] = {}
    for planned in files:
        interactions, errors = read_file(planned.source, config)
        outcome = FileOutcome(planned)
        for error in errors:
            result.error_rows.append(error_row(planned.source, error, run_id, scorer.model_version))
            outcome.errors.append(FileError(error.kind, error.message, error.offset))
        outcome.interactions = [SeenInteraction(i.interaction_id, i.department, i.channel, i.direction,
                                                i.source_format) for i in interactions]
        result.files.append(outcome)
        outcomes[planned.key] = outcome
        pending += interactions
        if len(pending) >= BATCH_INTERACTIONS:
            _score_isolating_failures(pending, scorer, run_id, result, outcomes)
            pending = []
    _score_isolating_failures(pending, scorer, run_id, result, outcomes)
    return result


def _score_isolating_failures(items: list[Interaction], scorer: Scorer, run_id: str, result: ChunkResult,
                              outcomes: dict[str, FileOutcome]) -> None:
    """Score a batch; if it fails, score its interactions one by one and record the ones that fail.

    One record that trips a bug in tagging must not cost the night's run: it becomes
    an ``unscorable`` error row naming the exception, and everything else is scored.
    """
    try:
        _extend(result.rows, score_batch(items, scorer, run_id))
        return
    except Exception:  # noqa: BLE001 - isolated below, one interaction at a time
        pass
    for item in items:
        try:
            _extend(result.rows, score_batch([item], scorer, run_id))
        except Exception as exc:  # noqa: BLE001
            error = InputFileError("unscorable", f"tagging or scoring failed: {type(exc).__name__}: {exc}",
                                   offset=item.source_offset)
            result.error_rows.append(error_row(item.source_path, error, run_id, scorer.model_version,
                                               relative_path=item.relative_path))
            outcome = outcomes[item.source_path]
            outcome.errors.append(FileError(error.kind, error.message, error.offset))
            outcome.interactions = [seen for seen in outcome.interactions
                                    if seen.interaction_id != item.interaction_id]


def _extend(rows: BatchRows, more: BatchRows) -> None:
    rows.interactions += more.interactions
    rows.sentences += more.sentences
    rows.flags += more.flags


# --- worker processes -------------------------------------------------------------------------

_worker: dict = {}


def init_worker(config: Config) -> None:
    from analyzer.model import embeddings

    embeddings.use_threads(1)  # N workers on N cores: one encoder thread each
    _worker["config"] = config
    _worker["scorer"] = Scorer.from_config(config)


def score_chunk_in_worker(files: list[PlannedFile], run_id: str) -> ChunkResult:
    return score_chunk(files, _worker["config"], _worker["scorer"], run_id)


def chunks(files: list[PlannedFile], size: int) -> list[list[PlannedFile]]:
    return [files[start:start + size] for start in range(0, len(files), size)]

