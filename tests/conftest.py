"""Shared fixtures: tiny input files written into tmp_path and read back."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.config import Config, config_from_dict
from analyzer.errors import InputFileError
from analyzer.ingest.reader import read_source
from analyzer.ingest.records import Interaction
from analyzer.ingest.source import SourceFile

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "data" / "samples"


@pytest.fixture
def config() -> Config:
    return config_from_dict({"company": {"email_domains": ["northwind.example"]}})


@pytest.fixture
def write(tmp_path):
    """write('support/a.eml', content) -> SourceFile rooted at tmp_path."""

    def _write(relative: str, content: str | bytes) -> SourceFile:
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
        return SourceFile(path=path, relative_path=relative)

    return _write


def read_all(source: SourceFile, config: Config) -> tuple[list[Interaction], list[InputFileError]]:
    items = list(read_source(source, config))
    return ([i for i in items if isinstance(i, Interaction)], [i for i in items if isinstance(i, InputFileError)])


def read_one(source: SourceFile, config: Config) -> Interaction:
    interactions, errors = read_all(source, config)
    assert not errors, [f"{e.kind}: {e.message}" for e in errors]
    assert len(interactions) == 1, interactions
    return interactions[0]


def read_error(source: SourceFile, config: Config) -> InputFileError:
    interactions, errors = read_all(source, config)
    assert not interactions, interactions
    assert len(errors) == 1, [f"{e.kind}: {e.message}" for e in errors]
    return errors[0]


def fail_scoring_batches_with_department(monkeypatch, department: str) -> None:
    """Make the model and scoring stage fail on any batch holding an interaction of ``department``."""
    import analyzer.engine.workers as workers

    real_finish_batch = workers.finish_batch

    def failing(items, table, scorer, run_id):
        if any(item.department == department for item in items):
            raise RuntimeError("simulated scoring bug")
        return real_finish_batch(items, table, scorer, run_id)

    monkeypatch.setattr(workers, "finish_batch", failing)
