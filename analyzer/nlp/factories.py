"""Every spaCy factory of the package, registered in one place (as spaCy does in
``spacy/pipeline/factories.py``) and exposed through the ``spacy_factories``
entry point, so ``nlp.add_pipe("tone_phrases")`` works in any pipeline once the
package is installed.

Pipeline order: ``tone_phrases`` and ``tone_grammar`` tag, then ``tone_scope``
cancels negated, reported and conditional spans and resolves overlaps.
"""

from __future__ import annotations

from typing import Optional

from spacy.language import Language

from analyzer.nlp.cues import register_extensions
from analyzer.nlp.grammar_tagger import GrammarTagger
from analyzer.nlp.paragraphs import ParagraphSentences
from analyzer.nlp.phrase_tagger import PhraseTagger
from analyzer.nlp.span_scope import ScopeFilter
from analyzer.nlp.spans import SPAN_KEY

register_extensions()


@Language.factory("tone_phrases", assigns=["doc.spans"], default_config={"span_key": SPAN_KEY, "patterns_path": None})
def make_phrase_tagger(nlp: Language, name: str, *, span_key: str, patterns_path: Optional[str]) -> PhraseTagger:
    """Lexical tone spans (apology, empathy, deflection, threats...) from token patterns."""
    return PhraseTagger(nlp, name, span_key=span_key, patterns_path=patterns_path)


@Language.factory("tone_grammar", assigns=["doc.spans"], requires=["token.dep"],
                  default_config={"span_key": SPAN_KEY, "patterns_path": None})
def make_grammar_tagger(nlp: Language, name: str, *, span_key: str, patterns_path: Optional[str]) -> GrammarTagger:
    """Blame and ownership spans from dependency patterns ("you failed", "we charged you twice")."""
    return GrammarTagger(nlp, name, span_key=span_key, patterns_path=patterns_path)


@Language.factory("tone_scope", assigns=["doc.spans"], default_config={"span_key": SPAN_KEY})
def make_scope_filter(nlp: Language, name: str, *, span_key: str) -> ScopeFilter:
    """Cancels negated, reported and hypothetical spans; resolves overlaps."""
    register_extensions()
    return ScopeFilter(nlp, name, span_key=span_key)


@Language.factory("paragraph_sentences", assigns=["token.is_sent_start"])
def make_paragraph_sentences(nlp: Language, name: str) -> ParagraphSentences:
    """Sentence starts at blank lines and after a salutation line; add before the parser."""
    return ParagraphSentences(nlp, name)


TONE_COMPONENTS = ("tone_phrases", "tone_grammar", "tone_scope")
