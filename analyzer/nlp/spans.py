"""Span labels, span-group keys and small helpers shared by the components."""

from __future__ import annotations

import json
from importlib import resources

import srsly
from spacy.tokens import Doc, Span
from spacy.util import ensure_path

from analyzer.nlp.labels import LABELS  # noqa: F401  (re-exported: the components read it from here)

# doc.spans[SPAN_KEY] holds the spans that count; spans cancelled by the scope
# component move to doc.spans[f"{SPAN_KEY}_{reason}"] so a reviewer can see why.
SPAN_KEY = "tone_spans"
CANCEL_REASONS = ("negated", "reported", "conditional")


def cancelled_key(span_key: str, reason: str) -> str:
    return f"{span_key}_{reason}"


def load_package_json(name: str) -> dict:
    return json.loads(resources.files("analyzer.nlp").joinpath("data", name).read_text(encoding="utf-8"))


def add_spans(doc: Doc, span_key: str, spans: list[Span]) -> None:
    existing = list(doc.spans[span_key]) if span_key in doc.spans else []
    doc.spans[span_key] = existing + spans


def merge_overlapping(spans: list[Span]) -> list[Span]:
    """Overlapping spans of one label become their union ('I'm really sorry' + 'sorry about')."""
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        previous = next((m for m in reversed(merged) if m.label == span.label and span.start < m.end), None)
        if previous is None:
            merged.append(span)
        elif span.end > previous.end:
            merged[merged.index(previous)] = Span(span.doc, previous.start, span.end, label=span.label,
                                                  span_id=previous.id_)
    return sorted(merged, key=lambda s: (s.start, s.end))


class JsonRulesSerialization:
    """to/from bytes and disk for components whose state is one JSON document (``self.data``)."""

    rules_file = "rules.json"

    def _init_rules(self, nlp, name: str, span_key: str, patterns_path: str | None) -> None:
        """Shared constructor: the package's rules file, or the one the user names."""
        self.name = name
        self.span_key = span_key
        self.vocab = nlp.vocab
        self._load(srsly.read_json(patterns_path) if patterns_path else load_package_json(self.rules_file))

    def _load(self, data: dict) -> None:  # implemented by the component
        raise NotImplementedError

    def to_bytes(self, *, exclude=tuple()) -> bytes:
        return srsly.json_dumps(self.data).encode("utf-8")

    def from_bytes(self, data: bytes, *, exclude=tuple()):
        self._load(srsly.json_loads(data))
        return self

    def to_disk(self, path, *, exclude=tuple()) -> None:
        path = ensure_path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / self.rules_file, self.data)

    def from_disk(self, path, *, exclude=tuple()):
        self._load(srsly.read_json(ensure_path(path) / self.rules_file))
        return self
