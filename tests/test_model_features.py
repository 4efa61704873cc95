import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError

from analyzer.model.features import SentenceFeaturizer, lexicon_scores, politeness_markers

TEXTS = ["Thank you so much, I'm sorry about the wait!", "You failed to pay. Pay immediately.",
         "Could you please send the order number?", "Your parcel is out for delivery today."]


def _frame():
    frame = pd.DataFrame({"text": TEXTS})
    frame["cue_span_apology"] = [1.0, 0.0, 0.0, 0.0]
    frame["cue_second_person_failure"] = [0.0, 1.0, 0.0, 0.0]
    return frame


def test_featurizer_combines_every_family_into_one_sparse_matrix():
    featurizer = SentenceFeaturizer(min_df=1).fit(_frame())
    matrix = featurizer.transform(_frame())
    names = featurizer.get_feature_names_out()
    assert matrix.shape == (4, len(names))
    assert {"cue_span_apology", "vader_compound", "politeness_please"} <= set(names)
    assert any(n.startswith("word:") for n in names) and any(n.startswith("char:") for n in names)


def test_switching_a_family_off_removes_its_columns():
    names = SentenceFeaturizer(min_df=1, use_chars=False, use_lexicon=False).fit(_frame()).get_feature_names_out()
    assert not any(n.startswith("char:") for n in names) and "vader_compound" not in names


def test_plain_strings_are_accepted_without_cue_columns():
    featurizer = SentenceFeaturizer(min_df=1, use_cues=False).fit(TEXTS)
    assert featurizer.transform(["Thanks!"]).shape[0] == 1


def test_missing_cue_columns_at_transform_time_are_an_error():
    featurizer = SentenceFeaturizer(min_df=1).fit(_frame())
    with pytest.raises(ValueError, match="cue columns missing"):
        featurizer.transform(pd.DataFrame({"text": ["hello"]}))


def test_transform_before_fit_raises_not_fitted():
    with pytest.raises(NotFittedError):
        SentenceFeaturizer().transform(TEXTS)


def test_politeness_markers_find_the_papers_strategies():
    markers = politeness_markers(["Could you please check?", "So why is this broken?"])
    from analyzer.model.features import _markers

    names = list(_markers())
    assert markers[0, names.index("counterfactual_modal")] == 1 and markers[0, names.index("please")] == 1
    assert markers[1, names.index("direct_start")] == 1 and markers[1, names.index("question")] == 1


def test_vader_scores_separate_warm_from_hostile():
    warm, hostile = lexicon_scores(["Thank you, that's wonderful, I'm so happy to help!", "You are a liar and a thief."])
    assert warm[3] > 0.5 > -0.5 > hostile[3]
