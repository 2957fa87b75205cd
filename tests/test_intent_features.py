"""The classifier's query-time features agree with scikit-learn's fitted pipeline."""
import numpy as np
from sklearn.linear_model import LogisticRegression

from assistant.intents import IntentClassifier, merge_matrix, normalize

EXAMPLES = {
    "recommend": ["best python course", "sql for beginners", "machine learning class?", "free excel training"],
    "greet": ["hello there", "hi!", "good morning", "hey"],
    "out_of_scope": ["what's the weather", "book a flight", "play some music", "set an alarm"],
}


def test_probabilities_match_the_sklearn_pipeline():
    classifier = IntentClassifier(EXAMPLES)
    for text in ["pyhton course?", "hey hi", "weather in paris", "x", "", "Ünïcode façade — ok?", "a  b\tc",
                 "what's a master’s worth"]:
        mine = dict(classifier.classify(text).ranking)
        features = classifier.features_.transform([normalize(text)]) @ classifier.merge_
        reference = classifier.model_.predict_proba(features)[0]
        for label, probability in zip(classifier.classes_, reference):
            assert abs(mine[label] - probability) < 1e-9, text


def test_the_most_likely_intent_comes_first():
    scores = IntentClassifier(EXAMPLES).classify("any good python course for beginners?")
    assert scores.intent == "recommend"
    assert scores.ranking[0][1] >= scores.ranking[1][1] >= scores.ranking[2][1]
    assert np.isclose(sum(p for _, p in scores.ranking), 1.0)


def test_merging_features_that_always_agree_fits_the_same_model():
    """The classifier is fitted on its n-grams with those that have the same value in every example
    merged (a third of them here): the weights are the ones the fit on every n-gram finds."""
    examples = dict(EXAMPLES, faq=["how long does it take to become a data analyst", "is a degree worth it",
                                   "what's a bootcamp", "do employers care about certificates"])
    classifier = IntentClassifier(examples)
    matrix = classifier.features_.transform([normalize(t) for items in examples.values() for t in items])
    assert classifier.merge_.shape[1] < matrix.shape[1] / 2
    labels = [intent for intent, items in examples.items() for _ in items]
    full = LogisticRegression(C=6.0, max_iter=5000, class_weight="balanced", random_state=0).fit(matrix, labels)
    assert list(full.classes_) == classifier.classes_
    np.testing.assert_allclose(classifier.intercept_, full.intercept_, atol=1e-9)
    merged_weights = classifier._features.coef
    np.testing.assert_allclose(merged_weights, full.coef_.T, atol=1e-9)
    for text in ["hello", "a data analyst course", "bootcamp worth it?"]:
        mine = dict(classifier.classify(text).ranking)
        reference = full.predict_proba(classifier.features_.transform([normalize(text)]))[0]
        assert max(abs(mine[label] - p) for label, p in zip(full.classes_, reference)) < 1e-9


def test_the_merge_matrix_groups_identical_columns():
    import scipy.sparse as sp
    matrix = sp.csr_matrix(np.array([[1.0, 0.5, 1.0, 0.0, 0.5],
                                     [0.0, 0.2, 0.0, 0.3, 0.2],
                                     [2.0, 0.0, 2.0, 0.0, 0.0]]))
    merge = merge_matrix(matrix).toarray()
    assert merge.shape == (5, 3)
    half = 1 / np.sqrt(2)
    np.testing.assert_allclose(merge, [[half, 0, 0], [0, half, 0], [half, 0, 0], [0, 0, 1], [0, half, 0]])
    # the merged column is the group's column times sqrt(size)
    np.testing.assert_allclose((matrix @ merge)[:, 0], np.sqrt(2) * matrix.toarray()[:, 0])
