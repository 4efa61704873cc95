"""Scoring span rules against a hand-marked gold set.

Gold lines mark spans inline: ``[[APOLOGY: I'm so sorry]] about this.``
(lines starting with ``#`` and blank lines are skipped). A predicted span is
correct when it overlaps a gold span of the same label (each gold span counts
once); ``exact`` scores require identical character offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language

from analyzer.nlp.spans import LABELS, SPAN_KEY

_MARK = re.compile(r"\[\[([A-Z_]+): (.+?)\]\]")


@dataclass(frozen=True)
class GoldSentence:
    line: int
    text: str
    spans: tuple[tuple[int, int, str], ...]
    held_out: bool


def parse_gold_line(marked: str) -> tuple[str, list[tuple[int, int, str]]]:
    text, spans, cursor = [], [], 0
    position = 0
    for match in _MARK.finditer(marked):
        text.append(marked[cursor:match.start()])
        position += match.start() - cursor
        label, inner = match.group(1), match.group(2)
        if label not in LABELS:
            raise ValueError(f"unknown span label {label!r} in gold line {marked!r}; allowed: {LABELS}")
        spans.append((position, position + len(inner), label))
        text.append(inner)
        position += len(inner)
        cursor = match.end()
    text.append(marked[cursor:])
    return "".join(text), spans


def read_gold(path: str | Path) -> list[GoldSentence]:
    """Every third sentence (index % 3 == 2) is the held-out part."""
    sentences = []
    for number, raw in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        text, spans = parse_gold_line(raw.strip())
        sentences.append(GoldSentence(line=number, text=text, spans=tuple(spans), held_out=len(sentences) % 3 == 2))
    return sentences


@dataclass
class LabelScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class SpanEvaluation:
    overlap: dict[str, LabelScore] = field(default_factory=lambda: {label: LabelScore() for label in LABELS})
    exact: dict[str, LabelScore] = field(default_factory=lambda: {label: LabelScore() for label in LABELS})
    errors: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        def table(scores):
            return {label: {"precision": round(s.precision, 4), "recall": round(s.recall, 4), "f1": round(s.f1, 4),
                            "support": s.tp + s.fn, "predicted": s.tp + s.fp} for label, s in scores.items()}
        return {"overlap": table(self.overlap), "exact": table(self.exact)}


def _match(gold: list[tuple[int, int, str]], predicted: list[tuple[int, int, str]], same) -> tuple[int, list, list]:
    unmatched_gold = list(gold)
    false_positives = []
    tp = 0
    for p in predicted:
        hit = next((g for g in unmatched_gold if g[2] == p[2] and same(g, p)), None)
        if hit:
            unmatched_gold.remove(hit)
            tp += 1
        else:
            false_positives.append(p)
    return tp, false_positives, unmatched_gold


def evaluate_spans(nlp: Language, sentences: list[GoldSentence], span_key: str = SPAN_KEY) -> SpanEvaluation:
    result = SpanEvaluation()
    overlaps = lambda g, p: g[0] < p[1] and p[0] < g[1]  # noqa: E731
    identical = lambda g, p: g[:2] == p[:2]  # noqa: E731
    for sentence, doc in zip(sentences, nlp.pipe(s.text for s in sentences)):
        predicted = [(s.start_char, s.end_char, s.label_) for s in doc.spans.get(span_key, [])]
        gold = list(sentence.spans)
        for scores, same in ((result.overlap, overlaps), (result.exact, identical)):
            _, fps, fns = _match(gold, predicted, same)
            for label in LABELS:
                label_fp = sum(1 for p in fps if p[2] == label)
                label_fn = sum(1 for g in fns if g[2] == label)
                label_total = sum(1 for p in predicted if p[2] == label)
                scores[label].tp += label_total - label_fp
                scores[label].fp += label_fp
                scores[label].fn += label_fn
            if same is overlaps and (fps or fns):
                result.errors.append({"line": sentence.line, "text": sentence.text,
                                      "false_positives": [(doc.text[a:b], l) for a, b, l in fps],
                                      "missed": [(doc.text[a:b], l) for a, b, l in fns]})
    return result
