"""Nightly semantics: incremental, idempotent, atomic, one writer at a time."""

import shutil

import pandas as pd
import pyarrow.parquet as pq
import pytest

from analyzer import run
from analyzer.errors import OutputBusyError
from conftest import SAMPLES

CONFIG = SAMPLES / "analyzer.toml"
FILES = ("support/email-refund-double-charge.eml", "billing/email-glitch-blame.eml",
         "agency/demand-letter-2.txt", "collections/reminder-1.txt")


@pytest.fixture
def drop(tmp_path):
    for relative in FILES:
        target = tmp_path / "drop" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SAMPLES / relative, target)
    return tmp_path / "drop"


def _published(out):
    """What readers see: the partition files of the current version."""
    current = out / "_current"
    return {path.relative_to(current): path.read_bytes() for path in current.rglob("part-0.parquet")}


def test_rerun_over_unchanged_input_scores_nothing_and_leaves_the_output_alone(drop, tmp_path):
    out = tmp_path / "out"
    run([drop], out, CONFIG, run_date="2026-04-01")
    before = _published(out)
    summary = run([drop], out, CONFIG, run_date="2026-04-01").summary
    assert (summary.files_scored, summary.files_unchanged, summary.published) == (0, 4, False)
    assert _published(out) == before


def test_changing_one_file_rescores_exactly_that_file(drop, tmp_path):
    out = tmp_path / "out"
    run([drop], out, CONFIG, run_date="2026-04-01")
    changed = drop / "collections" / "reminder-1.txt"
    changed.write_text(changed.read_text() + "\nWe are sorry for the confusion this caused.\n")
    summary = run([drop], out, CONFIG, run_date="2026-04-01").summary
    assert (summary.files_scored, summary.files_unchanged) == (1, 3)
    interactions = pd.read_parquet(out / "interactions")
    assert len(interactions) == 4 and interactions["interaction_id"].is_unique
    assert "sorry for the confusion" in interactions.set_index("relative_path").loc[
        "collections/reminder-1.txt", "turns"][0]["text"]


def test_full_refresh_scores_every_file_again(drop, tmp_path):
    out = tmp_path / "out"
    run([drop], out, CONFIG, run_date="2026-04-01")
    summary = run([drop], out, CONFIG, run_date="2026-04-01", full_refresh=True).summary
    assert summary.files_scored == 4 and summary.published


def test_a_later_run_date_holds_only_the_files_new_that_night(drop, tmp_path):
    out = tmp_path / "out"
    run([drop], out, CONFIG, run_date="2026-04-01")
    shutil.copy(SAMPLES / "sales/upgrade-offer.eml", drop / "support" / "upgrade-offer.eml")
    run([drop], out, CONFIG, run_date="2026-04-02")
    interactions = pd.read_parquet(out / "interactions")
    by_date = interactions.groupby(interactions["run_date"].astype(str))["relative_path"].apply(set).to_dict()
    assert by_date["2026-04-02"] == {"support/upgrade-offer.eml"} and len(by_date["2026-04-01"]) == 4


def test_the_same_input_gives_byte_identical_outputs_in_two_folders(drop, tmp_path):
    run([drop], tmp_path / "a", CONFIG, run_date="2026-04-01")
    run([drop], tmp_path / "b", CONFIG, run_date="2026-04-01")
    assert _published(tmp_path / "a") == _published(tmp_path / "b")


def test_a_second_run_on_a_locked_output_fails_clearly(drop, tmp_path):
    out = tmp_path / "out"
    from analyzer.io.store import OutputStore

    with OutputStore(out).lock():
        with pytest.raises(OutputBusyError, match="another run .* is writing to") as caught:
            run([drop], out, CONFIG, run_date="2026-04-01")
    assert caught.value.exit_code == 4


def test_a_run_waits_for_the_lock_when_asked(drop, tmp_path):
    import threading

    from analyzer.io.store import OutputStore

    out = tmp_path / "out"
    lock = OutputStore(out).lock().__enter__()
    threading.Timer(0.5, lock.__exit__, args=(None, None, None)).start()
    assert run([drop], out, CONFIG, run_date="2026-04-01", wait_seconds=30).summary.published


def test_a_publish_cut_short_before_its_switch_leaves_the_previous_output_whole(drop, tmp_path, monkeypatch):
    import analyzer.io.versions as versions

    out = tmp_path / "out"
    run([drop], out, CONFIG, run_date="2026-04-01")
    before = _published(out)
    (drop / "billing" / "late.eml").write_bytes((drop / "billing").joinpath(sorted(
        p.name for p in (drop / "billing").iterdir())[0]).read_bytes() + b"\nOne more line.\n")

    def crash(*args):
        raise KeyboardInterrupt  # the process dies with the new version built, just before the switch

    monkeypatch.setattr(versions, "switch", crash)
    with pytest.raises(KeyboardInterrupt):
        run([drop], out, CONFIG, run_date="2026-04-01")
    monkeypatch.undo()
    assert _published(out) == before
    summary = run([drop], out, CONFIG, run_date="2026-04-01").summary
    assert summary.files_scored == 1 and _published(out) != before


def test_every_dataset_switches_with_the_manifest_in_one_step(drop, tmp_path):
    out = tmp_path / "out"
    run([drop], out, CONFIG, run_date="2026-04-01")
    current = (out / "_current").resolve()
    assert current.parent.name == "_versions" and (current / "_manifest.parquet").is_file()
    for dataset in ("interactions", "sentences", "flags", "departments", "errors"):
        assert (out / dataset).is_symlink() and (out / dataset).resolve() == current / dataset


def test_an_output_folder_of_an_earlier_release_is_migrated_on_the_next_run(drop, tmp_path):
    out = tmp_path / "out"
    run([drop], out, CONFIG, run_date="2026-04-01")
    current = (out / "_current").resolve()
    for dataset in ("interactions", "sentences", "flags", "departments", "errors"):  # the old layout
        (out / dataset).unlink()
        shutil.copytree(current / dataset, out / dataset)
    (current / "_manifest.parquet").rename(out / "_state" / "manifest.parquet")
    (out / "_current").unlink()
    shutil.rmtree(out / "_versions")
    assert run([drop], out, CONFIG, run_date="2026-04-02").summary.files_scored == 0  # a no-op touches nothing
    shutil.copy(SAMPLES / "sales" / "crm-outreach.parquet", drop / "billing" / "crm.parquet")
    summary = run([drop], out, CONFIG, run_date="2026-04-02").summary
    assert summary.files_scored == 1 and (out / "interactions").is_symlink()
    dates = set(pd.read_parquet(out / "interactions")["run_date"].astype(str))
    assert dates == {"2026-04-01", "2026-04-02"}  # the earlier release's partition was carried over


def test_every_file_stores_the_run_id_model_version_and_config_digest(drop, tmp_path):
    run([drop], tmp_path / "out", CONFIG, run_date="2026-04-01")
    for path in (tmp_path / "out").rglob("part-0.parquet"):
        metadata = pq.read_schema(path).metadata
        for key in (b"analyzer.run_id", b"analyzer.model_version", b"analyzer.config_digest"):
            assert metadata.get(key), (path, key)


def test_kept_rows_of_replaced_files_are_garbage_collected(drop, tmp_path):
    out = tmp_path / "out"
    run([drop], out, CONFIG, run_date="2026-04-01")
    run([drop], out, CONFIG, run_date="2026-04-01", full_refresh=True)
    assert len(list((out / "_state" / "segments").iterdir())) == 1


def test_card_numbers_never_reach_the_outputs(tmp_path):
    drop = tmp_path / "drop" / "billing"
    drop.mkdir(parents=True)
    (drop / "declined.txt").write_text(
        "Dear customer,\n\nThe card 4111 1111 1111 1111 you gave us was declined. We are sorry for the trouble; "
        "please try another card when you have a moment.\n\nBilling team\n")
    run([tmp_path / "drop"], tmp_path / "out", CONFIG, run_date="2026-04-01")
    for path in (tmp_path / "out").rglob("*.parquet"):
        assert b"4111 1111 1111 1111" not in pq.read_table(path).to_pandas().to_csv().encode()
    assert pd.read_parquet(tmp_path / "out" / "interactions")["masked_card_numbers"].tolist() == [1]


def test_worker_processes_publish_the_same_bytes_as_one_process(drop, tmp_path):
    run([drop], tmp_path / "one", CONFIG, run_date="2026-04-01")
    run([drop], tmp_path / "two", CONFIG, run_date="2026-04-01", workers=2)
    assert _published(tmp_path / "one") == _published(tmp_path / "two")


def test_a_damaged_manifest_fails_clearly_and_full_refresh_rebuilds_it(drop, tmp_path):
    from analyzer.errors import OutputError

    out = tmp_path / "out"
    run([drop], out, CONFIG, run_date="2026-04-01")
    (out / "_current" / "_manifest.parquet").write_bytes(b"not parquet")
    with pytest.raises(OutputError, match="--full-refresh"):
        run([drop], out, CONFIG, run_date="2026-04-01")
    assert run([drop], out, CONFIG, run_date="2026-04-01", full_refresh=True).summary.files_scored == 4
    assert run([drop], out, CONFIG, run_date="2026-04-01").summary.files_scored == 0


def test_a_record_that_fails_to_score_becomes_an_error_row_and_the_rest_is_scored(drop, tmp_path, monkeypatch):
    from conftest import fail_scoring_batches_with_department

    fail_scoring_batches_with_department(monkeypatch, "agency")
    result = run([drop], tmp_path / "out", CONFIG, run_date="2026-04-01")
    errors = pd.read_parquet(tmp_path / "out" / "errors")
    assert list(errors["error_kind"]) == ["unscorable"] and "simulated scoring bug" in errors["message"][0]
    assert list(errors["relative_path"]) == ["agency/demand-letter-2.txt"]
    assert len(pd.read_parquet(tmp_path / "out" / "interactions")) == 3 and result.exit_code == 1
