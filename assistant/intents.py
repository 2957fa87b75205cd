"""The intent classifier: TF-IDF over word and character n-grams with a logistic regression.

Trained at start-up on knowledge/intents.yaml (and the FAQ's phrasings, which are all `faq`).
`classify(text)` gives every intent a probability; the dialogue turns a low top probability
into out_of_scope and two close course intents into a clarifying question.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import softmax
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion

from assistant.textnorm import fold

# Tuned with `course-assistant eval` (threshold sweep on the CLINC150 dev negatives against the
# in-scope evaluation set); the intents file can override both.
DEFAULT_THRESHOLD = 0.45
DEFAULT_CLARIFY_MARGIN = 0.08


@dataclass(frozen=True)
class IntentScores:
    ranking: tuple[tuple[str, float], ...]   # (intent, probability), most likely first

    @property
    def intent(self) -> str:
        return self.ranking[0][0]

    @property
    def confidence(self) -> float:
        return self.ranking[0][1]

    def probability(self, intent: str) -> float:
        return dict(self.ranking).get(intent, 0.0)


class IntentClassifier:
    def __init__(self, examples: dict[str, list[str]], *, C: float = 6.0, seed: int = 0):
        texts, labels = [], []
        for intent, items in examples.items():
            for text in items:
                texts.append(fold(text))
                labels.append(intent)
        self.features_ = FeatureUnion([
            ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True,
                                      token_pattern=r"(?u)\b\w+\b|\?", min_df=1)),
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                                      min_df=1)),
        ])
        matrix = self.features_.fit_transform(texts)
        model = LogisticRegression(C=C, max_iter=5000, class_weight="balanced", random_state=seed)
        model.fit(matrix, labels)
        self.classes_ = list(model.classes_)
        self.coef_ = model.coef_.T.astype(np.float64)
        self.intercept_ = model.intercept_.astype(np.float64)

    def classify(self, text: str) -> IntentScores:
        row = self.features_.transform([fold(text)])
        logits = np.asarray(row @ self.coef_).ravel() + self.intercept_
        probabilities = softmax(logits)
        order = np.argsort(-probabilities)
        return IntentScores(tuple((self.classes_[i], float(probabilities[i])) for i in order))
