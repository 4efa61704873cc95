"""``analyzer train`` and ``analyzer evaluate`` as a Python API.

Training is configuration plus data: fixed seeds, parameters from the
``[training]`` section of the config, identical inputs give an identical model.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline
from spacy.language import Language

from analyzer import __version__
from analyzer.errors import ConfigError, UsageError
from analyzer.model.artifacts import library_versions, load_pipeline_file, save_model
from analyzer.model.estimator import ToneBlameClassifier
from analyzer.model.features import SentenceFeaturizer
from analyzer.model.labels import BLAMES, TONES, read_labels
from analyzer.model.metrics import head_report
from analyzer.model.probes import PROBE_SENTENCES, largest_drift, probe_outputs
from analyzer.model.shipped import default_model_dir
from analyzer.model.tone_model import ToneModel
from analyzer.model.transformer import FineTunedToneClassifier
from analyzer.nlp.model import load_pipeline as load_spacy
from analyzer.nlp.model import model_info
from analyzer.nlp.sentence_table import text_table

DEFAULT_PARAMS = {
    "seed": 0, "base": "ensemble", "C": 2.0, "calibration": "isotonic", "calibration_folds": 5,
    "class_weight": "balanced",
    "use_words": True, "use_chars": True, "use_cues": True, "use_lexicon": True, "use_politeness": True,
    "min_df": 2, "word_ngram_range": [1, 3], "char_ngram_range": [2, 5], "dense_weight": 1.0,
    # sentence embeddings: an encoder name from analyzer.model.embeddings (shipped, run by onnxruntime), "" for none
    "embedding_model": "", "embedding_weight": 1.0,
    # "linear": the calibrated linear heads over the features above; "finetuned": a sentence encoder
    # fine-tuned end to end on both heads with the cue vector (analyzer.model.transformer, needs torch to train)
    "estimator": "linear",
    "encoder": "all-MiniLM-L6-v2", "epochs": 4, "batch_size": 32, "learning_rate": 5e-5, "head_learning_rate": 2e-3,
    "dropout": 0.1, "calibration_fraction": 0.1, "weight_bits": 8, "threads": 2,
}
ESTIMATORS = ("linear", "finetuned")
LICENCE_FILE = "LICENCES.json"


def training_params(config_path: str | Path | None) -> dict:
    params = dict(DEFAULT_PARAMS)
    if config_path is None:
        return params
    try:
        raw = tomllib.loads(Path(config_path).read_text(encoding="utf-8")).get("training", {})
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read training config {config_path}: {exc}") from None
    unknown = sorted(set(raw) - set(DEFAULT_PARAMS))
    if unknown:
        raise ConfigError(f"{config_path}: unknown [training] key(s) {', '.join(unknown)}; "
                          f"allowed: {', '.join(DEFAULT_PARAMS)}")
    params.update(raw)
    return params


def build_pipeline(params: dict) -> Pipeline:
    if params["estimator"] not in ESTIMATORS:
        raise ConfigError(f"[training] estimator must be one of {', '.join(ESTIMATORS)}; got {params['estimator']!r}")
    if params["estimator"] == "finetuned":
        return _checked(Pipeline([("classifier", FineTunedToneClassifier(
            encoder=params["encoder"], epochs=params["epochs"], batch_size=params["batch_size"],
            learning_rate=params["learning_rate"], head_learning_rate=params["head_learning_rate"],
            dropout=params["dropout"], use_cues=params["use_cues"],
            calibration_fraction=params["calibration_fraction"], weight_bits=params["weight_bits"],
            threads=params["threads"], random_state=params["seed"]))]))
    featurizer = SentenceFeaturizer(
        use_words=params["use_words"], use_chars=params["use_chars"], use_cues=params["use_cues"],
        use_lexicon=params["use_lexicon"], use_politeness=params["use_politeness"], min_df=params["min_df"],
        word_ngram_range=tuple(params["word_ngram_range"]), char_ngram_range=tuple(params["char_ngram_range"]),
        dense_weight=params["dense_weight"], embedding_model=params["embedding_model"] or None,
        embedding_weight=params["embedding_weight"])
    classifier = ToneBlameClassifier(base=params["base"], C=params["C"], calibration=params["calibration"],
                                     calibration_folds=params["calibration_folds"],
                                     class_weight=params["class_weight"], random_state=params["seed"])
    return _checked(Pipeline([("features", featurizer), ("classifier", classifier)]))


def _checked(pipeline: Pipeline) -> Pipeline:
    """A bad [training] value fails before any data is read, as one line naming the setting."""
    try:
        pipeline[-1]._validate_params()
    except ValueError as exc:
        raise ConfigError(f"[training]: {exc}") from None
    return pipeline


def file_sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _licence(path: Path) -> str:
    registry = path.parent / LICENCE_FILE
    if registry.exists():
        return json.loads(registry.read_text(encoding="utf-8")).get(path.name, "not stated")
    return "not stated"


def _check_classes(rows: pd.DataFrame, label_files) -> None:
    """A head with one class cannot be learned: say so in one line instead of failing inside fit."""
    for head in ("tone", "blame"):
        found = sorted(set(rows[head]))
        if len(found) < 2:
            raise UsageError(f"the training rows of {', '.join(map(str, label_files))} hold only {head} "
                             f"{' and '.join(map(repr, found)) or 'nothing'}; a model needs at least two {head} "
                             "classes: add label files (for example data/labels/written.csv) or more labelled rows")


def train(label_files: list[str | Path], out: str | Path, config: str | Path | None = None, *,
          split: str | None = "train", spacy_model: str | None = None,
          eval_files: list[str | Path] = ()) -> dict:
    """Fit on the rows of ``split`` (all rows when the files have no split column);
    report metrics on every other split present and on every split of ``eval_files``
    (never trained on); save the model folder; return its meta."""
    params = training_params(config)
    pipeline = build_pipeline(params)
    all_rows = read_labels([str(p) for p in label_files])
    train_splits = [s.strip() for s in (split or "").split(",") if s.strip()]  # "train" or "train,dev"
    in_train = all_rows["split"].isin(train_splits)
    has_split = bool(train_splits) and in_train.any()
    train_rows = all_rows[in_train] if has_split else all_rows
    _check_classes(train_rows, label_files)
    nlp = load_spacy(spacy_model)
    features = text_table(nlp, train_rows["text"].tolist())
    pipeline.fit(features, train_rows[["tone", "blame"]].to_numpy())
    model = ToneModel(pipeline, {})
    metrics = {}
    held_out = all_rows[~in_train] if has_split else all_rows.iloc[0:0]
    if eval_files:
        held_out = pd.concat([held_out, read_labels([str(p) for p in eval_files])], ignore_index=True)
    for (label_file, part), rows in held_out.groupby(["label_file", "split"], sort=True):
        metrics[f"{Path(label_file).stem}:{part or 'all'}"] = evaluate_rows(model, rows, nlp)
    files = [Path(p) for p in label_files]
    finetuned = params["estimator"] == "finetuned"
    meta = {
        "analyzer_version": __version__,
        "labels": {"tone": list(TONES), "blame": list(BLAMES)},
        "train_split": ",".join(train_splits) if has_split else None,
        "evaluation_data": [{"path": str(p), "sha256": file_sha256(p), "licence": _licence(Path(p))}
                            for p in eval_files],
        "training_data": [{"path": str(p), "sha256": file_sha256(p), "licence": _licence(p),
                           "rows": int((train_rows["label_file"] == str(p)).sum())} for p in files],
        "params": params,
        "spacy_model": model_info(nlp),
        "library_versions": library_versions(params["embedding_model"] or None, finetuned=finetuned),
        "metrics": metrics,
        "probes": probe_outputs(model.predict_texts(list(PROBE_SENTENCES), nlp)),
    }
    if finetuned:
        meta["encoder"] = encoder_record(params["encoder"], pipeline[-1])
    meta["model_version"] = "tone-" + hashlib.sha256(json.dumps(
        {k: meta[k] for k in ("training_data", "params", "library_versions", "spacy_model")},
        sort_keys=True).encode()).hexdigest()[:12]
    save_model(out, pipeline, meta)
    return meta


def encoder_record(name: str, classifier: FineTunedToneClassifier) -> dict:
    """Where the fine-tuned encoder's starting weights came from, under which licence, and how it is stored."""
    from analyzer.model.finetune import BASE_ENCODERS

    package, _, licence, source = BASE_ENCODERS[name]
    return {"name": name, "licence": licence, "source": source,
            "fine_tuned": "end to end on both heads, inside model.skops as ONNX (no pickle)",
            "weights": "8-bit (MatMulNBits blocks of 32; int8 embedding rows), float32 arithmetic"
            if classifier.weight_bits == 8 else "float32",
            "onnx_bytes": int(classifier.onnx_model_.size),
            "temperatures": [round(float(t), 6) for t in classifier.temperatures_],
            "rows": {"fine_tuning": int(classifier.n_train_rows_[0]), "calibration": int(classifier.n_train_rows_[1])}}


def evaluate_rows(model: ToneModel, rows: pd.DataFrame, nlp: Language) -> dict:
    """Scores of ``model`` on labelled rows, predicted through the same stages as a run."""
    predicted = model.predict_frame(text_table(nlp, rows["text"].tolist()))
    report = {"n": int(len(rows))}
    for head, labels in (("tone", TONES), ("blame", BLAMES)):
        classes = np.asarray(model.pipeline[-1].classes_[0 if head == "tone" else 1])
        proba = predicted[[f"{head}_p_{c}" for c in classes]].to_numpy(dtype=float)
        report[head] = head_report(rows[head], predicted[head].to_numpy(), proba, classes, labels)
    return report


def load_model(folder: str | Path | None = None, spacy_model: str | None = None, *,
               nlp: Language | None = None) -> ToneModel:
    """A model folder (default: the shipped one).

    Its probe sentences are scored once through ``nlp`` (loaded from ``spacy_model``
    when not given); ``model.drift`` holds the largest change against the outputs
    stored at training, if any is beyond tolerance, for the caller to report.
    """
    pipeline, meta = load_pipeline_file(folder or default_model_dir())
    model = ToneModel(pipeline, meta)
    stored = meta.get("probes") or []
    if stored:
        nlp = nlp or load_spacy(spacy_model)
        model.drift = largest_drift(stored, model.predict_texts([probe["text"] for probe in stored], nlp))
    return model


def evaluate(model_dir: str | Path | None, label_files: list[str | Path], *, split: str | None = None,
             spacy_model: str | None = None) -> dict:
    """Scores of a model folder (default: the shipped one) on labelled sentences."""
    nlp = load_spacy(spacy_model)
    model = load_model(model_dir, nlp=nlp)
    rows = read_labels([str(p) for p in label_files], split=split)
    report = evaluate_rows(model, rows, nlp)
    report["model_version"] = model.version
    report["model_drift"] = model.drift.message if model.drift else None
    report["label_files"] = [str(p) for p in label_files]
    report["split"] = split
    return report
