"""Review flag rules: data a finance or quality reviewer can read and tune.

A rule fires on a company-side sentence when any of its triggers fires:
- ``labels``: a rule span with one of these labels (negated, reported and
  conditional spans never count);
- ``probability``: a model probability, written ``"head:class"`` (``"tone:hostile"``),
  at least ``min_probability``, on a sentence of at least ``min_words`` words (the
  model's reading of a two-word fragment such as "Of course." is not evidence);
- ``terms``: a word or phrase, case-insensitive, whole words; ``*`` stands for
  any letters ("steal*"); ``?`` marks an optional word ("keep? the goods").
With ``addressed = true`` a rule fires only on sentences aimed at the customer
(a customer-blame span, a second-person subject, or blame:customer >= 0.3), so
"we blocked a fraud attempt on your card" is not an accusation of fraud.

Every default below can be changed in the config's ``[flags.<rule>]`` table, a
rule is switched off with ``enabled = false``, and new rules are new tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from typing import Any

from analyzer.config import ConfigError
from analyzer.vocabulary import HEAD_CLASSES, SEVERITIES
from analyzer.vocabulary import SPAN_LABELS as LABELS

ADDRESSED_BLAME_PROBABILITY = 0.3


@dataclass(frozen=True)
class FlagRule:
    name: str
    description: str
    severity: str
    labels: tuple[str, ...] = ()
    probability: str | None = None  # "head:class"
    min_probability: float = 0.5
    min_words: int = 3
    terms: tuple[str, ...] = ()
    addressed: bool = False
    enabled: bool = True
    patterns: tuple[re.Pattern, ...] = field(default=(), compare=False, repr=False)

    def with_patterns(self) -> "FlagRule":
        return replace(self, patterns=tuple(term_pattern(term) for term in self.terms))


DEFAULT_RULES: tuple[FlagRule, ...] = (
    FlagRule("customer_blame", "says or implies that the customer is at fault", "high",
             # 0.4: best F1 on held-out written dev at precision >= 0.85 for tone-v2 (benchmarks/flag_thresholds.py)
             labels=("CUSTOMER_BLAME",), probability="blame:customer", min_probability=0.4),
    FlagRule("implied_crime", "implies the customer committed a crime (theft, fraud)", "critical",
             terms=("fraud", "fraudulent*", "fraudster*", "theft", "thief", "thieves", "steal*", "stole", "stolen",
                    "crime", "criminal*", "dishonest*", "scam*", "without paying", "keep*? the * without paying"),
             addressed=True),
    FlagRule("threat", "uses consequences as intimidation", "high", labels=("THREAT",)),
    FlagRule("false_urgency", "presses with false or extreme urgency", "medium", labels=("PRESSURE",)),
    FlagRule("deflection", "passes the problem on or apologizes without owning it", "medium",
             labels=("DEFLECTION", "NON_APOLOGY")),
    FlagRule("hostile_tone", "the tone model reads the sentence as hostile", "high",
             probability="tone:hostile", min_probability=0.6),
)


def term_pattern(term: str) -> re.Pattern:
    """A case-insensitive whole-word regex for a term ("steal*", "keep? the * without paying")."""
    parts = []
    for word in term.lower().split():
        optional = word.endswith("?")
        word = word.rstrip("?")
        if word == "*":
            piece = r"[^\W\d_]+"
        else:
            piece = re.escape(word).replace(r"\*", r"[^\W\d_]*")
        parts.append(f"(?:{piece}\\s+)?" if optional else f"{piece}\\s+")
    body = "".join(parts)
    body = body[:-3] if body.endswith("\\s+") else body
    return re.compile(rf"(?<![\w]){body}(?![\w])", re.IGNORECASE)


def build_rules(overrides: dict[str, dict[str, Any]], where: str = "config") -> tuple[FlagRule, ...]:
    """The default rules with the config's ``[flags.<rule>]`` tables applied; invalid values fail clearly."""
    rules = {rule.name: rule for rule in DEFAULT_RULES}
    allowed = [f.name for f in fields(FlagRule) if f.name not in ("name", "patterns")]
    for name, table in overrides.items():
        unknown = set(table) - set(allowed)
        if unknown:
            raise ConfigError(f"{where}: unknown key {sorted(unknown)[0]!r} in [flags.{name}]; allowed: {', '.join(allowed)}")
        base = rules.get(name) or FlagRule(name, description=f"custom rule {name}", severity="medium")
        values = {key: tuple(value) if isinstance(value, list) else value for key, value in table.items()}
        try:
            rules[name] = replace(base, **values)
        except TypeError as exc:
            raise ConfigError(f"{where}: [flags.{name}] {exc}") from None
        _check(rules[name], where)
        if name not in {rule.name for rule in DEFAULT_RULES} and not (
                rules[name].labels or rules[name].probability or rules[name].terms):
            raise ConfigError(f"{where}: [flags.{name}] needs at least one trigger: labels, probability or terms")
    return tuple(rule.with_patterns() for rule in rules.values() if rule.enabled)


def _check(rule: FlagRule, where: str) -> None:
    at = f"{where}: [flags.{rule.name}]"
    if rule.severity not in SEVERITIES:
        raise ConfigError(f"{at} severity must be one of {', '.join(SEVERITIES)}; got {rule.severity!r}")
    bad_labels = [label for label in rule.labels if label not in LABELS]
    if bad_labels:
        raise ConfigError(f"{at} labels: unknown span label {bad_labels[0]!r}; allowed: {', '.join(LABELS)}")
    if rule.probability is not None:
        head, _, label = str(rule.probability).partition(":")
        if label not in HEAD_CLASSES.get(head, ()):
            choices = ", ".join(f"{h}:{c}" for h, classes in HEAD_CLASSES.items() for c in classes)
            raise ConfigError(f"{at} probability must be one of {choices}; got {rule.probability!r}")
    if isinstance(rule.min_probability, bool) or not isinstance(rule.min_probability, (int, float)) \
            or not 0 < rule.min_probability <= 1:
        raise ConfigError(f"{at} min_probability must be a number in (0, 1]; got {rule.min_probability!r}")
    if isinstance(rule.min_words, bool) or not isinstance(rule.min_words, int) or rule.min_words < 0:
        raise ConfigError(f"{at} min_words must be a whole number >= 0; got {rule.min_words!r}")
    for key in ("addressed", "enabled"):
        if not isinstance(getattr(rule, key), bool):
            raise ConfigError(f"{at} {key} must be true or false; got {getattr(rule, key)!r}")
    if not all(isinstance(term, str) and term.strip() for term in rule.terms):
        raise ConfigError(f"{at} terms must be a list of non-empty strings")
    if not isinstance(rule.description, str):
        raise ConfigError(f"{at} description must be a string")
