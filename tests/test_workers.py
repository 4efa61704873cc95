"""How many worker processes a run uses, and that each runs its native libraries on one thread."""

from __future__ import annotations

import multiprocessing
from types import SimpleNamespace
from concurrent.futures import ProcessPoolExecutor

from analyzer.config import load_config
from analyzer.engine.local import MIN_FILES_PER_WORKER, available_cores, worker_count
from analyzer.engine.workers import init_worker


def test_an_explicit_worker_count_is_used_as_given():
    assert worker_count(3, 5) == 3


def test_a_small_drop_is_scored_in_one_process_by_default():
    assert worker_count(None, MIN_FILES_PER_WORKER - 1) == 1


def test_a_large_drop_gets_one_worker_per_available_core_by_default():
    assert worker_count(None, MIN_FILES_PER_WORKER * 1000) == available_cores()


def _blas_and_onnx_threads() -> tuple[set[int], int | None]:
    from threadpoolctl import threadpool_info

    from analyzer.model.embeddings import configured_threads

    return {pool["num_threads"] for pool in threadpool_info()}, configured_threads()


def test_a_worker_process_runs_every_native_library_on_one_thread():
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=context, initializer=init_worker, initargs=(load_config(None),)) as pool:
        blas, onnx = pool.submit(_blas_and_onnx_threads).result(timeout=300)
    assert blas <= {1} and onnx == 1


def test_a_large_drop_is_handed_to_workers_in_chunks_large_enough_to_fill_batches():
    from analyzer.engine.local import MAX_FILES_PER_WORKER_CHUNK, MIN_FILES_PER_WORKER_CHUNK, worker_chunk_size

    assert worker_chunk_size(50_000, 2) == MAX_FILES_PER_WORKER_CHUNK
    assert worker_chunk_size(40, 2) == MIN_FILES_PER_WORKER_CHUNK


def test_a_batch_is_cut_once_its_interactions_hold_more_text_than_the_budget(tmp_path, monkeypatch):
    import analyzer.engine.workers as workers
    from analyzer.engine.batch import BatchRows
    from analyzer.engine.plan import plan_file
    from analyzer.ingest.source import discover

    for number in range(6):  # six emails of about 1,000 characters each
        (tmp_path / f"mail-{number}.txt").write_text("We have received your payment. " * 32, encoding="utf-8")
    monkeypatch.setattr(workers, "BATCH_CHARACTERS", 2_500)
    batches = []
    monkeypatch.setattr(workers, "tag_batch", lambda items, scorer: batches.append(len(items)))
    monkeypatch.setattr(workers, "finish_batch", lambda items, table, scorer, run_id: BatchRows())
    config = load_config(None)
    planned = [plan_file(found, True) for found in discover([tmp_path], config.exclude, False)]
    no_models = SimpleNamespace(tone_model=SimpleNamespace(drift=None))
    list(workers.score_chunk(planned, config, no_models, "run"))
    assert [size for size in batches if size] == [3, 3]  # (a chunk ends with a call on what is left)


def _sample_files_and_scorer():
    from analyzer.engine.batch import Scorer
    from analyzer.engine.plan import plan_file
    from analyzer.ingest.source import discover
    from conftest import SAMPLES

    config = load_config(SAMPLES / "analyzer.toml")
    found = discover([SAMPLES.absolute()], config.exclude, config.follow_symlinks)
    planned = [plan_file(item, True) for item in found if not isinstance(item, str)]
    return planned, config, Scorer.from_config(config)


def test_tagging_the_next_batch_while_the_network_runs_gives_the_same_rows_in_the_same_order(monkeypatch):
    import analyzer.engine.workers as workers

    monkeypatch.setattr(workers, "BATCH_INTERACTIONS", 4)  # several batches in flight one after the other
    planned, config, scorer = _sample_files_and_scorer()
    one_after_the_other = workers.merged(workers.score_chunk(planned, config, scorer, "run"))
    overlapped = workers.merged(workers.score_chunk(planned, config, scorer, "run", overlap=True))
    assert len(overlapped.rows.sentences) > 20
    assert overlapped.rows == one_after_the_other.rows
    assert overlapped.error_rows == one_after_the_other.error_rows
    assert [f.planned.key for f in overlapped.files] == [f.planned.key for f in one_after_the_other.files]


def test_a_batch_failing_on_the_helper_thread_is_scored_one_by_one(monkeypatch):
    import analyzer.engine.workers as workers

    from conftest import fail_scoring_batches_with_department

    fail_scoring_batches_with_department(monkeypatch, "agency")
    planned, config, scorer = _sample_files_and_scorer()
    result = workers.merged(workers.score_chunk(planned, config, scorer, "run", overlap=True))
    unscorable = [row for row in result.error_rows if row["error_kind"] == "unscorable"]
    agency = [i for f in result.files for i in f.interactions if i.department == "agency"]
    assert unscorable and all("simulated scoring bug" in row["message"] for row in unscorable)
    assert not agency and result.rows.interactions
