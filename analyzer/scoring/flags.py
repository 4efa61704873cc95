"""Review flags: which rules fire on which company-side sentences, with the evidence.

Evidence offsets are character offsets into the stored turn text
(``interactions.turns[turn_index].text``), the same offsets the ``sentences``
dataset uses, so a reviewer sees the exact words.
"""

from __future__ import annotations

import hashlib

import pandas as pd

from analyzer.scoring.flag_rules import ADDRESSED_BLAME_PROBABILITY, SEVERITIES, FlagRule

FLAG_COLUMNS = ["flag_id", "interaction_id", "rule", "severity", "description", "n_sentences", "reasons", "evidence"]


def flag_id(interaction_id: str, rule: str) -> str:
    """Stable across runs, so a reviewer's verdict can be joined to the same flag tomorrow."""
    return hashlib.sha256(f"{interaction_id}\x1f{rule}".encode()).hexdigest()[:20]


def _is_addressed(sentence) -> bool:
    return (bool(sentence.second_person_subject) or (sentence.blame_p_customer or 0.0) >= ADDRESSED_BLAME_PROBABILITY
            or any(span["label"] == "CUSTOMER_BLAME" for span in sentence.spans))


def _evidence(sentence, start: int, end: int, trigger: str) -> dict:
    return {"turn_index": int(sentence.turn_index), "sentence_index": int(sentence.sentence_index),
            "start": int(start), "end": int(end),
            "text": sentence.text[start - sentence.start:end - sentence.start], "trigger": trigger}


def sentence_hits(sentence, rule: FlagRule) -> list[tuple[dict, str]]:
    """(evidence, reason) pairs for every trigger of ``rule`` in one sentence row."""
    if rule.addressed and not _is_addressed(sentence):
        return []
    hits = []
    for span in sentence.spans:
        if span["label"] in rule.labels:
            hits.append((_evidence(sentence, span["start"], span["end"], span["label"]),
                         f'{span["label"]} span "{span["text"]}"'))
    if rule.probability and sentence.n_words >= rule.min_words:
        head, _, label = rule.probability.partition(":")
        value = getattr(sentence, f"{head}_p_{label}")
        if value is not None and value >= rule.min_probability:
            hits.append((_evidence(sentence, sentence.start, sentence.end, rule.probability),
                         f"{rule.probability} probability {value:.2f} >= {rule.min_probability:.2f}"))
    found = []
    for pattern, term in zip(rule.patterns, rule.terms):
        for match in pattern.finditer(sentence.text):
            found.append((match.start(), match.end(), term))
    for start, end, term in _longest_first(found):
        hits.append((_evidence(sentence, sentence.start + start, sentence.start + end, f"term:{term}"),
                     f'term "{term}": "{sentence.text[start:end]}"'))
    return hits


def _longest_first(found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Matches that do not overlap a longer one (\"without paying\" inside \"keeping the goods without paying\")."""
    kept: list[tuple[int, int, str]] = []
    for start, end, term in sorted(found, key=lambda m: (m[0] - m[1], m[0])):
        if all(end <= s or start >= e for s, e, _ in kept):
            kept.append((start, end, term))
    return sorted(kept)


def find_flags(sentences: pd.DataFrame, rules: tuple[FlagRule, ...]) -> pd.DataFrame:
    """One row per (interaction, rule) that fired, with every piece of evidence in order."""
    by_interaction: dict[str, list] = {}
    if not sentences.empty:
        ordered = sentences.sort_values(["turn_index", "sentence_index"], kind="stable")
        for sentence in ordered.itertuples(index=False):
            by_interaction.setdefault(sentence.interaction_id, []).append(sentence)
    rows = []
    for interaction_id, own in by_interaction.items():
        for rule in rules:
            hits = [hit for sentence in own for hit in sentence_hits(sentence, rule)]
            if not hits:
                continue
            rows.append({"flag_id": flag_id(interaction_id, rule.name), "interaction_id": interaction_id,
                         "rule": rule.name, "severity": rule.severity, "description": rule.description,
                         "n_sentences": len({(e["turn_index"], e["sentence_index"]) for e, _ in hits}),
                         "reasons": list(dict.fromkeys(reason for _, reason in hits)),
                         "evidence": [evidence for evidence, _ in hits]})
    return pd.DataFrame(rows, columns=FLAG_COLUMNS)


def flag_summary(flags: pd.DataFrame) -> pd.DataFrame:
    """Per interaction: flagged, the rules that fired (in rule order), the highest severity, how many."""
    columns = ["interaction_id", "flagged", "flag_reasons", "max_severity", "n_flags"]
    if flags.empty:
        return pd.DataFrame(columns=columns)
    rank = {severity: i for i, severity in enumerate(SEVERITIES)}
    rows = []
    for interaction_id, own in flags.groupby("interaction_id", sort=False):
        rows.append({"interaction_id": interaction_id, "flagged": True, "flag_reasons": list(own["rule"]),
                     "max_severity": max(own["severity"], key=rank.__getitem__), "n_flags": len(own)})
    return pd.DataFrame(rows, columns=columns)
