"""Where the models that ship with the package are, without importing anything heavy.

``models/`` in the repository is the source folder. A wheel installs it as the
data package ``analyzer.models`` (see ``pyproject.toml``), and an editable
install maps that package to ``models/``; in a plain source checkout (tests run
from the repository root) ``models/`` beside ``analyzer/`` is used.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from analyzer.errors import UsageError

DEFAULT_MODEL_NAME = "tone-v2"  # MiniLM fine-tuned end to end on both heads with the cue vector (onnxruntime)
LIGHT_MODEL_NAME = "tone-v1-light"  # tone-v1 without embeddings: faster, weaker
ENCODERS_FOLDER = "encoders"
MODEL_FILE = "model.skops"  # the scikit-learn pipeline (skops format) of a model folder
META_FILE = "meta.json"


class ModelFileError(UsageError):
    """A model folder is missing, incomplete, or not a model of this tool."""


def check_model_folder(folder: str | Path) -> Path:
    """The folder, if it has a model's files (their content is checked when the model loads)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ModelFileError(f"model folder not found: {folder}")
    if not (folder / MODEL_FILE).is_file() or not (folder / META_FILE).is_file():
        raise ModelFileError(f"{folder} is not a model folder: it needs {MODEL_FILE} and {META_FILE} "
                             "(make one with 'analyzer train')")
    return folder


def shipped_models_dir() -> Path:
    spec = importlib.util.find_spec("analyzer.models")
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return Path(__file__).resolve().parent.parent.parent / "models"


def default_model_dir() -> Path:
    """The shipped default tone model (every output row names the model version that scored it)."""
    return shipped_models_dir() / DEFAULT_MODEL_NAME


def encoder_dir(name: str) -> Path:
    return shipped_models_dir() / ENCODERS_FOLDER / name
