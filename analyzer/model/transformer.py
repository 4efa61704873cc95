"""The fine-tuned tone and blame classifier: a sentence encoder trained end to end on both heads.

Follows the scikit-learn contract like :class:`~analyzer.model.estimator.ToneBlameClassifier`
(``fit``, ``predict_proba``, ``classes_``, ``get_params``; two output columns give
one probability matrix per head), so ``analyzer train``, ``evaluate``, ``tag`` and
the pipeline use it unchanged.

- **Input**: a DataFrame with a ``text`` column and the spaCy cue columns
  (``cue_*``); a plain list of texts works too (cues then count as zero).
- **fit** needs PyTorch (the ``train`` extra): it fine-tunes the encoder and the
  heads (:mod:`analyzer.model.finetune`), exports the network to ONNX with 8-bit
  weights, and keeps the ONNX bytes and the tokenizer inside the estimator, so
  the saved model file is self-contained and loads without pickle.
- **predict_proba** needs only onnxruntime and tokenizers: the base install.
- **Calibration**: a stratified share of the training rows
  (``calibration_fraction``) is held out of fine-tuning; one temperature per
  head is fitted on it by log loss, through the exported (quantized) network.
"""

from __future__ import annotations

import numbers
from collections import OrderedDict

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.model_selection import train_test_split
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from analyzer.model.encoder import cpu_session, length_sorted_batches, truncating
from analyzer.model.estimator import most_probable

INPUT_BATCH = 64


class FineTunedToneClassifier(ClassifierMixin, BaseEstimator):
    """A fine-tuned transformer encoder with a joint linear head per output over its sentence vector
    and the cue vector.

    Parameters
    ----------
    encoder : str, default="all-MiniLM-L6-v2"
        The pretrained encoder to start from (:data:`analyzer.model.finetune.BASE_ENCODERS`).
    epochs : int, default=4
    batch_size : int, default=32
    learning_rate : float, default=5e-5
        Of the encoder's weights; the heads learn at ``head_learning_rate``.
    head_learning_rate : float, default=2e-3
    weight_decay : float, default=0.01
    warmup_fraction : float, default=0.1
    dropout : float, default=0.1
    max_tokens : int, default=128
    use_cues : bool, default=True
        Join the cue columns to the sentence vector.
    calibration_fraction : float, default=0.1
        Share of the rows held out of fine-tuning to fit the temperatures.
    weight_bits : {8, 32}, default=8
        Weights of the exported network.
    threads : int, default=2
        PyTorch threads while training (results depend on it: keep it fixed to reproduce a model).
    random_state : int, default=0
    """

    def __init__(self, *, encoder="all-MiniLM-L6-v2", epochs=4, batch_size=32, learning_rate=5e-5,
                 head_learning_rate=2e-3, weight_decay=0.01, warmup_fraction=0.1, dropout=0.1, max_tokens=128,
                 use_cues=True, calibration_fraction=0.1, weight_bits=8, threads=2, random_state=0):
        self.encoder = encoder
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.head_learning_rate = head_learning_rate
        self.weight_decay = weight_decay
        self.warmup_fraction = warmup_fraction
        self.dropout = dropout
        self.max_tokens = max_tokens
        self.use_cues = use_cues
        self.calibration_fraction = calibration_fraction
        self.weight_bits = weight_bits
        self.threads = threads
        self.random_state = random_state

    # -- validation -------------------------------------------------------------------------------

    def _validate_params(self):
        def check(name, ok, expected):
            if not ok:
                raise ValueError(f"The '{name}' parameter of FineTunedToneClassifier must be {expected}. "
                                 f"Got {getattr(self, name)!r} instead.")

        def is_int(value, low):
            return isinstance(value, numbers.Integral) and not isinstance(value, bool) and value >= low

        def is_float(value, low, high):
            return isinstance(value, numbers.Real) and not isinstance(value, bool) and low <= value < high

        from analyzer.model.finetune import BASE_ENCODERS

        check("encoder", self.encoder in BASE_ENCODERS, f"one of {sorted(BASE_ENCODERS)}")
        check("epochs", is_int(self.epochs, 1), "an int >= 1")
        check("batch_size", is_int(self.batch_size, 1), "an int >= 1")
        check("max_tokens", is_int(self.max_tokens, 8), "an int >= 8")
        check("threads", is_int(self.threads, 1), "an int >= 1")
        check("learning_rate", is_float(self.learning_rate, 1e-12, 1.0), "a float in (0, 1)")
        check("head_learning_rate", is_float(self.head_learning_rate, 1e-12, 1.0), "a float in (0, 1)")
        check("weight_decay", is_float(self.weight_decay, 0.0, 1.0), "a float in [0, 1)")
        check("warmup_fraction", is_float(self.warmup_fraction, 0.0, 1.0), "a float in [0, 1)")
        check("dropout", is_float(self.dropout, 0.0, 1.0), "a float in [0, 1)")
        check("calibration_fraction", is_float(self.calibration_fraction, 0.0, 0.5), "a float in [0, 0.5)")
        check("weight_bits", self.weight_bits in (8, 32), "8 or 32")
        check("use_cues", isinstance(self.use_cues, (bool, np.bool_)), "a bool")

    @staticmethod
    def _frame(X) -> pd.DataFrame:
        if isinstance(X, pd.DataFrame):
            if "text" not in X.columns:
                raise ValueError("FineTunedToneClassifier expects a DataFrame with a 'text' column")
            return X
        array = np.asarray(X, dtype=object)
        if array.ndim == 2 and array.shape[1] == 1:
            array = array[:, 0]
        if array.ndim != 1:
            raise ValueError(f"FineTunedToneClassifier expects texts or a DataFrame with a 'text' column; "
                             f"got an array of shape {array.shape}")
        return pd.DataFrame({"text": [str(x) for x in array]})

    def _cues(self, frame: pd.DataFrame) -> np.ndarray:
        columns = list(self.cue_columns_)
        if not columns:
            return np.zeros((len(frame), 0), dtype=np.float32)
        present = frame.reindex(columns=columns, fill_value=0.0).to_numpy(dtype=np.float64)
        return (present / self.cue_scale_).astype(np.float32)

    # -- training ---------------------------------------------------------------------------------

    def fit(self, X, y):
        from tokenizers import Tokenizer

        from analyzer.model import finetune

        self._validate_params()
        frame = self._frame(X).reset_index(drop=True)
        targets = np.asarray(y, dtype=object)
        single = targets.ndim == 1
        columns = targets.reshape(-1, 1) if single else targets
        if columns.ndim != 2 or columns.shape[0] != len(frame):
            raise ValueError(f"X has {len(frame)} rows but y has shape {targets.shape}")
        if not 1 <= columns.shape[1] <= 2:
            raise ValueError(f"FineTunedToneClassifier takes one or two output columns; got {columns.shape[1]}")
        classes, codes = [], []
        for k in range(columns.shape[1]):
            check_classification_targets(columns[:, k])
            labels, code = np.unique(columns[:, k].astype(str), return_inverse=True)
            if len(labels) < 2:
                raise ValueError(f"FineTunedToneClassifier needs at least 2 classes in each output; output {k} "
                                 f"has 1 class: {labels[0]!r}")
            classes.append(labels)
            codes.append(code)
        if single:  # one head: a second, constant head keeps one network shape
            classes.append(np.array(["-", "."]))
            codes.append(np.zeros(len(frame), dtype=np.int64))

        self.cue_columns_ = sorted(c for c in frame.columns if str(c).startswith("cue_")) if self.use_cues else []
        raw_cues = (frame[self.cue_columns_].to_numpy(dtype=np.float64) if self.cue_columns_
                    else np.zeros((len(frame), 0)))
        self.cue_scale_ = np.maximum(np.abs(raw_cues).max(axis=0), 1e-9) if raw_cues.shape[1] else np.zeros(0)
        cues = self._cues(frame)

        source = finetune.base_encoder_folder(self.encoder)
        self.tokenizer_json_ = (source / "tokenizer.json").read_text(encoding="utf-8")
        tokenizer = self._tokenizer(Tokenizer)
        fit_rows, calibration_rows = self._calibration_split(codes[0])
        texts = frame["text"].astype(str).tolist()
        settings = finetune.FineTuneSettings(
            epochs=self.epochs, batch_size=self.batch_size, learning_rate=self.learning_rate,
            head_learning_rate=self.head_learning_rate, weight_decay=self.weight_decay,
            warmup_fraction=self.warmup_fraction, dropout=self.dropout, max_tokens=self.max_tokens,
            seed=self.random_state, threads=self.threads)
        network = finetune.fine_tune(self.encoder, tokenizer, [texts[i] for i in fit_rows], cues[fit_rows],
                                     codes[0][fit_rows], codes[1][fit_rows], len(classes[0]), len(classes[1]),
                                     settings)
        self.onnx_model_ = np.frombuffer(finetune.export_onnx(network, cues.shape[1], weight_bits=self.weight_bits),
                                         dtype=np.uint8).copy()
        self.temperatures_ = np.ones(2)
        if len(calibration_rows):
            logits = self._logits([texts[i] for i in calibration_rows], cues[calibration_rows])
            self.temperatures_ = np.array([fit_temperature(logit, code[calibration_rows])
                                           for logit, code in zip(logits, codes)])
        self.n_outputs_ = 1 if single else 2
        self.classes_ = classes[0] if single else classes[:2]
        self._single_output = single
        self.n_train_rows_ = np.array([len(fit_rows), len(calibration_rows)])
        return self

    def _calibration_split(self, stratify: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        everything = np.arange(len(stratify))
        held_out = int(round(len(stratify) * self.calibration_fraction))
        counts = np.bincount(stratify)
        if held_out < len(counts) or counts.min() < 2:
            return everything, everything[:0]  # too few rows to hold any out
        fit_rows, calibration_rows = train_test_split(everything, test_size=held_out, stratify=stratify,
                                                      random_state=self.random_state)
        return np.sort(fit_rows), np.sort(calibration_rows)

    # -- inference (onnxruntime) -------------------------------------------------------------------

    def _tokenizer(self, tokenizer_class=None):
        if tokenizer_class is None:
            from tokenizers import Tokenizer as tokenizer_class
        return truncating(tokenizer_class.from_str(self.tokenizer_json_), self.max_tokens)

    def _runtime(self):
        """The onnxruntime session and tokenizer, made once per process (not saved with the model)."""
        runtime = self.__dict__.get("_runtime_cache")
        if runtime is None:
            from analyzer.model.embeddings import configured_threads

            runtime = (cpu_session(self.onnx_model_.tobytes(), configured_threads()), self._tokenizer())
            self.__dict__["_runtime_cache"] = runtime
        return runtime

    def __getstate__(self):
        state = dict(super().__getstate__())
        state.pop("_runtime_cache", None)
        state.pop("_logit_cache", None)
        return state

    def _logits(self, texts: list[str], cues: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Both heads' logits, one row per text. Recently seen (text, cues) pairs come from a bounded
        cache: nightly drops repeat signatures, greetings and boilerplate lines many times."""
        from analyzer.model import embeddings

        cache = self.__dict__.setdefault("_logit_cache", OrderedDict())
        keys = [(text, row.tobytes()) for text, row in zip(texts, cues)]
        missing = list(dict.fromkeys(k for k in keys if k not in cache))
        if missing:
            computed = self._run_network([k[0] for k in missing], np.frombuffer(
                b"".join(k[1] for k in missing), dtype=np.float32).reshape(len(missing), cues.shape[1]))
            for key, tone, blame in zip(missing, *computed):
                cache[key] = (tone, blame)
        rows = [cache[k] for k in keys]
        for key in keys:
            cache.move_to_end(key)
        while len(cache) > embeddings.CACHE_SIZE:
            cache.popitem(last=False)
        return (np.asarray([r[0] for r in rows], dtype=np.float64).reshape(len(rows), -1),
                np.asarray([r[1] for r in rows], dtype=np.float64).reshape(len(rows), -1))

    def _run_network(self, texts: list[str], cues: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        session, tokenizer = self._runtime()
        tone = [None] * len(texts)
        blame = [None] * len(texts)
        # batches of similar token counts waste little work on padding; the order is restored after
        for index, ids, mask in length_sorted_batches(tokenizer, texts, INPUT_BATCH):
            tone_logits, blame_logits = session.run(None, {"input_ids": ids, "attention_mask": mask,
                                                           "cues": cues[index]})
            for row, i in enumerate(index):
                tone[i], blame[i] = tone_logits[row], blame_logits[row]
        return np.asarray(tone, dtype=np.float64), np.asarray(blame, dtype=np.float64)

    def predict_proba(self, X):
        """Class probabilities: one matrix, or one per head when fitted on two outputs."""
        check_is_fitted(self, "onnx_model_")
        frame = self._frame(X)
        texts = frame["text"].astype(str).tolist()
        if not texts:
            empty = [np.zeros((0, len(c))) for c in (self.classes_ if not self._single_output else [self.classes_])]
            return empty[0] if self._single_output else empty
        logits = self._logits(texts, self._cues(frame))
        probabilities = [softmax(logit / temperature) for logit, temperature in zip(logits, self.temperatures_)]
        return probabilities[0] if self._single_output else probabilities[:2]

    def predict(self, X):
        probabilities = self.predict_proba(X)  # first: it says so when the estimator is not fitted
        return most_probable(self.classes_, probabilities, self._single_output)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.target_tags.multi_output = True
        tags.classifier_tags.multi_label = False
        tags.non_deterministic = False
        return tags


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def fit_temperature(logits: np.ndarray, codes: np.ndarray) -> float:
    """The temperature that minimises the log loss of ``softmax(logits / T)`` (bounded to [0.05, 20])."""
    from scipy.optimize import minimize_scalar

    def loss(log_t: float) -> float:
        p = softmax(logits / np.exp(log_t))
        return float(-np.mean(np.log(np.clip(p[np.arange(len(codes)), codes], 1e-12, None))))

    result = minimize_scalar(loss, bounds=(np.log(0.05), np.log(20.0)), method="bounded",
                             options={"xatol": 1e-6})
    return float(np.exp(result.x))
