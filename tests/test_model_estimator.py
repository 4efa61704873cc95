import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils import estimator_checks
from sklearn.utils.estimator_checks import parametrize_with_checks

from analyzer.model.estimator import ToneBlameClassifier

CALIBRATION_UNDOES_WEIGHTS = (
    "calibration re-estimates probabilities on held-out folds, so extreme class weights do not shift the "
    "calibrated predictions the way this check expects")


@parametrize_with_checks([ToneBlameClassifier(), ToneBlameClassifier(base="ridge"),
                          ToneBlameClassifier(base="logistic", calibration="sigmoid"),
                          ToneBlameClassifier(base="logistic", calibration=None)],
                         expected_failed_checks=lambda est: {"check_class_weight_classifiers": CALIBRATION_UNDOES_WEIGHTS}
                         if est.calibration else {})
@pytest.mark.slow
def test_estimator_follows_the_scikit_learn_contract(estimator, check):
    check(estimator)


@pytest.mark.parametrize("check_name", [
    "check_no_attributes_set_in_init", "check_get_params_invariance", "check_set_params",
    "check_estimators_unfitted", "check_dont_overwrite_parameters", "check_n_features_in",
    "check_fit_score_takes_y"])
def test_estimator_passes_the_core_contract_checks(check_name):
    """A fast subset of the full suite above, for test runs that skip the slow marker."""
    getattr(estimator_checks, check_name)("ToneBlameClassifier", ToneBlameClassifier(calibration_folds=2))


def _data(n=120, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 5))
    tone = np.where(X[:, 0] > 0.5, "hostile", np.where(X[:, 0] < -0.5, "empathetic", "neutral"))
    blame = np.where(X[:, 1] > 0, "customer", "none")
    return X, np.column_stack([tone, blame])


def test_two_heads_give_one_probability_matrix_per_head():
    X, y = _data()
    model = ToneBlameClassifier().fit(X, y)
    tone_proba, blame_proba = model.predict_proba(X)
    assert tone_proba.shape == (len(X), 3) and blame_proba.shape == (len(X), 2)
    assert np.allclose(tone_proba.sum(axis=1), 1) and np.allclose(blame_proba.sum(axis=1), 1)
    assert model.predict(X).shape == (len(X), 2)
    assert [list(c) for c in model.classes_] == [["empathetic", "hostile", "neutral"], ["customer", "none"]]


def test_predict_before_fit_raises_not_fitted():
    with pytest.raises(NotFittedError):
        ToneBlameClassifier().predict(np.zeros((1, 3)))


@pytest.mark.parametrize("params, message", [
    ({"C": 0}, "'C' parameter"), ({"calibration": "magic"}, "'calibration' parameter"),
    ({"calibration_folds": 1}, "'calibration_folds' parameter"), ({"class_weight": "heavy"}, "'class_weight'"),
    ({"base": "forest"}, "'base' parameter"), ({"base": "ridge", "calibration": None}, "has no probabilities"),
])
def test_invalid_parameters_fail_in_fit_naming_the_parameter(params, message):
    X, y = _data()
    with pytest.raises(ValueError, match=message):
        ToneBlameClassifier(**params).fit(X, y)


def test_refitting_a_clone_gives_identical_probabilities():
    X, y = _data()
    first = ToneBlameClassifier().fit(X, y)
    second = clone(first).fit(X, y)
    for a, b in zip(first.predict_proba(X), second.predict_proba(X)):
        assert np.array_equal(a, b)


def test_a_class_rarer_than_the_folds_still_trains():
    X, y = _data()
    y[:3, 1] = "company"  # three examples, five calibration folds
    assert "company" in ToneBlameClassifier().fit(X, y).classes_[1]
