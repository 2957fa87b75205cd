"""The classifier's query-time features agree with scikit-learn's fitted pipeline."""
import numpy as np

from assistant.intents import IntentClassifier, normalize

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
        reference = classifier.model_.predict_proba(classifier.features_.transform([normalize(text)]))[0]
        for label, probability in zip(classifier.classes_, reference):
            assert abs(mine[label] - probability) < 1e-9, text


def test_the_most_likely_intent_comes_first():
    scores = IntentClassifier(EXAMPLES).classify("any good python course for beginners?")
    assert scores.intent == "recommend"
    assert scores.ranking[0][1] >= scores.ranking[1][1] >= scores.ranking[2][1]
    assert np.isclose(sum(p for _, p in scores.ranking), 1.0)
