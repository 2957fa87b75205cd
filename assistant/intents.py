"""The intent classifier: TF-IDF over word and character n-grams with a logistic regression.

Trained at start-up on knowledge/intents.yaml (and the FAQ's phrasings, which are all `faq`).
`classify(text)` gives every intent a probability; the dialogue turns a low top probability
into out_of_scope and two close course intents into a clarifying question.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from operator import itemgetter
from itertools import chain
from dataclasses import dataclass

import numpy as np

from assistant.textnorm import fold

# Tuned with `course-assistant eval` (threshold sweep on the CLINC150 dev negatives against the
# in-scope evaluation sets, eval.yaml and eval_fresh.yaml: 0.4 refuses the fewest in-scope messages
# on both with false accepts well under 3%; 0.55 and up refuse more); the intents file can
# override both.
DEFAULT_THRESHOLD = 0.4
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


_probability = itemgetter(1)
_APOSTROPHE = re.compile(r"(?<=\w)['’](?=\w)")


def normalize(text: str) -> str:
    """Folded text without apostrophes inside words: learners write "whats", "dont" and
    "masters" as often as "what's", "don't" and "master's"."""
    return _APOSTROPHE.sub("", fold(text))


def char_wb_ngrams(text: str, low: int, high: int) -> list[str]:
    """Character n-grams inside word boundaries, padded with a space on each side
    (the same features as scikit-learn's analyzer="char_wb")."""
    grams = []
    for word in text.split():
        padded = f" {word} "
        for n in range(low, high + 1):
            if len(padded) <= n:
                grams.append(padded)   # a short word counts once, whole
                break
            grams.extend(padded[i:i + n] for i in range(len(padded) - n + 1))
    return grams


def _gram_slices(size: int) -> tuple[slice, ...]:
    """Where char_wb_ngrams cuts a padded word of `size` characters, in its order (by length of
    n-gram, then position): the cuts depend on the size alone (listed once in _SLICES for words
    of up to 40 characters)."""
    if size < len(_SLICES):
        return _SLICES[size]
    return _cut(size)


def _cut(size: int) -> tuple[slice, ...]:
    cuts = []
    for n in range(CHAR_NGRAMS[0], CHAR_NGRAMS[1] + 1):
        if size <= n:
            cuts.append(slice(0, size))
            break
        cuts.extend(slice(i, i + n) for i in range(size - n + 1))
    return tuple(cuts)


class _Features:
    """The fitted features of both blocks (word n-grams, then character n-grams: the columns of
    the FeatureUnion, in its order) as one space, applied without scikit-learn at query time: one
    pass over the message's words, one count, one product with the weights. Each block keeps its
    own L2 norm, as each vectorizer normalises its own part.

    The character n-grams never cross a word boundary, so a word's known n-grams are the same
    wherever it stands: they are listed once, at build time, for every word of the training texts,
    and a message's features are its words' lists put together."""

    def __init__(self, words, chars, coef: np.ndarray, training_words):
        self.word_ids = dict(words.vocabulary_)
        first_char = len(self.word_ids)
        self.char_ids = {gram: first_char + index for gram, index in chars.vocabulary_.items()}
        self.idf = np.concatenate([words.idf_, chars.idf_]).astype(np.float64)
        # Each feature's weights times its IDF: a feature's value is its IDF times (1 + log count),
        # over its block's norm, so a message's logits are its rows of these, each scaled by
        # (1 + log count) / norm, summed.
        self.weighted = coef * self.idf[:, None]
        self.by_word = {word: self._char_ids(word) for word in set(training_words)}

    @property
    def coef(self) -> np.ndarray:
        """The weights of the fitted model, feature by feature."""
        return self.weighted / self.idf[:, None]

    def _char_ids(self, word: str) -> tuple[int, ...]:
        """The ids of a word's known character n-grams, in char_wb_ngrams' order."""
        get, padded = self.char_ids.get, f" {word} "
        return tuple([index for index in map(get, map(padded.__getitem__, _gram_slices(len(padded)))) if index is not None])

    def logits(self, text: str) -> np.ndarray:
        # One count for both blocks, words first (their ids come before every character n-gram's):
        # unknown words and pairs count under None, dropped before the characters are counted.
        tokens = _WORD_TOKEN.findall(text)
        get = self.word_ids.get
        counts = Counter(map(get, tokens))
        counts.update(map(get, map(" ".join, zip(tokens, tokens[1:]))))
        counts.pop(None, None)
        words_found = len(counts)
        split = text.split()
        per_word = list(map(self.by_word.get, split))
        if None in per_word:        # a word no training text has: its n-grams are made here
            per_word = [self._char_ids(word) if ids is None else ids for word, ids in zip(split, per_word)]
        counts.update(chain.from_iterable(per_word))
        found = len(counts)
        if not found:
            return np.zeros(self.weighted.shape[1])
        indices = np.fromiter(counts, dtype=np.int64, count=found)
        if sum(counts.values()) == found:       # every feature once, as in most messages: 1 + log 1 = 1
            sublinear = None
            values = self.idf[indices]
        else:
            sublinear = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=found))
            values = sublinear * self.idf[indices]
        # Each block's L2 norm (words, then character n-grams), spread over its features.
        blocks = [size for size in (words_found, found - words_found) if size]
        norms = np.sqrt(np.add.reduceat(values * values, [0, blocks[0]][:len(blocks)]))
        scale = np.repeat(1.0 / norms, blocks)
        if sublinear is not None:
            scale = scale * sublinear
        return np.dot(scale, self.weighted.take(indices, axis=0))


def merge_matrix(matrix):
    """The features of `matrix` (texts x n-grams) that have the same value in every training text,
    merged: a features x groups matrix M with M[j, g] = 1/sqrt(size of g) for each feature j of
    group g, so that the model is fitted on `matrix @ M` instead of `matrix`.

    Most n-grams come in such groups: every n-gram of a word that only one example uses ("pyth",
    "ytho", "thon", ...) has the same value in every example. With an L2 penalty the fitted
    weights of a group's features are equal, and a weight b for the merged column (the group's
    column times sqrt(size)) is exactly each member weighing b/sqrt(size): same loss, same
    penalty, same predictions for any text, so the weights are `M @ coef` (by column). L-BFGS
    takes the same steps in both forms from the same start (its steps use only inner products,
    which the merge keeps), on a third of the variables; its stopping test reads the largest
    gradient component, which for a merged group is sqrt(size) times each member's, so the merged
    fit stops on the same iteration or later, never earlier.
    """
    import scipy.sparse as sp
    columns = matrix.tocsc()
    columns.sort_indices()
    groups: dict[tuple[bytes, bytes], int] = {}
    group_of = np.empty(columns.shape[1], dtype=np.int64)
    indptr, indices, data = columns.indptr, columns.indices, columns.data
    for j in range(columns.shape[1]):
        start, end = indptr[j], indptr[j + 1]
        group_of[j] = groups.setdefault((indices[start:end].tobytes(), data[start:end].tobytes()), len(groups))
    sizes = np.bincount(group_of, minlength=len(groups))
    return sp.csr_matrix((1.0 / np.sqrt(sizes[group_of]), (np.arange(len(group_of)), group_of)),
                         shape=(len(group_of), len(groups)))


_WORD_TOKEN = re.compile(r"(?u)\b\w+\b|\?")
WORD_NGRAMS = (1, 2)           # words and pairs of words (as _Features reads them)
CHAR_NGRAMS = (2, 5)
_SLICES = tuple(_cut(size) for size in range(43))     # a padded word of 1 to 40 letters


def import_fitting() -> None:
    """Import what fitting a classifier (and building a TF-IDF index) needs, before fits start on
    several threads (an import racing another on a second thread can see a module half made)."""
    import sklearn.feature_extraction.text  # noqa: F401
    import sklearn.linear_model  # noqa: F401
    import sklearn.pipeline  # noqa: F401
    import sklearn.preprocessing  # noqa: F401
    import scipy.sparse  # noqa: F401
    import threadpoolctl  # noqa: F401


class IntentClassifier:
    def __init__(self, examples: dict[str, list[str]], *, C: float = 6.0, seed: int = 0):
        # scikit-learn fits the model; answering needs only numpy (and a cached assistant
        # starts without importing scikit-learn at all).
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import FeatureUnion
        from threadpoolctl import threadpool_limits
        texts, labels = [], []
        for intent, items in examples.items():
            for text in items:
                texts.append(normalize(text))
                labels.append(intent)
        words = TfidfVectorizer(analyzer="word", ngram_range=WORD_NGRAMS, sublinear_tf=True,
                                token_pattern=_WORD_TOKEN.pattern, lowercase=False)
        chars = TfidfVectorizer(analyzer="char_wb", ngram_range=CHAR_NGRAMS, sublinear_tf=True,
                                lowercase=False)
        self.features_ = FeatureUnion([("words", words), ("chars", chars)])
        matrix = self.features_.fit_transform(texts)
        self.merge_ = merge_matrix(matrix)
        model = LogisticRegression(C=C, max_iter=5000, class_weight="balanced", random_state=seed)
        # One thread: for a problem this small, BLAS/OpenMP threads spend their time waiting on
        # each other (8 s instead of 0.7 s for the intents on this 2-core machine).
        with threadpool_limits(limits=1):
            model.fit(matrix @ self.merge_, labels)
        self.model_ = model
        self.classes_ = [str(c) for c in model.classes_]
        coef = np.asarray(self.merge_ @ model.coef_.T, dtype=np.float64)
        self.intercept_ = model.intercept_.astype(np.float64)
        self._features = _Features(words, chars, coef, (word for text in texts for word in text.split()))

    def __getstate__(self):
        # The fitted scikit-learn objects are only needed to fit and to check; keep them out of
        # the cache so that loading it does not import scikit-learn.
        state = dict(self.__dict__)
        state.pop("features_", None)
        state.pop("model_", None)
        state.pop("merge_", None)
        return state

    def classify(self, text: str) -> IntentScores:
        folded = normalize(text)
        logits = (self.intercept_ + self._features.logits(folded)).tolist()
        # The softmax of a few dozen values, in plain Python: numpy's per-call cost is most of it.
        top = max(logits)
        shifted = [math.exp(value - top) for value in logits]
        total = sum(shifted)
        ranked = sorted(zip(self.classes_, [value / total for value in shifted]), key=_probability, reverse=True)
        return IntentScores(tuple(ranked))
