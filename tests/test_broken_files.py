"""A drop of deliberately broken files: zero crashes, one errors row per broken file,
every good file beside them read."""

import pandas as pd
import pytest

from analyzer import run
from analyzer.config import config_from_dict
from broken_files import MAX_FILE_MB, make_broken_drop


@pytest.fixture(scope="module")
def broken_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("drop")
    expected, good = make_broken_drop(root)
    out = tmp_path_factory.mktemp("out")
    config = config_from_dict({"limits": {"max_file_mb": MAX_FILE_MB},
                               "company": {"email_domains": ["northwind.example"]}})
    result = run([root], out, config, run_date="2026-03-23")
    errors = pd.read_parquet(out / "errors")
    interactions = pd.read_parquet(out / "interactions")
    return expected, good, result, errors, interactions


def test_every_broken_file_has_exactly_one_errors_row(broken_run):
    expected, _, _, errors, _ = broken_run
    assert errors["relative_path"].value_counts().to_dict() == {path: 1 for path in expected}


def test_each_broken_file_gets_the_right_error_kind(broken_run):
    expected, _, _, errors, _ = broken_run
    assert dict(zip(errors["relative_path"], errors["error_kind"])) == expected


def test_every_good_file_beside_them_is_read(broken_run):
    _, good, _, _, interactions = broken_run
    assert sorted(set(interactions["relative_path"])) == good


def test_no_interaction_comes_from_a_broken_file(broken_run):
    expected, _, _, _, interactions = broken_run
    assert not set(interactions["relative_path"]) & set(expected)


def test_run_over_broken_files_reports_them_in_its_summary_and_exit_code(broken_run):
    expected, good, result, _, _ = broken_run
    assert result.summary.files_failed == len(expected)
    assert result.summary.files_seen == len(expected) + len(good)
    assert result.exit_code == 1


def test_error_rows_say_what_went_wrong(broken_run):
    _, _, _, errors, _ = broken_run
    assert errors["message"].str.len().min() > 10
    assert errors["run_id"].nunique() == 1
