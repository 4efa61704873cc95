"""Reading and scoring chunks of input files, in this process or in worker processes.

``score_chunk`` is the unit of work: files in, output rows and per-file outcomes
out (plain, picklable data). With ``--workers N`` the local engine hands chunks
to N spawned processes, each loading the models once; rows come back to the
parent, which alone writes, so publishing stays single-writer and atomic.
"""

from __future__ import annotations

from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Iterator

from analyzer.config import Config
from analyzer.engine.batch import BatchRows, Scorer, finish_batch, tag_batch
from analyzer.engine.plan import PlannedFile, stored_path
from analyzer.engine.rows import error_row
from analyzer.errors import InputFileError
from analyzer.ingest.masking import mask_interaction, mask_text
from analyzer.ingest.reader import read_source
from analyzer.ingest.records import Interaction
from analyzer.ingest.source import SourceFile
from analyzer.io.datasets import to_table
from analyzer.io.schemas import DATASETS
from analyzer.io.valid_text import valid_text, valid_value

BATCH_INTERACTIONS = 64  # interactions tagged together (spaCy nlp.pipe and one model call)
# ... unless their turns hold more text than this: what tagging holds grows with the batch's text, and
# 64 long emails (or ten copies of one, side by side in a drop) would hold several times a usual batch
# (about 40,000 characters). Two batches are alive at once while one process overlaps tagging and the
# network; at 100,000 the 10x drop still peaked 1.28x the 1x one, at 50,000 1.13x, and no slower
BATCH_CHARACTERS = 50_000


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
    # the scoring process's model drift warning (analyzer.model.probes), on the first result of a chunk:
    # the process that publishes loads no model of its own
    model_drift: str | None = None


def read_file(source: SourceFile, config: Config) -> Iterator[Interaction | InputFileError]:
    """Interactions (valid text; card numbers masked unless the config says not to) and input errors
    of one file, as the reader yields them: a large export is never held whole here."""
    try:
        for item in read_source(source, config):
            if isinstance(item, Interaction):
                make_valid(item)
                if config.mask_card_numbers:
                    mask_interaction(item)
            yield item
    except Exception as exc:  # noqa: BLE001 - the per-file fault boundary: this file fails, the run goes on
        yield InputFileError("malformed", f"unexpected {type(exc).__name__} while reading")


def make_valid(item: Interaction) -> None:
    """Every string of ``item`` without lone surrogates, which the tagger and the writers refuse."""
    for name, value in vars(item).items():
        if isinstance(value, (str, list)) and name != "turns":
            setattr(item, name, valid_value(value))
    item.turns = [replace(turn, **{name: valid_text(value) for name, value in vars(turn).items()
                                   if isinstance(value, str)}) for turn in item.turns]


def score_chunk(files: list[PlannedFile], config: Config, scorer: Scorer, run_id: str, *,
                overlap: bool = False) -> Iterator[ChunkResult]:
    """Read and score ``files`` in batches of interactions, yielding each batch's rows as soon as it is
    scored, and each file's outcome once all of its interactions are: memory stays bounded by the batch
    (and by what a reader holds), not by the size of a file. ``overlap``: see ``BatchScorer``."""
    drift = scorer.tone_model.drift
    result, pending = ChunkResult(model_drift=drift.message if drift is not None else None), []
    outcomes: dict[str, FileOutcome] = {}
    waiting: deque[tuple[FileOutcome, int]] = deque()  # files read, with their count of interactions read
    read = 0
    pending_characters = 0
    batches = BatchScorer(config, scorer, run_id, outcomes, overlap=overlap)
    try:
        for planned in files:
            outcome = FileOutcome(planned)
            outcomes[planned.key] = outcome
            for item in read_file(planned.source, config):
                if isinstance(item, InputFileError):
                    _record_error(result, outcome, planned.key, planned.relative_path, item, config, scorer, run_id)
                    continue
                outcome.interactions.append(SeenInteraction(item.interaction_id, item.department, item.channel,
                                                            item.direction, item.source_format))
                pending.append(item)
                pending_characters += sum(len(turn.text) for turn in item.turns)
                read += 1
                if len(pending) >= BATCH_INTERACTIONS or pending_characters >= BATCH_CHARACTERS:
                    batches.start(pending, read, result)
                    pending, pending_characters = [], 0
                    result = yield from _emit(result, waiting, batches.scored)
            waiting.append((outcome, read))
            result = yield from _emit(result, waiting, batches.scored)
        batches.start(pending, read, result)
        batches.finish(result)
        yield from _emit(result, waiting, read)
    finally:
        batches.close()


class BatchScorer:
    """Scores batches of interactions in the order they are started, isolating failures.

    With ``overlap`` the model and scoring stages of a batch run on a helper thread
    while this thread reads and tags the next batch: spaCy holds the GIL but
    onnxruntime releases it, so one process keeps two cores busy. Rows still arrive
    in order, so the output is the same either way. Worker processes, which are
    meant to use one core each, score without overlap.
    """

    def __init__(self, config: Config, scorer: Scorer, run_id: str, outcomes: dict[str, FileOutcome], *,
                 overlap: bool):
        self.config, self.scorer, self.run_id, self.outcomes = config, scorer, run_id, outcomes
        self.scored = 0  # interactions (counted in reading order) whose rows are in a result
        self._helper = ThreadPoolExecutor(1, thread_name_prefix="score-batch") if overlap else None
        self._in_flight: tuple | None = None  # (items, table, tagged, future or None, read)

    def start(self, items: list[Interaction], read: int, result: ChunkResult) -> None:
        """Tag ``items`` now, put the batch before's rows in ``result``, and score ``items`` (on the helper
        thread, or here at once); ``read``: interactions read up to the end of ``items``."""
        try:
            table, tagged = (tag_batch(items, self.scorer) if items else None), True
        except Exception:  # noqa: BLE001 - the batch is retried item by item when it is finished
            table, tagged = None, False
        self.finish(result)
        future = self._helper.submit(self._rows, items, table) if tagged and self._helper else None
        self._in_flight = (items, table, tagged, future, read)
        if self._helper is None:
            self.finish(result)

    def finish(self, result: ChunkResult) -> None:
        """Put the rows of the batch in flight, if any, in ``result``."""
        if self._in_flight is None:
            return
        items, table, tagged, future, read = self._in_flight
        self._in_flight = None
        rows = None
        if tagged:
            try:
                rows = future.result() if future is not None else self._rows(items, table)
            except Exception:  # noqa: BLE001 - scored one by one below
                rows = None
        if rows is None:
            self._score_one_by_one(items, result)
        else:
            _extend(result.rows, rows)
        self.scored = read

    def close(self) -> None:
        if self._helper is not None:
            self._helper.shutdown(wait=True, cancel_futures=True)

    def _rows(self, items: list[Interaction], table) -> BatchRows:
        return _accepted_by_schemas(finish_batch(items, table, self.scorer, self.run_id))

    def _score_one_by_one(self, items: list[Interaction], result: ChunkResult) -> None:
        """A batch failed: score its interactions one by one and record the ones that fail.

        One record that trips a bug in tagging, or whose rows the dataset schemas refuse,
        must not cost the night's run: it becomes an ``unscorable`` error row naming the
        exception, and everything else is scored.
        """
        for item in items:
            try:
                _extend(result.rows, self._rows([item], tag_batch([item], self.scorer)))
            except Exception as exc:  # noqa: BLE001
                error = InputFileError("unscorable", f"tagging or scoring failed: {type(exc).__name__}: {exc}",
                                       offset=item.source_offset)
                outcome = self.outcomes[stored_path(item.source_path, self.config.mask_card_numbers)]
                _record_error(result, outcome, outcome.planned.key, outcome.planned.relative_path, error,
                              self.config, self.scorer, self.run_id)
                outcome.interactions = [seen for seen in outcome.interactions
                                        if seen.interaction_id != item.interaction_id]


def _emit(result: ChunkResult, waiting: deque, scored: int):
    """Hand over the rows so far, with the outcomes of the files whose interactions are all scored."""
    while waiting and waiting[0][1] <= scored:
        result.files.append(waiting.popleft()[0])
    if result.files or result.error_rows or result.rows.interactions or result.model_drift:
        yield result
        return ChunkResult()
    return result


def merged(results: Iterator[ChunkResult]) -> ChunkResult:
    """One result for a whole chunk (what a worker process sends back)."""
    whole = ChunkResult()
    for part in results:
        _extend(whole.rows, part.rows)
        whole.error_rows += part.error_rows
        whole.files += part.files
        whole.model_drift = whole.model_drift or part.model_drift
    return whole


def _record_error(result: ChunkResult, outcome: FileOutcome, source_path: str, relative_path: str,
                  error: InputFileError, config: Config, scorer: Scorer, run_id: str) -> None:
    """One error row; its message is masked like any stored text (a reader may quote its input)."""
    if config.mask_card_numbers:
        error = InputFileError(error.kind, mask_text(error.message)[0], offset=error.offset)
    result.error_rows.append(error_row(source_path, error, run_id, scorer.model_version,
                                       relative_path=relative_path))
    outcome.errors.append(FileError(error.kind, error.message, error.offset))


def _accepted_by_schemas(rows: BatchRows) -> BatchRows:
    """The rows, once each dataset's schema has accepted them (so a bad value fails here, not at publish)."""
    for dataset in ("interactions", "sentences", "flags"):
        batch = getattr(rows, dataset)
        if batch:
            to_table(batch, DATASETS[dataset], dataset)  # built from interactions make_valid has cleaned
    return rows


def _extend(rows: BatchRows, more: BatchRows) -> None:
    rows.interactions += more.interactions
    rows.sentences += more.sentences
    rows.flags += more.flags


# --- worker processes -------------------------------------------------------------------------

_worker: dict = {}


ONE_THREAD = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}


def init_worker(config: Config) -> None:
    import os

    from threadpoolctl import threadpool_limits

    from analyzer.model import embeddings

    # N workers on N cores: every native library runs one thread per worker. onnxruntime through
    # use_threads; BLAS and OpenMP (numpy, scipy, scikit-learn, spaCy's thinc) through the environment for
    # libraries loaded from now on, and threadpoolctl for those already loaded
    os.environ.update(ONE_THREAD)
    embeddings.use_threads(1)
    _worker["config"] = config
    _worker["scorer"] = Scorer.from_config(config)
    _worker["thread_limits"] = threadpool_limits(1)


def score_chunk_in_worker(files: list[PlannedFile], run_id: str) -> ChunkResult:
    return merged(score_chunk(files, _worker["config"], _worker["scorer"], run_id))


def chunks(files: list[PlannedFile], size: int) -> list[list[PlannedFile]]:
    return [files[start:start + size] for start in range(0, len(files), size)]

