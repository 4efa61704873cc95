"""No single input stops the night, leaks what is outside the drop, or hangs the run.

Each case is a generated drop run through the real engine (``analyzer.run``), and
each test is bounded by a timeout: a hang fails the test, it does not stall CI.
"""

import errno
import json
import os
import shutil

import pandas as pd
import pytest

from analyzer import run
from analyzer.config import config_from_dict
from analyzer.errors import OutputError
from conftest import SAMPLES

pytestmark = pytest.mark.timeout(120)

EMAIL = (b"From: billing@northwind.example\r\nTo: ann@example.com\r\nSubject: Your invoice\r\n"
         b"Date: Mon, 30 Mar 2026 09:00:00 +0000\r\n\r\n"
         b"Dear Ann,\r\n\r\nWe are sorry: our system charged you twice. The refund is on its way.\r\n\r\nKind regards,\r\nBilling\r\n")


@pytest.fixture
def config():
    return config_from_dict({"company": {"email_domains": ["northwind.example"]}})


def _drop(tmp_path):
    drop = tmp_path / "drop" / "billing"
    drop.mkdir(parents=True)
    (drop / "good.eml").write_bytes(EMAIL)
    return tmp_path / "drop"


def _run(tmp_path, drop, config, *inputs):
    return run(list(inputs) or [drop], tmp_path / "out", config, run_date="2026-03-31")


def _dataset(tmp_path, name):
    return pd.read_parquet(tmp_path / "out" / name)


def test_a_lone_surrogate_in_a_jsonl_line_is_stored_as_a_replacement_character(tmp_path, config):
    drop = _drop(tmp_path)
    (drop / "billing" / "chat.jsonl").write_text(
        '{"text": "hi \\ud800 there, we will refund you today", "role": "agent"}\n', encoding="utf-8")
    result = _run(tmp_path, drop, config)
    assert result.summary.published
    texts = [turn["text"] for turns in _dataset(tmp_path, "interactions")["turns"] for turn in turns]
    assert any("hi \ufffd there" in text for text in texts)


def test_a_file_name_that_is_not_utf8_is_published_with_its_bytes_escaped(tmp_path, config):
    drop = _drop(tmp_path)
    os.rename(drop / "billing" / "good.eml", os.path.join(os.fsencode(drop / "billing"), b"\xff\xfe.eml"))
    result = _run(tmp_path, drop, config)
    assert result.summary.published and result.exit_code == 0
    assert list(_dataset(tmp_path, "interactions")["relative_path"]) == ["billing/\\xff\\xfe.eml"]


def test_a_rerun_over_a_file_with_a_bad_name_scores_nothing(tmp_path, config):
    drop = _drop(tmp_path)
    os.rename(drop / "billing" / "good.eml", os.path.join(os.fsencode(drop / "billing"), b"\xff\xfe.eml"))
    _run(tmp_path, drop, config)
    assert _run(tmp_path, drop, config).summary.files_scored == 0


def test_a_fifo_in_the_drop_is_an_error_row_and_does_not_hang(tmp_path, config):
    drop = _drop(tmp_path)
    os.mkfifo(drop / "billing" / "pipe.txt")
    result = _run(tmp_path, drop, config)
    errors = _dataset(tmp_path, "errors")
    assert result.exit_code == 1 and list(errors["error_kind"]) == ["not_regular"]
    assert len(_dataset(tmp_path, "interactions")) == 1


def test_a_link_to_a_device_is_an_error_row_and_never_read_even_when_links_are_followed(tmp_path):
    drop = _drop(tmp_path)
    os.symlink("/dev/zero", drop / "billing" / "zero.txt")
    result = _run(tmp_path, drop, config_from_dict({"input": {"follow_symlinks": True}}))
    assert result.exit_code == 1 and list(_dataset(tmp_path, "errors")["error_kind"]) == ["not_regular"]


def test_a_link_to_a_file_outside_the_input_folder_is_not_followed(tmp_path, config):
    drop = _drop(tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("Dear customer,\n\nroot:x:0:0:root:/root:/bin/bash is our secret.\n")
    os.symlink(secret, drop / "billing" / "letter.txt")
    result = _run(tmp_path, drop, config)
    assert list(_dataset(tmp_path, "errors")["error_kind"]) == ["outside_root"]
    published = _dataset(tmp_path, "interactions").to_string() + _dataset(tmp_path, "sentences").to_string()
    assert "root:x:0:0" not in published and result.exit_code == 1


def test_a_link_outside_the_input_folder_is_read_when_the_config_allows_it(tmp_path):
    drop = _drop(tmp_path)
    secret = tmp_path / "outside.eml"
    shutil.copyfile(drop / "billing" / "good.eml", secret)
    os.symlink(secret, drop / "billing" / "linked.eml")
    config = config_from_dict({"input": {"follow_symlinks": True}})
    result = _run(tmp_path, drop, config)
    assert result.exit_code == 0 and len(_dataset(tmp_path, "interactions")) == 2


def test_a_link_inside_the_input_folder_to_another_input_file_is_read_once(tmp_path, config):
    drop = _drop(tmp_path)
    os.symlink(drop / "billing" / "good.eml", drop / "billing" / "again.eml")
    _run(tmp_path, drop, config)
    assert len(_dataset(tmp_path, "interactions")) == 1


def test_overlapping_inputs_score_each_file_once_under_the_outermost_folder(tmp_path, config):
    drop = _drop(tmp_path)
    result = _run(tmp_path, drop, config, drop / "billing" / "good.eml", drop / "billing", drop)
    interactions = _dataset(tmp_path, "interactions")
    assert result.summary.files_seen == 1
    assert list(interactions["relative_path"]) == ["billing/good.eml"]
    assert interactions["interaction_id"].is_unique


def test_a_full_disk_fails_the_run_with_exit_3_and_keeps_the_published_output(tmp_path, config, monkeypatch):
    drop = _drop(tmp_path)
    _run(tmp_path, drop, config)
    before = _dataset(tmp_path, "interactions")
    (drop / "billing" / "second.eml").write_bytes(EMAIL.replace(b"twice", b"three times"))

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("analyzer.io.datasets.pq.write_table", no_space)
    with pytest.raises(OutputError, match="No space left on device") as caught:
        _run(tmp_path, drop, config)
    assert caught.value.exit_code == 3
    pd.testing.assert_frame_equal(_dataset(tmp_path, "interactions"), before)


def test_a_full_disk_is_one_failed_json_line_from_the_cli(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from analyzer.cli import cli

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("analyzer.io.datasets.pq.write_table", no_space)
    result = CliRunner().invoke(cli, ["run", str(SAMPLES / "sales"), "--out", str(tmp_path / "out"),
                                      "--log-format", "json", "--quiet"])
    last = json.loads(result.output.strip().splitlines()[-1])
    assert result.exit_code == 3 and (last["event"], last["exit_code"]) == ("failed", 3)
    assert "Traceback" not in result.output


def test_an_interaction_whose_rows_the_schema_refuses_is_one_error_row(tmp_path, config, monkeypatch):
    from analyzer.engine import batch

    drop = _drop(tmp_path)
    (drop / "billing" / "other.eml").write_bytes(EMAIL.replace(b"Your invoice", b"Poison"))
    real_row = batch.interaction_row

    def poisoned(item, *args, **kwargs):
        row = real_row(item, *args, **kwargs)
        if item.subject == "Poison":
            row["sent_at"] = "not a timestamp"
        return row

    monkeypatch.setattr(batch, "interaction_row", poisoned)
    result = _run(tmp_path, drop, config)
    errors = _dataset(tmp_path, "errors")
    assert result.summary.published and list(errors["error_kind"]) == ["unscorable"]
    assert list(_dataset(tmp_path, "interactions")["subject"]) == ["Your invoice"]
