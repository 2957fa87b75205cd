"""Typo correction against the knowledge's own vocabulary (rapidfuzz).

A word the knowledge already knows is never changed; an unknown word becomes the closest known
word of similar length when it is close enough, preferring words the knowledge uses often.
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict

from rapidfuzz import fuzz, process

from assistant.textnorm import STOPWORDS, fold, words

_ENDINGS = ("able", "ible", "er", "ment", "ness")
_WORD = re.compile(r"[a-z0-9]+(?:\+\+|#|\.js\b)?")


def _cutoff(length: int) -> float:
    # Short words need a closer match: one slip in three letters is a lot ("dta" -> "data").
    if length <= 3:
        return 85.0
    if length <= 5:
        return 79.0
    return 76.0


# English words at least this frequent (pyspellchecker's counts) are known and never changed;
# the more frequent ones are also candidates for corrections.
ENGLISH_KNOWN_FREQUENCY = 500
ENGLISH_CANDIDATE_FREQUENCY = 20000


def english_words(min_frequency: int) -> dict[str, int]:
    from spellchecker import SpellChecker   # only needed while building the vocabulary
    frequencies = SpellChecker().word_frequency.dictionary
    return {w: n for w, n in frequencies.items() if n >= min_frequency and w.isalpha()}


class SpellingCorrector:
    """`texts` are the knowledge's own texts: a word used there at least twice is known, and
    `extra_words` (topic synonyms, provider names) always are."""

    def __init__(self, texts, extra_words=(), english: dict[str, int] | None = None):
        counts: Counter[str] = Counter()
        for text in texts:
            counts.update(words(text))
        domain = {w: n for w, n in counts.items() if n >= 2}
        for phrase in extra_words:
            for word in words(phrase):
                domain[word] = domain.get(word, 0) + 2
        english = english_words(ENGLISH_KNOWN_FREQUENCY) if english is None else english
        self.domain_ = domain
        self.english_ = english
        self.counts_ = domain
        self._by_length: dict[int, list[str]] = defaultdict(list)
        for word in set(domain) | {w for w, n in english.items() if n >= ENGLISH_CANDIDATE_FREQUENCY}:
            if len(word) >= 3 and not word.isdigit():
                self._by_length[len(word)].append(word)
        self._by_near_length: dict[int, list[str]] = {}
        self._by_near_length = {n: self._near_length(n) for n in range(3, max(self._by_length, default=0) + 3)}

    def known(self, word: str) -> bool:
        if word in self.domain_ or word in self.english_ or word in STOPWORDS:
            return True
        # A known word with an everyday ending is a word too ("employable", "tester"), not a typo.
        return any(word.endswith(ending) and (word[:-len(ending)] in self.english_
                                              or word[:-len(ending)] in self.domain_)
                   for ending in _ENDINGS if len(word) - len(ending) >= 4)

    def suggest(self, word: str) -> str | None:
        """The correction for an unknown word, or None when it is known or nothing is close."""
        if len(word) < 3 or word.isdigit() or self.known(word) or any(ch.isdigit() for ch in word):
            return None
        best, best_key = None, None
        # The five closest of each length within two of the word's, lengths in increasing order:
        # one scoring pass over the words of those lengths, listed together at build time.
        taken: Counter[int] = Counter()
        for candidate, score, _ in process.extract(word, self._near_length(len(word)), scorer=fuzz.ratio,
                                                   score_cutoff=_cutoff(len(word)), limit=None):
            if taken[len(candidate)] == 5:
                continue
            taken[len(candidate)] += 1
            # Same first letter is the commonest case for real typos; the knowledge's own words
            # beat general English ones; frequency breaks ties.
            bonus = (4 if candidate[0] == word[0] else 0) + (3 if candidate in self.domain_ else 0)
            usage = self.domain_.get(candidate, 0) + self.english_.get(candidate, 0) / 1000
            key = (score + bonus + 3 * math.log10(1 + usage), usage, -len(candidate))
            if best_key is None or key > best_key:
                best, best_key = candidate, key
        return best

    def _near_length(self, length: int) -> list[str]:
        """The candidate words two letters shorter to two longer than `length`, shortest first."""
        near = self._by_near_length.get(length)
        if near is None:
            near = [w for n in range(length - 2, length + 3) for w in self._by_length.get(n, ())]
        return near

    def correct(self, text: str, protected=frozenset()) -> tuple[str, dict[str, str]]:
        """Folded text with unknown words corrected, and the corrections made; `protected` words
        (acronyms, names) are never changed."""
        folded = fold(text)
        corrections: dict[str, str] = {}

        def replace(match: re.Match) -> str:
            word = match.group(0)
            fixed = None if word in protected else self.suggest(word)
            if fixed:
                corrections[word] = fixed
                return fixed
            return word

        return _WORD.sub(replace, folded), corrections
