"""The sentence-embedding family of the tone model: the shipped ONNX encoder.

Most tests swap the encoder for a small deterministic fake, so they stay fast;
the ones marked ``real encoder`` run the shipped all-MiniLM-L6-v2 on onnxruntime.
"""

import json

import numpy as np
import pandas as pd
import pytest
from conftest import REPO

from analyzer.model import embeddings, features, shipped, training
from analyzer.model.artifacts import load_pipeline_file
from analyzer.model.features import SentenceFeaturizer
from analyzer.nlp.model import load_pipeline

ENCODER = embeddings.DEFAULT_ENCODER


def fake_embed(texts, name):
    """Three unit-length columns from the text's length and vowels: deterministic and cheap."""
    rows = np.array([[len(t), sum(c in "aeiou" for c in t) + 1, 1.0] for t in texts], dtype=float)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


@pytest.fixture
def fake_encoder(monkeypatch):
    monkeypatch.setattr(features, "embed", fake_embed)


def small_training_set(folder, per_group: int):
    """A few written training rows per (tone, blame) pair, and a training config with embeddings."""
    labels = pd.read_csv(REPO / "data" / "labels" / "written.csv")
    sample = pd.concat([g.head(per_group) for _, g in labels[labels.split == "train"].groupby(["tone", "blame"])])
    sample.to_csv(folder / "small.csv", index=False)
    (folder / "emb.toml").write_text(f'[training]\nembedding_model = "{ENCODER}"\ncalibration_folds = 2\n')
    return folder / "small.csv", folder / "emb.toml"


TEXTS = ["You failed to pay.", "We are so sorry about the delay.", "Your parcel arrives on Tuesday."]


def test_embedding_columns_are_appended_after_the_other_families(fake_encoder):
    plain = SentenceFeaturizer(min_df=1).fit(TEXTS)
    with_embeddings = SentenceFeaturizer(min_df=1, embedding_model=ENCODER).fit(TEXTS)
    assert with_embeddings.transform(TEXTS).shape[1] == plain.transform(TEXTS).shape[1] + 3
    assert list(with_embeddings.get_feature_names_out()[-3:]) == ["embedding_0", "embedding_1", "embedding_2"]


def test_embedding_weight_scales_only_the_embedding_columns(fake_encoder):
    one = SentenceFeaturizer(min_df=1, embedding_model=ENCODER, embedding_weight=1.0).fit(TEXTS).transform(TEXTS)
    two = SentenceFeaturizer(min_df=1, embedding_model=ENCODER, embedding_weight=2.0).fit(TEXTS).transform(TEXTS)
    np.testing.assert_allclose(two[:, -3:].toarray(), 2 * one[:, -3:].toarray())
    np.testing.assert_allclose(two[:, :-3].toarray(), one[:, :-3].toarray())


def test_an_unknown_encoder_name_is_refused_at_fit():
    with pytest.raises(ValueError, match="embedding_model"):
        SentenceFeaturizer(embedding_model="word2vec-google-news").fit(TEXTS)


def test_a_model_whose_encoder_is_missing_fails_clearly_to_load(fake_encoder, monkeypatch, tmp_path):
    labels_file, config = small_training_set(tmp_path, per_group=6)
    training.train([labels_file], tmp_path / "model", config)
    monkeypatch.setattr(embeddings, "available", lambda name: False)
    with pytest.raises(embeddings.EmbeddingsUnavailableError, match="all-MiniLM-L6-v2.*reinstall"):
        load_pipeline_file(tmp_path / "model")


def test_the_default_model_is_the_shipped_fine_tuned_one():
    folder = shipped.default_model_dir()
    assert folder.name == shipped.DEFAULT_MODEL_NAME
    meta = json.loads((folder / "meta.json").read_text())
    assert meta["params"]["estimator"] == "finetuned" and meta["encoder"]["name"] == ENCODER


def test_the_previous_default_uses_the_shipped_encoder():
    meta = json.loads((shipped.shipped_models_dir() / "tone-v1" / "meta.json").read_text())
    assert meta["params"]["embedding_model"] == ENCODER


def test_the_light_model_needs_no_embeddings():
    meta = json.loads((shipped.shipped_models_dir() / shipped.LIGHT_MODEL_NAME / "meta.json").read_text())
    assert meta["params"]["embedding_model"] == ""


def test_the_shipped_encoder_is_found_without_pytorch():
    assert embeddings.available(ENCODER)
    assert (embeddings.encoder_folder(ENCODER) / "tokenizer.json").is_file()


def test_real_embeddings_are_unit_length_and_rounded():
    vectors = embeddings.embed(TEXTS, ENCODER)
    assert vectors.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    np.testing.assert_array_equal(vectors, np.round(vectors, embeddings.DECIMALS))


def test_real_embeddings_place_paraphrases_closer_than_unrelated_sentences():
    a, b, c = embeddings.embed(["I'm so sorry for the delay.", "Apologies that this took so long.",
                                "Invoice 4471 is attached."], ENCODER)
    assert a @ b > a @ c


def test_real_embeddings_are_identical_across_calls_and_batches():
    alone = embeddings.embed(TEXTS[:1], ENCODER)
    batched = embeddings.embed(TEXTS * 30, ENCODER)
    np.testing.assert_array_equal(alone[0], batched[0])
    np.testing.assert_array_equal(batched[:3], batched[3:6])


def test_no_texts_give_an_empty_matrix_of_the_encoder_width():
    assert embeddings.embed([], ENCODER).shape == (0, 384)


def test_a_sentence_gets_the_same_vector_whatever_else_is_in_its_batch():
    encoder = embeddings._encoder(ENCODER)
    alone = encoder.encode(["We are so sorry about the delay."])
    among = encoder.encode(["Hi.", "We are so sorry about the delay.", "x " * 200])
    np.testing.assert_allclose(alone[0], among[1], atol=1e-5)


def test_the_encoder_matches_the_vectors_it_was_checked_against():
    info = json.loads((embeddings.encoder_folder(ENCODER) / "encoder.json").read_text())
    assert info["licence"] == "Apache-2.0" and info["cosine_to_torch"]["min"] >= 0.99


@pytest.mark.slow
def test_retraining_with_real_embeddings_gives_byte_identical_predictions(tmp_path):
    labels_file, config = small_training_set(tmp_path, per_group=8)
    labels = pd.read_csv(REPO / "data" / "labels" / "written.csv")
    texts = labels[labels.split == "test"]["text"].head(40).tolist()
    runs = []
    for name in ("first", "second"):
        embeddings._CACHES.clear()  # encode again from scratch, as a new process would
        training.train([labels_file], tmp_path / name, config)
        embeddings._CACHES.clear()
        predictions = training.load_model(tmp_path / name).predict_texts(texts, load_pipeline())
        runs.append(json.dumps([p.__dict__ for p in predictions], sort_keys=True).encode())
    assert runs[0] == runs[1]


def test_the_embedding_cache_keeps_the_most_recently_used_texts(monkeypatch):
    monkeypatch.setattr(embeddings, "CACHE_SIZE", 2)
    embeddings._CACHES.clear()
    embeddings.embed(["first", "second"], ENCODER)
    embeddings.embed(["first"], ENCODER)       # used again: now the most recent
    embeddings.embed(["third"], ENCODER)       # evicts "second", the least recently used
    assert list(embeddings._CACHES[ENCODER]) == ["first", "third"]
