"""The span components in a blank English pipeline: no trained model needed."""

import json

import pytest
import spacy
from spacy.tokens import Doc

import analyzer.nlp.factories  # noqa: F401  (registers the factories in this process)
from analyzer.nlp.spans import SPAN_KEY


@pytest.fixture(scope="module")
def nlp():
    pipeline = spacy.blank("en")
    pipeline.add_pipe("sentencizer")
    pipeline.add_pipe("tone_phrases")
    pipeline.add_pipe("tone_grammar")
    pipeline.add_pipe("tone_scope")
    return pipeline


def _spans(doc, key=SPAN_KEY):
    return [(s.text, s.label_) for s in doc.spans[key]]


def test_phrase_rules_tag_labelled_spans(nlp):
    assert _spans(nlp("Thank you so much, and I'm really sorry about the wait.")) == [
        ("Thank you so much", "GRATITUDE"), ("I'm really sorry about", "APOLOGY")]


def test_typographic_apostrophes_match(nlp):
    assert _spans(nlp("I’m so sorry")) == [("I’m so sorry", "APOLOGY")]


def test_longest_match_of_one_label_wins(nlp):
    assert _spans(nlp("We apologise for any inconvenience.")) == [("apologise for any inconvenience", "NON_APOLOGY")]


def test_not_followed_by_vetoes_a_match(nlp):
    assert _spans(nlp("Thanks to the storm, deliveries are late.")) == []


def test_sorry_to_hear_is_empathy_not_apology(nlp):
    assert _spans(nlp("I'm so sorry to hear that.")) == [("sorry to hear", "EMPATHY")]


def test_non_apology_takes_precedence_over_apology(nlp):
    assert _spans(nlp("I'm sorry if you were confused.")) == [("sorry if", "NON_APOLOGY")]


def test_quoted_words_are_reported_not_counted(nlp):
    doc = nlp('Just reply "yes please" and it is done.')
    assert _spans(doc) == []
    assert _spans(doc, f"{SPAN_KEY}_reported") == [("please", "SOFTENER")]


def test_grammar_rules_need_a_parse_and_add_nothing_without_one(nlp):
    assert _spans(nlp("You failed to pay.")) == []


def test_touching_spans_of_one_label_merge(nlp):
    assert _spans(nlp("I understand this is stressful.")) == [("I understand this is stressful", "EMPATHY")]


def test_custom_pattern_file_replaces_the_package_rules(tmp_path):
    rules = {"rules": [{"id": "cheers", "label": "GRATITUDE", "patterns": ["cheers"]}]}
    path = tmp_path / "phrases.json"
    path.write_text(json.dumps(rules))
    custom = spacy.blank("en")
    custom.add_pipe("tone_phrases", config={"patterns_path": str(path)})
    doc = custom("Cheers, thank you!")
    assert _spans(doc) == [("Cheers", "GRATITUDE")]


def test_unknown_label_in_a_pattern_file_is_rejected(tmp_path):
    path = tmp_path / "phrases.json"
    path.write_text(json.dumps({"rules": [{"id": "x", "label": "RUDENESS", "patterns": ["rude"]}]}))
    with pytest.raises(ValueError, match="unknown label 'RUDENESS'"):
        spacy.blank("en").add_pipe("tone_phrases", config={"patterns_path": str(path)})


def test_bad_setting_type_fails_when_the_component_is_added():
    with pytest.raises(Exception, match="span_key"):
        spacy.blank("en").add_pipe("tone_phrases", config={"span_key": ["not", "a", "string"]})


def test_pipeline_with_components_saves_and_loads_with_the_same_spans(nlp, tmp_path):
    text = "Sorry for any inconvenience. Thanks! Please pay today."
    nlp.to_disk(tmp_path / "pipeline")
    reloaded = spacy.load(tmp_path / "pipeline")
    assert _spans(reloaded(text)) == _spans(nlp(text))
    assert (tmp_path / "pipeline" / "tone_phrases" / "phrases.json").exists()


def test_component_state_round_trips_through_bytes(nlp):
    tagger = nlp.get_pipe("tone_phrases")
    data = tagger.to_bytes()
    fresh = spacy.blank("en").add_pipe("tone_phrases")
    assert fresh.from_bytes(data).data == tagger.data


def test_span_offsets_round_trip_with_emoji_accents_and_windows_line_endings(nlp):
    text = "Bonjour Françoise 😞\r\nI'm so sorry, café lover.\r\n\r\nThank you 🙏 for waiting."
    doc = nlp(text)
    assert doc.text == text
    assert len(doc.spans[SPAN_KEY]) == 2
    for span in doc.spans[SPAN_KEY]:
        assert text[span.start_char:span.end_char] == span.text


def _parsed_doc(nlp, words, heads, deps, tags, lemmas):
    doc = Doc(nlp.vocab, words=words, heads=heads, deps=deps, tags=tags, lemmas=lemmas,
              pos=["VERB" if t.startswith("VB") else "PRON" if t.startswith("PRP") else "X" for t in tags])
    for name in ("tone_phrases", "tone_grammar", "tone_scope"):
        doc = nlp.get_pipe(name)(doc)
    return doc


def test_grammar_rule_finds_second_person_failure_on_a_parsed_doc(nlp):
    doc = _parsed_doc(nlp, ["You", "ignored", "our", "letters", "."], [1, 1, 3, 1, 1],
                      ["nsubj", "ROOT", "poss", "dobj", "punct"], ["PRP", "VBD", "PRP$", "NNS", "."],
                      ["you", "ignore", "our", "letter", "."])
    assert _spans(doc) == [("You ignored", "CUSTOMER_BLAME")]
    assert doc[0:5]._.second_person_failure


def test_negation_moves_a_span_to_the_negated_group(nlp):
    doc = _parsed_doc(nlp, ["It", "was", "not", "your", "fault", "."], [1, 1, 1, 4, 1, 1],
                      ["nsubj", "ROOT", "neg", "poss", "attr", "punct"], ["PRP", "VBD", "RB", "PRP$", "NN", "."],
                      ["it", "be", "not", "your", "fault", "."])
    assert _spans(doc) == []
    assert _spans(doc, f"{SPAN_KEY}_negated") == [("your fault", "CUSTOMER_BLAME")]
    assert doc[0:6]._.negated_spans == 1


def test_reported_speech_is_not_the_companys_words(nlp):
    words = ["You", "said", "we", "lost", "it", "."]
    doc = _parsed_doc(nlp, words, [1, 1, 3, 1, 3, 1], ["nsubj", "ROOT", "nsubj", "ccomp", "dobj", "punct"],
                      ["PRP", "VBD", "PRP", "VBD", "PRP", "."], ["you", "say", "we", "lose", "it", "."])
    assert _spans(doc) == []
    assert _spans(doc, f"{SPAN_KEY}_reported") == [("we lost", "OWNERSHIP")]


def test_company_reporting_its_own_words_still_counts(nlp):
    words = ["We", "said", "we", "lost", "it", "."]
    doc = _parsed_doc(nlp, words, [1, 1, 3, 1, 3, 1], ["nsubj", "ROOT", "nsubj", "ccomp", "dobj", "punct"],
                      ["PRP", "VBD", "PRP", "VBD", "PRP", "."], ["we", "say", "we", "lose", "it", "."])
    assert _spans(doc) == [("we lost", "OWNERSHIP")]


def test_blame_in_an_if_clause_is_conditional(nlp):
    words = ["If", "you", "forgot", ",", "call", "us", "."]
    doc = _parsed_doc(nlp, words, [2, 2, 4, 4, 4, 4, 4], ["mark", "nsubj", "advcl", "punct", "ROOT", "dobj", "punct"],
                      ["IN", "PRP", "VBD", ",", "VB", "PRP", "."], ["if", "you", "forget", ",", "call", "we", "."])
    assert _spans(doc, f"{SPAN_KEY}_conditional") == [("you forgot", "CUSTOMER_BLAME")]


def test_imperative_and_modal_cues(nlp):
    doc = _parsed_doc(nlp, ["Could", "you", "pay", "?"], [2, 2, 2, 2], ["aux", "nsubj", "ROOT", "punct"],
                      ["MD", "PRP", "VB", "."], ["could", "you", "pay", "?"])
    sentence = doc[0:4]
    assert sentence._.modal_softening and sentence._.second_person_subject and not sentence._.imperative
    order = _parsed_doc(nlp, ["Pay", "now", "."], [0, 0, 0], ["ROOT", "advmod", "punct"], ["VB", "RB", "."],
                        ["pay", "now", "."])
    assert order[0:3]._.imperative
    assert _spans(order) == [("now", "PRESSURE")]
    assert order[0:3]._.tone_counts["PRESSURE"] == 1
