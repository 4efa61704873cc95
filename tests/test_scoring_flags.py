import pytest

from analyzer.errors import ConfigError
from analyzer.scoring.flag_rules import DEFAULT_RULES, build_rules
from analyzer.scoring.flags import find_flags, flag_id, flag_summary
from scoring_frames import frame, sentence, span

RULES = build_rules({})


def _flags(rows, rules=RULES):
    return find_flags(frame(rows), rules)


def test_customer_blame_span_is_flagged_with_its_exact_offsets():
    text = "Our records show you failed to pay the March invoice."
    flags = _flags([sentence("m", text, start=40, spans=[span("CUSTOMER_BLAME", "you failed to pay", text, 40)])])
    evidence = flags.set_index("rule").loc["customer_blame", "evidence"][0]
    assert (evidence["start"], evidence["end"], evidence["text"]) == (57, 74, "you failed to pay")


def test_high_hostile_probability_flags_the_whole_sentence():
    text = "Frankly this is the third time you have wasted our time."
    flags = _flags([sentence("m", text, tone="hostile")])
    evidence = flags.set_index("rule").loc["hostile_tone", "evidence"][0]
    assert (evidence["start"], evidence["end"]) == (0, len(text)) and evidence["trigger"] == "tone:hostile"


def test_a_short_fragment_does_not_trigger_a_probability_rule():
    assert _flags([sentence("m", "Of course.", tone="hostile")]).empty


def test_a_warm_sentence_raises_no_flag():
    assert _flags([sentence("m", "I am so sorry about the mix-up with your order.", tone="empathetic")]).empty


def test_implied_crime_is_flagged_when_aimed_at_the_customer():
    text = "Keeping the clothes without paying is theft."
    flags = _flags([sentence("m", text, tone="hostile", blame="customer")])
    crime = flags.set_index("rule").loc["implied_crime"]
    assert crime["severity"] == "critical"
    assert [e["text"] for e in crime["evidence"]] == ["Keeping the clothes without paying", "theft"]


def test_crime_words_not_aimed_at_the_customer_are_not_an_accusation():
    text = "We blocked a fraud attempt on the card to keep your account safe."
    assert "implied_crime" not in set(_flags([sentence("m", text, tone="empathetic")])["rule"])


def test_a_rule_can_be_switched_off_in_the_config():
    text = "Pay immediately."
    rules = build_rules({"false_urgency": {"enabled": False}})
    assert _flags([sentence("m", text, spans=[span("PRESSURE", "immediately", text)])], rules).empty


def test_a_threshold_can_be_tuned_in_the_config():
    text = "Frankly this is the third time you have wasted our time."
    rules = build_rules({"hostile_tone": {"min_probability": 0.95}})
    assert _flags([sentence("m", text, tone="hostile")], rules).empty


def test_a_custom_terms_rule_can_be_added_in_the_config():
    rules = build_rules({"agency_mention": {"terms": ["collection agenc*"], "severity": "low"}})
    flags = _flags([sentence("m", "Your file goes to a collection agency next week.")], rules)
    assert list(flags["rule"]) == ["agency_mention"] and flags.iloc[0]["severity"] == "low"


@pytest.mark.parametrize("table,message", [
    ({"threat": {"labels": ["MENACE"]}}, "unknown span label 'MENACE'"),
    ({"threat": {"severity": "urgent"}}, "severity must be one of low, medium, high, critical"),
    ({"threat": {"treshold": 0.5}}, "unknown key 'treshold' in [flags.threat]"),
    ({"hostile_tone": {"probability": "tone:angry"}}, "probability must be one of"),
    ({"hostile_tone": {"min_probability": 2}}, "min_probability must be a number in (0, 1]"),
    ({"mine": {"severity": "low"}}, "needs at least one trigger"),
])
def test_an_invalid_flag_table_is_a_clear_config_error(table, message):
    with pytest.raises(ConfigError) as caught:
        build_rules(table)
    assert message in str(caught.value)


def test_flag_ids_are_stable_across_runs():
    assert flag_id("abc", "threat") == flag_id("abc", "threat") != flag_id("abc", "hostile_tone")


def test_an_interaction_takes_the_highest_severity_of_its_flags():
    text = "You failed to pay, so we will take legal action right now."
    flags = _flags([sentence("m", text, spans=[span("CUSTOMER_BLAME", "You failed to pay", text),
                                               span("PRESSURE", "right now", text)])])
    summary = flag_summary(flags).iloc[0]
    assert summary["max_severity"] == "high" and summary["flag_reasons"] == ["customer_blame", "false_urgency"]


def test_every_default_rule_has_a_description_and_a_trigger():
    for rule in DEFAULT_RULES:
        assert rule.description and (rule.labels or rule.probability or rule.terms), rule.name
