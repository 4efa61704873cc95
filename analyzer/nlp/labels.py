"""The span labels of docs/labeling.md (no spaCy import, so pure layers can use them); defined in
``analyzer.vocabulary``."""

from analyzer.vocabulary import SPAN_LABELS as LABELS  # noqa: F401  (re-exported for the nlp layer)
