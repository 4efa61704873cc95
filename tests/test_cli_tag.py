import json

from click.testing import CliRunner

from analyzer.cli import cli


def _tag(*args, input=None):
    return CliRunner().invoke(cli, ["tag", "--spans-only", *args], input=input)


def test_tag_marks_spans_in_each_sentence():
    result = _tag("Thank you for waiting. You failed to pay.")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "  1  [GRATITUDE: Thank you] for waiting."
    assert "[CUSTOMER_BLAME: You failed] to pay." in result.output


def test_tag_lists_cancelled_spans_with_the_reason():
    result = _tag("This was not your fault.")
    assert "(negated)" in result.output and "'your fault'  CUSTOMER_BLAME, not counted" in result.output


def test_tag_json_gives_labels_and_offsets_into_the_text():
    text = "I’m so sorry 😞 about this."
    payload = json.loads(_tag(text, "--json").output)
    span = payload["sentences"][0]["spans"][0]
    assert (span["label"], text[span["start"]:span["end"]]) == ("APOLOGY", "I’m so sorry")
    assert payload["model"]["version"].startswith("3.8")


def test_tag_reads_standard_input_with_a_dash():
    payload = json.loads(_tag("-", "--json", input="Please pay immediately.\n").output)
    assert [s["label"] for s in payload["sentences"][0]["spans"]] == ["SOFTENER", "PRESSURE"]


def test_tag_with_a_missing_model_is_one_line_and_exit_2():
    result = _tag("Hello", "--spacy-model", "en_no_such_model")
    assert result.exit_code == 2 and result.output.count("\n") == 1 and "pip install" in result.output
