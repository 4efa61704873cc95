"""Component ``tone_grammar``: spans that need grammar (``DependencyMatcher``).

Who failed whom: a second-person subject of a failure verb ("you failed",
"you ignored", "you never paid"), possessive blame ("your failure to"), and
first-person ownership ("we charged you twice", "our courier missed"). Rules
live in ``data/grammar.json`` and travel with the pipeline. Needs a dependency
parse; on an unparsed doc (``spacy.blank``) the component adds nothing.
"""

from __future__ import annotations

import copy

from spacy.language import Language
from spacy.matcher import DependencyMatcher
from spacy.tokens import Doc, Span, Token

from analyzer.nlp.spans import LABELS, JsonRulesSerialization, add_spans, merge_overlapping


class GrammarTagger(JsonRulesSerialization):
    rules_file = "grammar.json"

    def __init__(self, nlp: Language, name: str, *, span_key: str, patterns_path: str | None = None):
        self._init_rules(nlp, name, span_key, patterns_path)

    def _load(self, data: dict) -> None:
        self.data = data
        self.sets = {name: [v.lower() for v in values] for name, values in data.get("sets", {}).items()}
        self.rules = {rule["id"]: rule for rule in data["rules"]}
        self.matcher = DependencyMatcher(self.vocab, validate=True)
        for rule in data["rules"]:
            if rule["label"] not in LABELS:
                raise ValueError(f"grammar rule {rule['id']!r}: unknown label {rule['label']!r}; allowed: {LABELS}")
            self.matcher.add(rule["id"], [self._expand(rule["pattern"], rule["id"])])

    def _expand(self, pattern: list[dict], rule_id: str) -> list[dict]:
        """Replace ``{"IN": "SET_NAME"}`` with the named word list from ``sets``."""
        pattern = copy.deepcopy(pattern)
        for node in pattern:
            for value in node.get("RIGHT_ATTRS", {}).values():
                if isinstance(value, dict) and isinstance(value.get("IN"), str):
                    if value["IN"] not in self.sets:
                        raise ValueError(f"grammar rule {rule_id!r} names an unknown set {value['IN']!r}")
                    value["IN"] = self.sets[value["IN"]]
        return pattern

    def __call__(self, doc: Doc) -> Doc:
        if not doc.has_annotation("DEP"):
            return doc
        spans = []
        for match_id, token_ids in self.matcher(doc):
            rule = self.rules[self.vocab.strings[match_id]]
            anchor = doc[token_ids[self._anchor_index(rule)]]
            if self._vetoed(anchor, rule.get("veto", {})):
                continue
            spans.append(Span(doc, min(token_ids), max(token_ids) + 1, label=rule["label"], span_id=rule["id"]))
        add_spans(doc, self.span_key, merge_overlapping(spans))
        return doc

    @staticmethod
    def _anchor_index(rule: dict) -> int:
        return next(i for i, node in enumerate(rule["pattern"]) if node["RIGHT_ID"] == "anchor")

    def _vetoed(self, anchor: Token, veto: dict) -> bool:
        """``{"aux": "HEDGES"}``: a child with that dependency and a word of that set cancels the match;
        ``{"nsubj": "*"}``: any child with that dependency does."""
        for dep, words in veto.items():
            for child in anchor.children:
                if child.dep_ == dep and (words == "*" or child.lower_ in self.sets.get(words, ())):
                    return True
        return False
