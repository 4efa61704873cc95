"""Reading and scoring chunks of input files, in this process or in worker processes.

``score_chunk`` is the unit of work: files in, output rows and per-file outcomes
out (plain, picklable data). With ``--workers N`` the local engine hands chunks
to N spawned processes, each loading the models once; rows come back to the
parent, which alone writes, so publishing stays single-writer and atomic.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from analyzer.config import Config
from analyzer.engine.batch import BatchRows, Scorer, score_batch
from analyzer.engine.plan import PlannedFile, stored_path
from analyzer.engine.rows import error_row
from analyzer.errors import InputFileError
from analyzer.ingest.masking import mask_interaction, mask_card_numbers as mask_text  # TEMP
from analyzer.ingest.reader import read_source
from analyzer.ingest.records import Interaction
from analyzer.ingest.source import SourceFile
from analyzer.io.datasets import to_table
from analyzer.io.schemas import DATASETS
from analyzer.io.valid_text import valid_text, valid_value

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
    try:
        for item in read_source(source, config):
            if isinstance(item, InputFileError):
                errors.append(item)
            else:
                make_valid(item)
                if config.mask_card_numbers:
                    mask_interaction(item)
                interactions.append(item)
    except Exception as exc:  # noqa: BLE001 - the per-file fault boundary: this file fails, the run goes on
        errors.append(InputFileError("malformed", f"unexpected {type(exc).__name__} while reading"))
    return interactions, errors


def make_valid(item: Interaction) -> None:
    """Every string of ``item`` without lone surrogates, which the tagger and the writers refuse."""
    for name, value in vars(item).items():
        if isinstance(value, (str, list)) and name != "turns":
            setattr(item, name, valid_value(value))
    item.turns = [replace(turn, **{name: valid_text(value) for name, value in vars(turn).items()
                                   if isinstance(value, str)}) for turn in item.turns]


def score_chunk(files: list[PlannedFile], config: Config, scorer: Scorer, run_id: str) -> ChunkResult:
    result, pending = ChunkResult(), []
    outcomes: dict[str, FileOutcome] = {}
    for planned in files:
        interactions, errors = read_file(planned.source, config)
        outcome = FileOutcome(planned)
        for error in errors:
            _record_error(result, outcome, planned.key, planned.relative_path, error, config, scorer, run_id)
        outcome.interactions = [SeenInteraction(i.interaction_id, i.department, i.channel, i.direction,
                                                i.source_format) for i in interactions]
        result.files.append(outcome)
        outcomes[planned.key] = outcome
        pending += interactions
        if len(pending) >= BATCH_INTERACTIONS:
            _score_isolating_failures(pending, config, scorer, run_id, result, outcomes)
            pending = []
    _score_isolating_failures(pending, config, scorer, run_id, result, outcomes)
    return result


def _record_error(result: ChunkResult, outcome: FileOutcome, source_path: str, relative_path: str,
                  error: InputFileError, config: Config, scorer: Scorer, run_id: str) -> None:
    """One error row; its message is masked like any stored text (a reader may quote its input)."""
    if config.mask_card_numbers:
        error = InputFileError(error.kind, mask_text(error.message)[0], offset=error.offset)
    result.error_rows.append(error_row(source_path, error, run_id, scorer.model_version,
                                       relative_path=relative_path))
    outcome.errors.append(FileError(error.kind, error.message, error.offset))


def _score_isolating_failures(items: list[Interaction], config: Config, scorer: Scorer, run_id: str,
                              result: ChunkResult, outcomes: dict[str, FileOutcome]) -> None:
    """Score a batch; if it fails, score its interactions one by one and record the ones that fail.

    One record that trips a bug in tagging, or whose rows the dataset schemas refuse,
    must not cost the night's run: it becomes an ``unscorable`` error row naming the
    exception, and everything else is scored.
    """
    try:
        _extend(result.rows, _accepted_by_schemas(score_batch(items, scorer, run_id)))
        return
    except Exception:  # noqa: BLE001 - isolated below, one interaction at a time
        pass
    for item in items:
        try:
            _extend(result.rows, _accepted_by_schemas(score_batch([item], scorer, run_id)))
        except Exception as exc:  # noqa: BLE001
            error = InputFileError("unscorable", f"tagging or scoring failed: {type(exc).__name__}: {exc}",
                                   offset=item.source_offset)
            outcome = outcomes[stored_path(item.source_path, config.mask_card_numbers)]
            _record_error(result, outcome, outcome.planned.key, outcome.planned.relative_path, error, config,
                          scorer, run_id)
            outcome.interactions = [seen for seen in outcome.interactions
                                    if seen.interaction_id != item.interaction_id]


def _accepted_by_schemas(rows: BatchRows) -> BatchRows:
    """The rows, once each dataset's schema has accepted them (so a bad value fails here, not at publish)."""
    for dataset in ("interactions", "sentences", "flags"):
        batch = getattr(rows, dataset)
        if batch:
            to_table([valid_value(row) for row in batch], DATASETS[dataset], dataset)
    return rows


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

