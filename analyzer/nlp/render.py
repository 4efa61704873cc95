"""Human-readable view of tagged sentences for a terminal (``analyzer tag``)."""

from __future__ import annotations

import click

from analyzer.nlp.tagging import TaggedSentence

COLORS = {"APOLOGY": "green", "NON_APOLOGY": "yellow", "OWNERSHIP": "green", "EMPATHY": "cyan",
          "GRATITUDE": "cyan", "CUSTOMER_BLAME": "red", "DEFLECTION": "yellow", "THREAT": "red",
          "PRESSURE": "magenta", "SOFTENER": "blue"}


def mark_spans(sentence: TaggedSentence, text: str) -> str:
    """The sentence with each span wrapped as [LABEL: words] (colored; click strips color off a terminal)."""
    out, cursor = [], sentence.start
    for span in sorted(sentence.spans, key=lambda s: (s.start, -s.end)):
        if span.start < cursor:
            continue  # a span inside one already shown is listed below instead
        out.append(text[cursor:span.start])
        out.append(click.style(f"[{span.label}: {text[span.start:span.end]}]", fg=COLORS.get(span.label), bold=True))
        cursor = span.end
    out.append(text[cursor:sentence.end])
    return "".join(out)


def render_sentences(sentences: list[TaggedSentence], text: str) -> str:
    lines = []
    for number, sentence in enumerate(sentences, start=1):
        lines.append(f"{number:>3}  {' '.join(mark_spans(sentence, text).split())}")
        if sentence.tone:
            lines.append(f"       tone {click.style(sentence.tone, bold=True)} ({sentence.tone_proba[sentence.tone]:.2f})"
                         f"   blame {click.style(sentence.blame, bold=True)} ({sentence.blame_proba[sentence.blame]:.2f})"
                         f"   [{_top(sentence.tone_proba)} | {_top(sentence.blame_proba)}]")
        for span in sentence.spans:
            lines.append(f"       {span.label:<15} {span.start:>5}-{span.end:<5} {span.text!r}  ({span.rule})")
        for span in sentence.cancelled:
            lines.append(f"       {'(' + span.cancelled_by + ')':<15} {span.start:>5}-{span.end:<5} "
                         f"{span.text!r}  {span.label}, not counted")
    return "\n".join(lines) if lines else "(no sentences)"


def _top(probabilities: dict) -> str:
    return " ".join(f"{label} {p:.2f}" for label, p in sorted(probabilities.items(), key=lambda kv: -kv[1]))
