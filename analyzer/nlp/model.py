"""Loading the English spaCy model with the tone span components, in one place.

Which model is decided by :mod:`analyzer.nlp.resolve`. Only what the span
components need is loaded: the named-entity recognizer is left out.
"""

from __future__ import annotations

import warnings
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.util import get_minor_version, is_compatible_version

from analyzer.nlp.factories import TONE_COMPONENTS
from analyzer.nlp.resolve import MIRROR_MODEL, OFFICIAL_MODEL, ModelNotFoundError, resolve_model  # noqa: F401

EXCLUDED_COMPONENTS = ("ner",)


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
