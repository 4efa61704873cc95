"""Reviewers' label corrections and flag verdicts as a label file that 'analyzer train' reads as it is."""

import json

import pandas as pd
import pytest
from click.testing import CliRunner
from review_drop import LIGHT_TRAINING, output_copy, scored_drop

from analyzer.cli import cli
from analyzer.engine.review import published_sentences, record_labels, record_verdicts
from analyzer.engine.verdict_export import export_training_labels, training_labels
from analyzer.errors import UsageError
from analyzer.io.store import OutputStore
from analyzer.io.verdict_store import VerdictStore
from analyzer.model.labels import hash_split, read_label_file

HOSTILE = "collections/email-hostile.eml"
@pytest.fixture
def out(tmp_path_factory, tmp_path):
    scored_drop(tmp_path_factory)
    return output_copy(tmp_path)

def _flag(out, rule, path=HOSTILE):
    flags = OutputStore(out).read("flags").to_pandas()
    return flags[(flags["rule"] == rule) & (flags["relative_path"] == path)].iloc[0]


def _sentence(out, iid, index):
    return published_sentences(out).loc[(iid, index)]


def test_a_confirmed_customer_blame_flag_labels_its_evidence_sentences_blame_customer(out):
    flag = _flag(out, "customer_blame")
    record_verdicts(out, [flag["flag_id"]], "confirmed", "A. Jones")
    rows, exported = training_labels(out)
    evidence = sorted({int(e["sentence_index"]) for e in flag["evidence"]})
    assert list(rows["sentence_index"]) == evidence and exported.from_verdicts == len(evidence)
    assert set(rows["blame"]) == {"customer"} and set(rows["verdict"]) == {"confirmed"}
    for row in rows.itertuples():  # the other head keeps the model's label
        assert row.tone == _sentence(out, flag["interaction_id"], row.sentence_index)["tone"]


def test_a_dismissed_hostile_tone_flag_labels_the_models_most_probable_other_tone(out):
    flag = _flag(out, "hostile_tone")
    record_verdicts(out, [flag["flag_id"]], "dismissed", "A. Jones")
    rows, _ = training_labels(out)
    assert len(rows) > 0
    for row in rows.itertuples():
        sentence = _sentence(out, flag["interaction_id"], row.sentence_index)
        others = {tone: sentence[f"tone_p_{tone}"] for tone in ("empathetic", "neutral", "curt")}
        assert row.tone == max(others, key=others.get) != "hostile"


def test_a_label_correction_wins_over_what_a_verdict_implies(out):
    flag = _flag(out, "customer_blame")
    index = int(flag["evidence"][0]["sentence_index"])
    record_verdicts(out, [flag["flag_id"]], "confirmed", "A. Jones")
    record_labels(out, [{"interaction_id": flag["interaction_id"], "sentence_index": index, "tone": "neutral",
                         "blame": "none"}], "B. Smith")
    rows = training_labels(out)[0].set_index("sentence_index")
    assert (rows.loc[index, "origin"], rows.loc[index, "tone"], rows.loc[index, "blame"]) == (
        "correction", "neutral", "none")


def test_verdicts_on_rules_without_a_probability_trigger_give_no_rows(out):
    record_verdicts(out, [_flag(out, "threat")["flag_id"], _flag(out, "false_urgency")["flag_id"]], "confirmed",
                    "A. Jones")
    rows, exported = training_labels(out)
    assert rows.empty and exported.no_trigger == 2


def test_rows_carry_the_hash_split_and_a_source_naming_the_sentence(out):
    flag = _flag(out, "customer_blame")
    record_verdicts(out, [flag["flag_id"]], "confirmed", "A. Jones")
    for row in training_labels(out)[0].itertuples():
        assert row.split == hash_split(row.text)
        assert row.source == f"review:{flag['interaction_id']}:{row.sentence_index}"


def test_the_latest_label_of_a_sentence_is_exported_once(out):
    flag = _flag(out, "customer_blame")
    correction = {"interaction_id": flag["interaction_id"], "sentence_index": 0, "blame": "none"}
    record_labels(out, [{**correction, "tone": "neutral"}], "A. Jones")
    record_labels(out, [{**correction, "tone": "curt"}], "B. Smith")
    rows = training_labels(out)[0]
    assert list(rows["tone"]) == ["curt"] and list(rows["reviewer"]) == ["B. Smith"]


def test_record_labels_stores_the_same_label_from_the_same_reviewer_once(out):
    correction = {"interaction_id": _flag(out, "customer_blame")["interaction_id"], "sentence_index": 1,
                  "tone": "curt", "blame": "none"}
    assert record_labels(out, [correction], "A. Jones").new == 1
    assert record_labels(out, [correction], "A. Jones") == (0, 1, 0)
    stored = VerdictStore(out).label_corrections()
    assert len(stored) == 1 and stored.iloc[0]["text"] == "and you are lying to us."
    assert (stored.iloc[0]["model_tone"], stored.iloc[0]["department"]) == ("hostile", "collections")


@pytest.mark.parametrize("change, message", [
    ({"tone": "furious"}, "tone must be one of empathetic, neutral, curt, hostile; got 'furious'"),
    ({"blame": ""}, "a label correction needs blame"),
    ({"sentence_index": 99}, "no published sentence 99 in interaction"),
    ({"sentence_index": "two"}, "sentence_index must be a whole number"),
])
def test_record_labels_refuses_a_bad_correction_and_writes_nothing(out, change, message):
    correction = {"interaction_id": _flag(out, "customer_blame")["interaction_id"], "sentence_index": 1,
                  "tone": "curt", "blame": "none"}
    with pytest.raises(UsageError, match=message):
        record_labels(out, [{**correction, "sentence_index": 0}, {**correction, **change}], "A. Jones")
    assert not (out / "reviews.sqlite").exists()


def test_text_a_spreadsheet_or_browser_would_run_survives_exactly_in_the_csv_training_file(out, tmp_path):
    iid = _flag(out, "customer_blame")["interaction_id"]
    record_labels(out, [{"interaction_id": iid, "sentence_index": i, "tone": "neutral", "blame": "none"}
                        for i in (0, 2)], "A. Jones")
    path = tmp_path / "labels.csv"
    export_training_labels(out, path)
    assert not path.read_bytes().startswith(b"\xef\xbb\xbf")
    texts = list(read_label_file(path)["text"])
    assert texts == ["You failed to pay again <script>alert(1)</script>",
                     "=cmd|' /C calc'!A0 is not a payment \U0001F621."]


@pytest.mark.parametrize("suffix", ["csv", "jsonl", "parquet"])
def test_every_label_file_format_reads_back_with_the_same_rows(out, tmp_path, suffix):
    record_verdicts(out, [_flag(out, "customer_blame")["flag_id"]], "confirmed", "A. Jones")
    path = tmp_path / f"labels.{suffix}"
    export_training_labels(out, path)
    labels = read_label_file(path)
    expected = training_labels(out)[0]
    assert list(labels["text"]) == list(expected["text"]) and list(labels["split"]) == list(expected["split"])


@pytest.mark.parametrize("args, message", [
    (["--format", "xml", "labels.csv"], "--format must be one of csv, jsonl, parquet, label-studio; got 'xml'"),
    (["--format", "jsonl", "labels.csv"], "a jsonl label file must end in .jsonl or .ndjson"),
    (["labels.txt"], "must end in .csv, .jsonl or .parquet"),
    (["missing/labels.csv"], "cannot write"),
    (["empty.csv"], "nothing to export under"),
])
def test_review_export_mistakes_are_one_error_line_exit_2_and_write_nothing(out, tmp_path, args, message):
    if args != ["empty.csv"]:
        record_verdicts(out, [_flag(out, "customer_blame")["flag_id"]], "confirmed", "A. Jones")
    args = args[:-1] + [str(tmp_path / args[-1])]
    result = CliRunner().invoke(cli, ["review", "export", "--out", str(out), *args])
    assert result.exit_code == 2, result.output
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1 and message in result.output
    assert not [p for p in tmp_path.rglob("*") if p.is_file() and "labels" in p.name or p.name == "empty.csv"]


def test_review_label_command_records_a_correction(out):
    iid = _flag(out, "customer_blame")["interaction_id"]
    result = CliRunner().invoke(cli, ["review", "label", iid, "3", "--out", str(out), "--tone", "neutral",
                                      "--blame", "customer", "--reviewer", "A. Jones"])
    assert result.exit_code == 0, result.output
    assert list(VerdictStore(out).latest_labels()[["sentence_index", "tone"]].itertuples(index=False)) == [(3, "neutral")]


def test_exported_labels_train_a_model_and_evaluate_on_their_test_split(out, tmp_path):
    sentences = published_sentences(out).reset_index()
    tones, blames = ("empathetic", "neutral", "curt", "hostile"), ("customer", "company", "none")
    record_labels(out, [{"interaction_id": row.interaction_id, "sentence_index": row.sentence_index,
                         "tone": tones[i % 4], "blame": blames[i % 3]} for i, row in enumerate(sentences.itertuples())],
                  "A. Jones")
    labels, config, model = tmp_path / "review-labels.csv", tmp_path / "light.toml", tmp_path / "model"
    config.write_text(LIGHT_TRAINING)
    runner = CliRunner()
    exported = runner.invoke(cli, ["review", "export", "--format", "csv", "--out", str(out), str(labels)])
    assert exported.exit_code == 0, exported.output
    trained = runner.invoke(cli, ["train", "--labels", str(labels), "--config", str(config), "--out", str(model),
                                  "--json"])
    assert trained.exit_code == 0, trained.output
    meta = json.loads((model / "meta.json").read_text())
    frame = pd.read_csv(labels)
    assert meta["training_data"][0]["rows"] == (frame["split"] == "train").sum() > 0
    assert (model / "model.skops").exists()
    evaluated = runner.invoke(cli, ["evaluate", "--model", str(model), "--labels", str(labels), "--split", "test",
                                    "--json"])
    assert evaluated.exit_code == 0, evaluated.output
    assert json.loads(evaluated.output.splitlines()[-1])["n"] == (frame["split"] == "test").sum() > 0
