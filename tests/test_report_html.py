"""The HTML report: self-contained, every department with its interval, message text escaped."""

import re

import pytest
from report_frames import department, frames, interaction, sentence, span

from analyzer.config import config_from_dict
from analyzer.report.document import build_document
from analyzer.report.highlight import highlight
from analyzer.report.page import render_page

HOSTILE = "<script>alert(1)</script> You <b>never</b> pay on time."
CONFIG = config_from_dict({"report": {"partners": ["agency"], "min_scored": 3}})


@pytest.fixture(scope="module")
def page():
    rows = department("support", [80, 75, 90, 85]) + department("agency", [20, 30, 25]) \
        + department("billing", [55, 50]) \
        + [interaction("evil", "billing", 5.0, subject="<img src=x onerror=alert(2)>"),
           interaction("memo", "billing", None, direction="internal")]
    sentences = [sentence("evil", HOSTILE, [span("CUSTOMER_BLAME", "You <b>never</b> pay", HOSTILE)], valence=-0.9)]
    interactions, sentences = frames(rows, sentences)
    return render_page(build_document(interactions, sentences, CONFIG, "2026-11-01 to 2026-11-30"))


def test_the_page_fetches_nothing_and_runs_no_script(page):
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, flags=re.IGNORECASE)
    assert "<script" not in page.lower() and "<link" not in page.lower() and "@import" not in page


def test_message_text_and_subjects_are_escaped(page):
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page and "<img" not in page


def test_every_department_is_shown_with_its_interval(page):
    for name in ("support", "agency", "billing"):
        assert re.search(rf"<td>{name}[^<]*(<span[^>]*>[^<]*</span>)?</td>\s*<td>\d+</td><td>[\d.]+</td><td>[\d.]+-[\d.]+</td>",
                         page), name


def test_partners_are_marked(page):
    assert "agency (partner)" in page


def test_a_department_below_min_scored_gets_a_visible_caveat(page):
    assert "Fewer than 3 scored messages in" not in page  # billing has 3 scored: no caveat for it
    rows = department("support", [80, 75, 90]) + department("sales", [40])
    interactions, sentences = frames(rows)
    small = render_page(build_document(interactions, sentences, CONFIG, "all runs"))
    assert "Fewer than 3 scored messages in sales" in small and "(small sample)" in small


def test_internal_mail_is_counted_apart(page):
    internal = page[page.index("Internal mail (colleague to colleague)"):]
    assert re.search(r"<td>billing</td><td>1</td><td>0</td>", internal)


def test_each_chart_has_a_text_title(page):
    assert len(re.findall(r"<svg[^>]*role=\"img\"[^>]*>\s*<title id=", page)) == 3


def test_flagged_spans_are_highlighted_with_offsets_relative_to_the_sentence():
    text = "Thanks. You failed to pay."
    marked = highlight(text[8:], 8, [span("CUSTOMER_BLAME", "You failed to pay", text)])
    assert str(marked) == '<mark class="span-customer_blame" title="CUSTOMER_BLAME">You failed to pay</mark>.'


def test_a_highlighted_span_is_escaped_too():
    marked = highlight(HOSTILE, 0, [span("CUSTOMER_BLAME", "<b>never</b>", HOSTILE)])
    assert "&lt;b&gt;never&lt;/b&gt;</mark>" in str(marked) and "<b>" not in str(marked)
