"""The rules against the hand-marked gold set (tests/gold/spans.txt)."""

from pathlib import Path

import pytest

from analyzer.nlp.evaluate_spans import evaluate_spans, parse_gold_line, read_gold
from analyzer.nlp.spans import LABELS

GOLD = Path(__file__).parent / "gold" / "spans.txt"


def test_gold_line_markup_becomes_text_and_offsets():
    text, spans = parse_gold_line("[[APOLOGY: I'm sorry]] about [[OWNERSHIP: our mistake]].")
    assert text == "I'm sorry about our mistake."
    assert [(text[a:b], label) for a, b, label in spans] == [("I'm sorry", "APOLOGY"), ("our mistake", "OWNERSHIP")]


def test_unknown_label_in_gold_is_rejected():
    with pytest.raises(ValueError, match="unknown span label"):
        parse_gold_line("[[RUDE: go away]]")


def test_gold_set_has_300_sentences_covering_every_label():
    gold = read_gold(GOLD)
    assert len(gold) >= 300
    labels = {label for sentence in gold for *_, label in sentence.spans}
    assert labels == set(LABELS)
    assert sum(1 for s in gold if not s.spans) >= 60  # hard negatives


def test_every_label_reaches_precision_0_9_and_recall_0_8_on_the_gold_set():
    from analyzer.nlp.model import load_pipeline

    result = evaluate_spans(load_pipeline(), read_gold(GOLD))
    below = {label: (round(s.precision, 3), round(s.recall, 3)) for label, s in result.overlap.items()
             if s.precision < 0.9 or s.recall < 0.8}
    assert below == {}
