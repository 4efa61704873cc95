import pandas as pd
import pytest

from analyzer.scoring.empathy import interaction_scores
from scoring_frames import frame, sentence, span

LONG = "We have looked at your account and here is what happens next with it"


def _score(rows, direction="outbound", sides_known=True, min_words=8):
    interactions = pd.DataFrame({"interaction_id": ["m"], "direction": [direction], "sides_known": [sides_known]})
    sentences = frame(rows) if rows else pd.DataFrame(columns=["interaction_id"])
    return interaction_scores(interactions, sentences, min_words).iloc[0]


@pytest.mark.parametrize("better,worse", [("empathetic", "neutral"), ("neutral", "curt"), ("curt", "hostile")])
def test_warmer_tone_scores_higher(better, worse):
    assert _score([sentence("m", LONG, tone=better)])["empathy_score"] > _score([sentence("m", LONG, tone=worse)])["empathy_score"]


def test_customer_blame_lowers_the_score():
    assert _score([sentence("m", LONG, blame="customer")])["empathy_score"] < _score([sentence("m", LONG)])["empathy_score"]


def test_ownership_raises_the_score():
    text = "We made a mistake on your bill and we have already fixed it for you"
    owned = [sentence("m", text, blame="company", spans=[span("OWNERSHIP", "We made a mistake", text)])]
    assert _score(owned)["empathy_score"] > _score([sentence("m", text)])["empathy_score"]


def test_a_threat_span_lowers_the_score():
    text = "If this is not paid we will take legal action against you this month"
    threat = [sentence("m", text, spans=[span("THREAT", "legal action", text)])]
    assert _score(threat)["empathy_score"] < _score([sentence("m", text)])["empathy_score"]


def test_repeating_a_message_does_not_change_its_score():
    message = [sentence("m", LONG, tone="empathetic"), sentence("m", LONG, tone="curt", blame="customer")]
    assert _score(message * 3)["empathy_score"] == _score(message)["empathy_score"]


def test_neutral_boilerplate_weighs_less_than_a_threat():
    threat = sentence("m", LONG, tone="hostile")
    diluted = _score([threat] + [sentence("m", LONG)] * 3)["empathy_score"]
    assert diluted < 35  # three neutral lines do not pull one hostile line back to the middle (50)


def test_scores_stay_between_0_and_100():
    text = "You failed to pay and we will take legal action against you and tell your employer"
    worst = sentence("m", text, tone="hostile", blame="customer",
                     spans=[span("CUSTOMER_BLAME", "You failed to pay", text), span("THREAT", "legal action", text)])
    best = sentence("m", LONG, tone="empathetic", blame="company", spans=[span("APOLOGY", "We have", LONG)])
    assert _score([worst])["empathy_score"] == 0.0 and _score([best])["empathy_score"] == 100.0


def test_inbound_message_is_not_applicable():
    row = _score([sentence("m", LONG)], direction="inbound")
    assert not row["applicable"] and row["empathy_score"] is None and row["not_applicable_reason"] == "inbound"


def test_internal_mail_keeps_its_score_but_is_not_applicable():
    row = _score([sentence("m", LONG)], direction="internal")
    assert not row["applicable"] and row["not_applicable_reason"] == "internal"
    assert row["empathy_score"] is not None


def test_too_little_company_text_is_not_applicable_rather_than_scored():
    row = _score([sentence("m", "Noted, thanks.")], min_words=8)
    assert not row["applicable"] and row["empathy_score"] is None and row["not_applicable_reason"] == "too_short"


def test_unknown_sides_are_reported_as_the_reason_for_no_score():
    assert _score([], direction="unknown", sides_known=False)["not_applicable_reason"] == "sides_unknown"


def test_counts_follow_the_sentence_labels():
    text = "I am so sorry about the trouble this caused you this week"
    row = _score([sentence("m", text, tone="empathetic", spans=[span("APOLOGY", "I am so sorry", text)]),
                  sentence("m", LONG, tone="curt", blame="customer")])
    assert (row["n_sentences"], row["n_empathetic"], row["n_curt"], row["n_customer_blame"], row["n_apologies"]) == \
        (2, 1, 1, 1, 1)
