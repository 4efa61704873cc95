"""Train, save, load, evaluate and tag with a small model trained on part of the project's labels."""

import json
import zipfile

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import REPO

from analyzer.cli import cli
from analyzer.model.artifacts import ModelFileError, load_pipeline_file
from analyzer.model.probes import PROBE_SENTENCES, TOLERANCE
from analyzer.model.shipped import default_model_dir
from analyzer.model.training import evaluate, load_model, train
from analyzer.nlp.model import load_pipeline

SENTENCES = ["Sorry, but you failed to pay.", "We will take legal action against you.",
             "I'm so sorry, we charged you twice.", "Your parcel arrives on Tuesday."]


@pytest.fixture(scope="module")
def small_labels(tmp_path_factory):
    labels = pd.read_csv(REPO / "data" / "labels" / "written.csv")
    train_rows = labels[labels.split == "train"]
    sample = pd.concat([group.head(25) for _, group in train_rows.groupby(["tone", "blame"])])
    sample = pd.concat([sample, labels[labels.split == "test"].head(40)])
    path = tmp_path_factory.mktemp("labels") / "small.csv"
    sample.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def model_dir(small_labels, tmp_path_factory):
    out = tmp_path_factory.mktemp("model") / "tone-test"
    train([small_labels], out)
    return out


def test_training_writes_the_model_meta_and_card(model_dir):
    meta = json.loads((model_dir / "meta.json").read_text())
    assert (model_dir / "model.skops").exists() and (model_dir / "README.md").exists()
    assert meta["labels"] == {"tone": ["empathetic", "neutral", "curt", "hostile"], "blame": ["customer", "company", "none"]}
    assert len(meta["training_data"][0]["sha256"]) == 64
    assert {"scikit-learn", "spacy", "skops"} <= set(meta["library_versions"])
    assert "small:test" in meta["metrics"]
    assert meta["model_version"] in (model_dir / "README.md").read_text()


@pytest.mark.slow
def test_retraining_from_the_same_data_gives_byte_identical_predictions(model_dir, small_labels, tmp_path):
    train([small_labels], tmp_path / "again")
    first, second = load_model(model_dir), load_model(tmp_path / "again")
    texts = pd.read_csv(small_labels)["text"].tolist()[:60] + SENTENCES
    a = [p.__dict__ for p in first.predict_texts(texts, load_pipeline())]
    b = [p.__dict__ for p in second.predict_texts(texts, load_pipeline())]
    assert json.dumps(a, sort_keys=True).encode() == json.dumps(b, sort_keys=True).encode()
    assert first.version == second.version


def test_saved_model_loads_back_with_the_same_probabilities(model_dir):
    model = load_model(model_dir)
    again = load_model(model_dir)
    assert model.predict_texts(SENTENCES, load_pipeline()) == again.predict_texts(SENTENCES, load_pipeline())


def test_a_file_that_is_not_a_model_is_refused_clearly(tmp_path):
    (tmp_path / "model.skops").write_text("not a model")
    (tmp_path / "meta.json").write_text("{}")
    with pytest.raises(ModelFileError, match="not a readable model file"):
        load_pipeline_file(tmp_path)


def test_a_folder_without_model_files_is_refused(tmp_path):
    with pytest.raises(ModelFileError, match="is not a model folder"):
        load_pipeline_file(tmp_path)


def test_a_model_file_with_untrusted_types_is_refused(tmp_path):
    import skops.io as sio
    from sklearn.ensemble import RandomForestClassifier

    forest = RandomForestClassifier(n_estimators=2).fit(np.zeros((4, 2)), [0, 1, 0, 1])
    sio.dump(forest, tmp_path / "model.skops")
    (tmp_path / "meta.json").write_text("{}")
    with pytest.raises(ModelFileError, match="does not trust"):
        load_pipeline_file(tmp_path)


def test_training_stores_the_outputs_on_the_probe_sentences(model_dir):
    meta = json.loads((model_dir / "meta.json").read_text())
    assert [probe["text"] for probe in meta["probes"]] == list(PROBE_SENTENCES)
    assert abs(sum(meta["probes"][0]["tone"].values()) - 1) < 1e-4


def test_a_model_that_gives_its_stored_outputs_loads_without_a_drift(model_dir):
    assert load_model(model_dir).drift is None


def test_a_model_whose_outputs_moved_beyond_tolerance_reports_a_drift(model_dir, tmp_path):
    import shutil

    copy = tmp_path / "moved"
    shutil.copytree(model_dir, copy)
    meta = json.loads((copy / "meta.json").read_text())
    probe = meta["probes"][2]
    label = max(probe["tone"], key=probe["tone"].get)
    probe["tone"][label] -= 0.2
    (copy / "meta.json").write_text(json.dumps(meta))
    drift = load_model(copy).drift
    assert (drift.sentence, drift.head, drift.label) == (probe["text"], "tone", label)
    assert "different outputs" in drift.message


def test_a_change_within_tolerance_is_not_a_drift(model_dir, tmp_path):
    import shutil

    copy = tmp_path / "same"
    shutil.copytree(model_dir, copy)
    meta = json.loads((copy / "meta.json").read_text())
    for probe in meta["probes"]:
        for label in probe["blame"]:
            probe["blame"][label] += TOLERANCE / 2
    (copy / "meta.json").write_text(json.dumps(meta))
    assert load_model(copy).drift is None


def test_a_library_version_different_from_training_alone_prints_no_warning(model_dir, tmp_path):
    import shutil
    import warnings

    copy = tmp_path / "old"
    shutil.copytree(model_dir, copy)
    meta = json.loads((copy / "meta.json").read_text())
    meta["library_versions"]["scikit-learn"] = "0.24.2"
    (copy / "meta.json").write_text(json.dumps(meta))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_model(copy)


def test_evaluate_uses_the_shipped_model_without_model_option(small_labels):
    result = CliRunner().invoke(cli, ["evaluate", "--labels", str(small_labels), "--split", "test", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["model_version"] == json.loads((default_model_dir() / "meta.json").read_text())["model_version"]


def test_evaluate_reports_macro_f1_confusion_and_calibration(model_dir, small_labels):
    report = evaluate(model_dir, [small_labels], split="test")
    for head in ("tone", "blame"):
        assert 0 <= report[head]["macro_f1"] <= 1 and 0 <= report[head]["ece"] <= 1
        assert len(report[head]["confusion_matrix"]["matrix"]) == len(report[head]["confusion_matrix"]["labels"])
    assert report["n"] == 40


def test_evaluate_json_has_the_keys_scripts_rely_on(model_dir, small_labels):
    result = CliRunner().invoke(cli, ["evaluate", "--model", str(model_dir), "--labels", str(small_labels),
                                      "--split", "test", "--json"])
    payload = json.loads(result.output)
    assert {"n", "tone", "blame"} <= set(payload) and "macro_f1" in payload["tone"] and "macro_f1" in payload["blame"]


def test_train_with_a_bad_label_file_is_one_line_and_exit_2(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("text,tone,blame\nHello,friendly,none\n")
    result = CliRunner().invoke(cli, ["train", "--labels", str(bad), "--out", str(tmp_path / "m")])
    assert result.exit_code == 2 and "unknown tone 'friendly'" in result.output and "Traceback" not in result.output


def test_train_with_an_unknown_training_setting_fails_clearly(tmp_path, small_labels):
    config = tmp_path / "c.toml"
    config.write_text("[training]\nlearn_rate = 3\n")
    result = CliRunner().invoke(cli, ["train", "--labels", str(small_labels), "--out", str(tmp_path / "m"),
                                      "--config", str(config)])
    assert result.exit_code == 2 and "unknown [training] key(s) learn_rate" in result.output


def test_tag_shows_tone_blame_and_probabilities_for_fixed_sentences(model_dir):
    result = CliRunner().invoke(cli, ["tag", "--model", str(model_dir), "--json", " ".join(SENTENCES)])
    payload = json.loads(result.output)
    sentences = payload["sentences"]
    assert len(sentences) == 4
    for sentence in sentences:
        assert sentence["tone"] in sentence["tone_proba"] and abs(sum(sentence["tone_proba"].values()) - 1) < 1e-4
        assert sentence["blame"] in ("customer", "company", "none")
    assert sentences[1]["tone"] == "hostile"


def test_tag_human_output_shows_the_tone_line(model_dir):
    result = CliRunner().invoke(cli, ["tag", "--model", str(model_dir), "We will take legal action against you."])
    assert result.exit_code == 0 and "tone hostile" in result.output


def test_model_zip_is_a_skops_archive(model_dir):
    assert zipfile.is_zipfile(model_dir / "model.skops")


def test_train_with_an_unknown_estimator_fails_in_one_line(tmp_path, small_labels):
    config = tmp_path / "c.toml"
    config.write_text('[training]\nestimator = "forest"\n')
    result = CliRunner().invoke(cli, ["train", "--labels", str(small_labels), "--out", str(tmp_path / "m"),
                                      "--config", str(config)])
    assert result.exit_code == 2 and "estimator must be one of linear, finetuned" in result.output


def test_train_with_an_invalid_fine_tuning_setting_names_it(tmp_path, small_labels):
    config = tmp_path / "c.toml"
    config.write_text('[training]\nestimator = "finetuned"\nepochs = 0\n')
    result = CliRunner().invoke(cli, ["train", "--labels", str(small_labels), "--out", str(tmp_path / "m"),
                                      "--config", str(config)])
    assert result.exit_code == 2 and "'epochs' parameter" in result.output and not (tmp_path / "m").exists()


def test_train_on_rows_with_a_single_class_fails_in_one_line(tmp_path):
    labels = tmp_path / "one-class.csv"
    labels.write_text("text,tone,blame\nYou did not pay.,curt,customer\nPay now.,hostile,customer\n")
    result = CliRunner().invoke(cli, ["train", "--labels", str(labels), "--out", str(tmp_path / "model")])
    assert result.exit_code == 2
    assert "needs at least two blame classes" in result.output and "Traceback" not in result.output
