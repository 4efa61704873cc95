import pytest

from analyzer.nlp.pattern_dsl import PatternSyntaxError, compile_pattern, compile_sequence


def test_plain_word_matches_lowercase_text():
    assert compile_pattern("Sorry") == [{"LOWER": "sorry"}]


def test_alternatives_become_an_in_list():
    assert compile_pattern("apologise|apologize") == [{"LOWER": {"IN": ["apologise", "apologize"]}}]


def test_apostrophe_words_also_match_the_typographic_apostrophe():
    assert compile_pattern("'m") == [{"LOWER": {"IN": ["'m", "’m"]}}]


@pytest.mark.parametrize("token, op", [("so?", "?"), ("so*", "*"), ("so+", "+"), ("_{0,3}", "{0,3}")])
def test_quantifier_suffixes_set_the_operator(token, op):
    assert compile_pattern(token)[0]["OP"] == op


def test_underscore_is_any_token():
    assert compile_pattern("our _ error")[1] == {}


def test_attribute_tokens_match_that_attribute():
    assert compile_pattern("POS:ADJ|ADV LEMMA:Pay") == [{"POS": {"IN": ["ADJ", "ADV"]}}, {"LEMMA": {"IN": ["pay"]}}]


def test_empty_pattern_is_rejected():
    with pytest.raises(PatternSyntaxError):
        compile_pattern("   ")


def test_sequences_for_lookahead_keep_alternatives():
    assert compile_sequence("to hear|learn") == (("to",), ("hear", "learn"))
