"""Tests that use the real English model (installed as a package dependency)."""

import subprocess
import sys

import pytest
import spacy
from spacy.util import is_compatible_version

from analyzer.errors import UsageError
from analyzer.nlp.model import MIRROR_MODEL, OFFICIAL_MODEL, load_pipeline, model_info, resolve_model
from analyzer.nlp.spans import SPAN_KEY
from analyzer.nlp.tagging import tag_text


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


def _spans(doc, key=SPAN_KEY):
    return [(s.text, s.label_) for s in doc.spans[key]]


def test_loaded_model_is_en_core_web_sm_3_8_compatible_with_installed_spacy(nlp):
    info = model_info(nlp)
    assert info["name"] in (f"en_{OFFICIAL_MODEL[3:]}", f"en_{MIRROR_MODEL[3:]}")
    assert info["version"].startswith("3.8.")
    assert is_compatible_version(spacy.__version__, info["spacy_version"])


def test_only_the_needed_components_run(nlp):
    assert "ner" not in nlp.pipe_names
    assert nlp.pipe_names[-3:] == ["tone_phrases", "tone_grammar", "tone_scope"]


def test_resolution_prefers_an_explicit_model_and_rejects_a_missing_one():
    assert resolve_model(MIRROR_MODEL) == MIRROR_MODEL
    with pytest.raises(UsageError, match="pip install"):
        resolve_model("en_no_such_model")


def test_components_install_into_a_fresh_pipeline_through_the_entry_point():
    code = ("import spacy; nlp = spacy.load('%s', exclude=['ner']); "
            "[nlp.add_pipe(n) for n in ('tone_phrases', 'tone_grammar', 'tone_scope')]; "
            "d = nlp('You failed to pay.'); print([(s.text, s.label_) for s in d.spans['tone_spans']])") % MIRROR_MODEL
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert completed.stdout.strip() == "[('You failed', 'CUSTOMER_BLAME')]", completed.stderr


def test_saved_pipeline_loads_back_with_the_same_spans(nlp, tmp_path):
    text = "You ignored our letters. We charged you twice and I'm sorry. This was not your fault."
    nlp.to_disk(tmp_path / "pipeline")
    reloaded = spacy.load(tmp_path / "pipeline")
    before, after = nlp(text), reloaded(text)
    for key in (SPAN_KEY, f"{SPAN_KEY}_negated"):
        assert _spans(after, key) == _spans(before, key)


@pytest.mark.parametrize("text, expected", [
    ("You kept the clothes and never paid for them.", [("You kept the clothes and never paid", "CUSTOMER_BLAME")]),
    ("Your repeated failure to pay is unacceptable.", [("Your repeated failure", "CUSTOMER_BLAME")]),
    ("Our payment system charged your card twice.", [("Our payment system charged your card twice", "OWNERSHIP")]),
    ("If payment is not received within 7 days, we will take legal action.", [("legal action", "THREAT")]),
    ("I'll refund you immediately.", []),
    ("Payment is required immediately.", [("immediately", "PRESSURE")]),
])
def test_real_model_tags_the_hard_cases(nlp, text, expected):
    assert _spans(nlp(text)) == expected


@pytest.mark.parametrize("text, key", [
    ("We will not take legal action.", "negated"),
    ("You told us that you forgot to pay.", "reported"),
    ('The customer wrote "you failed to deliver".', "reported"),
    ("If you haven't paid yet, you can pay online.", "conditional"),
])
def test_real_model_cancels_spans_that_are_not_the_companys_words(nlp, text, key):
    doc = nlp(text)
    assert _spans(doc) == []
    assert doc.spans[f"{SPAN_KEY}_{key}"]


def test_offsets_round_trip_on_the_real_model(nlp):
    text = "Chère Inès 😞\r\nI’m so sorry: we charged you twice.\r\n\r\nYou failed to pay 💸 on time."
    for sentence in tag_text(nlp, text):
        assert text[sentence.start:sentence.end] == sentence.text
        for span in sentence.spans:
            assert text[span.start:span.end] == span.text
    assert sum(len(s.spans) for s in tag_text(nlp, text)) == 3


def test_blank_lines_and_salutations_start_sentences(nlp):
    text = "Ms Marin,\n\nYou failed to complete the payment and\nyou ignored our reminders.\n\nThis is not our problem."
    assert [s.text for s in tag_text(nlp, text)] == [
        "Ms Marin,", "You failed to complete the payment and\nyou ignored our reminders.", "This is not our problem."]
