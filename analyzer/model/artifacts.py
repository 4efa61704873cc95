"""Saving and loading models without arbitrary pickle loading.

A model folder holds ``model.skops`` (the scikit-learn pipeline in the skops
format, loaded only if every type in it is on ``TRUSTED_TYPES``), ``meta.json``
and a model card ``README.md`` generated from the meta.
"""

from __future__ import annotations

import hashlib
import json
import platform
import zipfile
from pathlib import Path

import numpy as np
import sklearn
import spacy
from sklearn.pipeline import Pipeline

from analyzer.model import embeddings
from analyzer.model.shipped import META_FILE, MODEL_FILE, ModelFileError, check_model_folder

CARD_FILE = "README.md"

# Every type the project's pipeline contains; anything else in a file is refused.
TRUSTED_TYPES = [
    "analyzer.model.estimator.ToneBlameClassifier",
    "analyzer.model.features.SentenceFeaturizer",
    "analyzer.model.transformer.FineTunedToneClassifier",
    "sklearn.pipeline.Pipeline",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.calibration.CalibratedClassifierCV",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.isotonic.IsotonicRegression",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.linear_model._ridge.RidgeClassifier",
    "sklearn.ensemble._voting.VotingClassifier",
    "sklearn.preprocessing._label.LabelEncoder",
    "sklearn.utils._bunch.Bunch",
    "sklearn.preprocessing._label.LabelBinarizer",
    "sklearn.model_selection._split.StratifiedKFold",
    "builtins.slice",
    "numpy.float64",
    "numpy.int64",
    "numpy.int32",
    "numpy.dtype",
    "numpy.ndarray",
    "numpy.str_",
    "collections.OrderedDict",
    "scipy.sparse._csr.csr_matrix",
]


def library_versions(embedding_model: str | None = None, *, finetuned: bool = False) -> dict[str, str]:
    import skops

    found = {"python": platform.python_version(), "scikit-learn": sklearn.__version__, "spacy": spacy.__version__,
             "skops": skops.__version__, "numpy": np.__version__}
    if embedding_model:
        found.update(embeddings.versions(embedding_model))
    if finetuned:  # the runtime that scores it, and what trained it
        found.update({name: _version(name) for name in ("onnxruntime", "tokenizers", "torch", "transformers", "onnx")})
    return found


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def save_model(folder: str | Path, pipeline: Pipeline, meta: dict) -> Path:
    import skops.io as sio

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    sio.dump(pipeline, folder / MODEL_FILE, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
    meta["model_sha256"] = file_sha256(folder / MODEL_FILE)  # a changed model file is refused on load
    (folder / META_FILE).write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    (folder / CARD_FILE).write_text(model_card(meta), encoding="utf-8")
    return folder


def load_pipeline_file(folder: str | Path) -> tuple[Pipeline, dict]:
    """The scikit-learn pipeline and meta of a model folder (see ``analyzer.model.probes`` for the
    check that the installed libraries still give the model's outputs)."""
    import skops.io as sio

    folder = check_model_folder(folder)
    model_path, meta_path = folder / MODEL_FILE, folder / META_FILE
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        expected = meta.get("model_sha256")
        if expected and file_sha256(model_path) != expected:
            raise ModelFileError(f"{model_path} has been changed since it was trained (its SHA-256 differs from "
                                 f"the one in {META_FILE}); refusing to load it")
        untrusted = [t for t in sio.get_untrusted_types(file=model_path) if t not in TRUSTED_TYPES]
    except ModelFileError:
        raise
    except Exception as exc:  # skops raises several types for a file that is not one of its archives
        raise ModelFileError(f"{model_path} is not a readable model file: {type(exc).__name__}: {exc}") from None
    if untrusted:
        raise ModelFileError(f"{model_path} contains types this tool does not trust and will not load: "
                             f"{', '.join(untrusted)}")
    try:
        pipeline = sio.load(model_path, trusted=TRUSTED_TYPES)
    except Exception as exc:
        raise ModelFileError(f"{model_path} could not be loaded: {type(exc).__name__}: {exc}") from None
    if not isinstance(pipeline, Pipeline) or not hasattr(pipeline, "predict_proba"):
        raise ModelFileError(f"{model_path} does not hold a tone model pipeline")
    encoder = getattr(pipeline[0], "embedding_model", None)
    if encoder and not embeddings.available(encoder):
        raise embeddings.EmbeddingsUnavailableError(f"model {folder} uses the sentence encoder {encoder}, which is "
                                                    "not installed with this package; reinstall it")
    return pipeline, meta


def _features_sentence(meta: dict) -> str:
    encoder = meta.get("encoder")
    if encoder:
        return (f"The sentence encoder {encoder['name']} ({encoder['licence']}; {encoder['source']}) fine-tuned end "
                "to end on both heads, with one linear layer per head over its sentence vector and the spaCy span "
                "components' counts and syntactic cues; run by onnxruntime with "
                f"{encoder['weights']} weights; probabilities calibrated by one temperature per head on "
                f"{encoder['rows']['calibration']} held-out training rows.")
    return ("Features: word and character n-grams, the spaCy span components' counts and syntactic cues, VADER "
            "sentiment scores and politeness-strategy markers" +
            (f", and sentence embeddings from {meta['params']['embedding_model']} (ONNX, run by onnxruntime)"
             if meta["params"].get("embedding_model") else "") + ".")


def model_card(meta: dict) -> str:
    lines = [f"# Tone and blame model `{meta.get('model_version', '?')}`", "",
             "Generated from `meta.json` by `analyzer train`; do not edit by hand.", "",
             "## What it does", "",
             "Labels one company-side sentence with a tone (`" + "`, `".join(meta["labels"]["tone"]) +
             "`) and a blame (`" + "`, `".join(meta["labels"]["blame"]) + "`), with calibrated probabilities, "
             "following the project's labelling standard (`docs/labeling.md` in the repository). "
             + _features_sentence(meta), "",
             "## Training data", "", "| file | rows used | sha256 | licence |", "|---|---|---|---|"]
    for item in meta["training_data"]:
        lines.append(f"| `{item['path']}` | {item['rows']} | `{item['sha256'][:16]}...` | {item['licence']} |")
    lines += ["", f"Rows used: split `{meta.get('train_split') or 'all'}`; seed {meta['params'].get('seed')}."]
    for item in meta.get("evaluation_data", []):
        lines.append(f"Evaluated on, never trained on: `{item['path']}` ({item['licence']}).")
    lines += ["",
              "## Evaluation", ""]
    for name, report in sorted(meta.get("metrics", {}).items()):
        lines.append(f"**{name}** (n = {report['n']}): tone macro-F1 {report['tone']['macro_f1']:.3f}, "
                     f"blame macro-F1 {report['blame']['macro_f1']:.3f}, tone calibration error "
                     f"{report['tone']['ece']:.3f}, blame calibration error {report['blame']['ece']:.3f}")
        lines.append("")
        for head in ("tone", "blame"):
            lines.append(f"| {head} | precision | recall | F1 | support |")
            lines.append("|---|---|---|---|---|")
            for label, scores in report[head]["per_class"].items():
                lines.append(f"| {label} | {scores['precision']:.3f} | {scores['recall']:.3f} | "
                             f"{scores['f1']:.3f} | {scores['support']} |")
            lines.append("")
    lines += ["## Parameters", "", "```json", json.dumps(meta["params"], indent=2, sort_keys=True), "```", "",
              "## Library versions", "", "```json", json.dumps(meta["library_versions"], indent=2, sort_keys=True),
              "```", "", "## Limits", "",
              "Trained on English text. The written sentences were composed for this project; the real "
              "evaluation text is customer-care tweets, politer and more informal than letters or calls. "
              "Probabilities are calibrated on the training distribution and may be over- or under-confident "
              "on other companies' text: retrain on your own labels with `analyzer train`.", ""]
    return "\n".join(lines)
