"""The tone and blame classifier: one calibrated linear model per head.

Follows the scikit-learn contract: ``__init__`` stores parameters, ``fit``
validates them and the data, learned attributes end in ``_``, and
``predict``/``predict_proba`` call ``check_is_fitted``. ``y`` may be one column
(one head, as any classifier) or two (tone and blame); then ``classes_`` is a
list with one array per head and ``predict_proba`` returns one matrix per head,
the multi-output convention of scikit-learn.
"""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import VotingClassifier
from sklearn.linear_model import LogisticRegression, RidgeClassifier
from sklearn.model_selection import StratifiedKFold
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

CALIBRATION_METHODS = ("sigmoid", "isotonic", None)
BASES = ("ensemble", "ridge", "logistic")


class ToneBlameClassifier(ClassifierMixin, BaseEstimator):
    """A calibrated linear classifier per output column.

    Parameters
    ----------
    base : {"ensemble", "ridge", "logistic"}, default="ensemble"
        The linear model of each head: a ridge classifier (probabilities come
        from calibration), a logistic regression, or both with their calibrated
        probabilities averaged.
    C : float, default=1.0
        Inverse regularisation strength (for ridge, ``alpha = 1 / C``; the
        ensemble's logistic regression uses ``4 * C``, its best setting on dev).
    class_weight : "balanced", dict or None, default="balanced"
        Rare labels (hostile tone, company blame) get the weight of common ones.
    calibration : {"sigmoid", "isotonic", None}, default="isotonic"
        How probabilities are calibrated, with internal cross-validation;
        ``None`` needs ``base="logistic"``.
    calibration_folds : int, default=5
        Folds for calibration (fewer when a class is rarer than this).
    max_iter : int, default=2000
    random_state : int, default=0
        Seed of the calibration folds; training is deterministic for a given seed.
    """

    def __init__(self, *, base="ensemble", C=1.0, class_weight="balanced", calibration="isotonic",
                 calibration_folds=5, max_iter=2000, random_state=0):
        self.base = base
        self.C = C
        self.class_weight = class_weight
        self.calibration = calibration
        self.calibration_folds = calibration_folds
        self.max_iter = max_iter
        self.random_state = random_state

    def _validate_params(self):
        if self.base not in BASES:
            raise ValueError(f"The 'base' parameter of ToneBlameClassifier must be one of {BASES}. "
                             f"Got {self.base!r} instead.")
        if self.base != "logistic" and self.calibration is None:
            raise ValueError("The 'calibration' parameter of ToneBlameClassifier must be 'sigmoid' or 'isotonic' "
                             f"when base={self.base!r} (a ridge classifier has no probabilities of its own). Got None.")
        if not isinstance(self.C, numbers.Real) or isinstance(self.C, bool) or self.C <= 0:
            raise ValueError(f"The 'C' parameter of ToneBlameClassifier must be a float > 0. Got {self.C!r} instead.")
        if self.calibration not in CALIBRATION_METHODS:
            raise ValueError(f"The 'calibration' parameter of ToneBlameClassifier must be one of "
                             f"{CALIBRATION_METHODS}. Got {self.calibration!r} instead.")
        if not (self.class_weight in ("balanced", None) or isinstance(self.class_weight, dict)):
            raise ValueError(f"The 'class_weight' parameter of ToneBlameClassifier must be 'balanced', a dict "
                             f"or None. Got {self.class_weight!r} instead.")
        if not isinstance(self.calibration_folds, numbers.Integral) or self.calibration_folds < 2:
            raise ValueError(f"The 'calibration_folds' parameter of ToneBlameClassifier must be an int >= 2. "
                             f"Got {self.calibration_folds!r} instead.")

    def fit(self, X, y):
        self._validate_params()
        X, y = validate_data(self, X, y, accept_sparse="csr", multi_output=True, dtype=np.float64)
        targets = np.asarray(y)
        single = targets.ndim == 1
        columns = targets.reshape(-1, 1) if single else targets
        self.heads_, classes = [], []
        for k in range(columns.shape[1]):
            column = columns[:, k]
            check_classification_targets(column)
            labels, counts = np.unique(column, return_counts=True)
            if len(labels) < 2:
                raise ValueError(f"ToneBlameClassifier needs at least 2 classes in each output; output {k} "
                                 f"has 1 class: {labels[0]!r}")
            self.heads_.append(self._make_head(int(counts.min())).fit(X, column))
            classes.append(labels)
        self.n_outputs_ = columns.shape[1]
        self.n_iter_ = np.array([max(_iterations(head)) for head in self.heads_], dtype=np.int32)
        self.classes_ = classes[0] if single else classes
        self._single_output = single
        return self

    def _make_head(self, rarest: int):
        logistic = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=self.max_iter,
                                      random_state=self.random_state)
        folds = min(self.calibration_folds, rarest)
        if self.calibration is None or folds < 2:
            return logistic  # too few examples to calibrate by cross-validation: logistic probabilities as they are
        cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=self.random_state)
        ridge = RidgeClassifier(alpha=1.0 / self.C, class_weight=self.class_weight, max_iter=self.max_iter,
                                random_state=self.random_state)
        if self.base == "ensemble":
            logistic.set_params(C=4 * self.C)
            return VotingClassifier([("ridge", CalibratedClassifierCV(ridge, method=self.calibration, cv=cv)),
                                     ("logistic", CalibratedClassifierCV(logistic, method=self.calibration, cv=cv))],
                                    voting="soft")
        return CalibratedClassifierCV(logistic if self.base == "logistic" else ridge, method=self.calibration, cv=cv)

    def predict_proba(self, X):
        """Class probabilities: one matrix, or one per head when fitted on several outputs."""
        check_is_fitted(self, "heads_")
        X = validate_data(self, X, accept_sparse="csr", reset=False, dtype=np.float64)
        probabilities = [head.predict_proba(X) for head in self.heads_]
        return probabilities[0] if self._single_output else probabilities

    def predict(self, X):
        probabilities = self.predict_proba(X)  # first: it says so when the estimator is not fitted
        return most_probable(self.classes_, probabilities, self._single_output)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.multi_output = True
        tags.classifier_tags.multi_label = False
        return tags


def most_probable(classes, probabilities, single_output: bool) -> np.ndarray:
    """The most probable label per row: one column, or one per head (the multi-output convention)."""
    if single_output:
        return classes[np.argmax(probabilities, axis=1)]
    return np.column_stack([labels[np.argmax(p, axis=1)] for labels, p in zip(classes, probabilities)])


def _iterations(head) -> list[int]:
    """Solver iterations of a head (per calibration fold when calibrated; 1 for a closed-form ridge fit)."""
    if isinstance(head, VotingClassifier):
        return [n for member in head.estimators_ for n in _iterations(member)]
    models = [c.estimator for c in head.calibrated_classifiers_] if isinstance(head, CalibratedClassifierCV) else [head]
    return [int(np.max(m.n_iter_)) if getattr(m, "n_iter_", None) is not None else 1 for m in models]
