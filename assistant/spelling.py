"""Typo correction against the knowledge's own vocabulary (rapidfuzz).

A word the knowledge already knows is never changed; an unknown word becomes the closest known
word of similar length when it is close enough, preferring words the knowledge uses often.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict

from rapidfuzz import fuzz, process

from assistant.textnorm import STOPWORDS, fold, words

_WORD = re.compile(r"[a-z0-9]+(?:\+\+|#|\.js\b)?")


def _cutoff(length: int) -> float:
    # Short words need a closer match: one slip in three letters is a lot ("dta" -> "data").
    if length <= 3:
        return 85.0
    if length <= 5:
        return 79.0
    return 76.0


class SpellingCorrector:
    def __init__(self, texts, extra_words=()):
        counts: Counter[str] = Counter()
        for text in texts:
            counts.update(words(text))
        counts.update(w for w in extra_words)
        self.counts_ = counts
        self._by_length: dict[int, list[str]] = defaultdict(list)
        for word, count in counts.items():
            if len(word) >= 3 and not word.isdigit():
                self._by_length[len(word)].append(word)

    def known(self, word: str) -> bool:
        return word in self.counts_ or word in STOPWORDS

    def suggest(self, word: str) -> str | None:
        """The correction for an unknown word, or None when it is known or nothing is close."""
        if len(word) < 3 or word.isdigit() or self.known(word) or any(ch.isdigit() for ch in word):
            return None
        best, best_key = None, None
        for length in range(len(word) - 2, len(word) + 3):
            candidates = self._by_length.get(length)
            if not candidates:
                continue
            for candidate, score, _ in process.extract(word, candidates, scorer=fuzz.ratio,
                                                       score_cutoff=_cutoff(len(word)), limit=5):
                # Same first letter is the commonest case for real typos; frequency breaks ties.
                key = (score + (4 if candidate[0] == word[0] else 0), self.counts_[candidate])
                if best_key is None or key > best_key:
                    best, best_key = candidate, key
        return best

    def correct(self, text: str) -> tuple[str, dict[str, str]]:
        """Folded text with unknown words corrected, and the corrections made."""
        folded = fold(text)
        corrections: dict[str, str] = {}

        def replace(match: re.Match) -> str:
            word = match.group(0)
            fixed = self.suggest(word)
            if fixed:
                corrections[word] = fixed
                return fixed
            return word

        return _WORD.sub(replace, folded), corrections
