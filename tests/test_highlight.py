"""Cutting a turn's text into highlighted pieces."""

from analyzer.report.highlight import Mark, pieces


def test_text_without_marks_is_one_plain_piece():
    assert [(p.text, p.labels) for p in pieces("Hello there.", [])] == [("Hello there.", ())]


def test_overlapping_marks_cut_the_text_at_every_boundary():
    text = "You have not paid and that is theft."
    result = pieces(text, [Mark(0, 36, "customer_blame"), Mark(30, 35, "implied_crime")])
    assert "".join(p.text for p in result) == text
    assert [(p.text, p.labels) for p in result] == [
        ("You have not paid and that is ", ("customer_blame",)),
        ("theft", ("customer_blame", "implied_crime")),
        (".", ("customer_blame",))]
    assert [p.ending for p in result] == [(), ("implied_crime",), ("customer_blame",)]


def test_marks_beyond_the_text_are_clipped():
    result = pieces("short", [Mark(2, 99, "threat")])
    assert [(p.text, p.labels) for p in result] == [("sh", ()), ("ort", ("threat",))]
