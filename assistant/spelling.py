"""Typo correction against the knowledge's own vocabulary (rapidfuzz).

A word the knowledge already knows is never changed; an unknown word becomes the closest known
word of similar length when it is close enough, preferring words the knowledge uses often.
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict

import numpy as np
from rapidfuzz import fuzz, process

from assistant.textnorm import STOPWORDS, fold, words

_ENDINGS = ("able", "ible", "er", "ment", "ness")
_WORD = re.compile(r"[a-z0-9]+(?:\+\+|#|\.js\b)?")
_VOWEL = re.compile(r"[aeiouy]")
# A short word is a typo of a word one letter longer or shorter at most: two letters more or less
# make another word ("lisbon" is not "lion", "sas" is not "sales").
SHORT_WORD = 6
_ACRONYM_LENGTH = 4     # "thnks" (five letters, no vowel) is still read as a typo of "thanks"


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
        # The most used first: of words equally close to a typo, the five kept per length are the
        # likeliest ones, whatever order the sets of words come in.
        candidates = set(domain) | {w for w, n in english.items() if n >= ENGLISH_CANDIDATE_FREQUENCY}
        for word in sorted(candidates, key=lambda w: (-(domain.get(w, 0) + english.get(w, 0) / 1000), w)):
            if len(word) >= 3 and not word.isdigit():
                self._by_length[len(word)].append(word)
        self._near: dict[int, _Candidates] = {}
        self._near = {n: self._near_length(n) for n in range(3, max(self._by_length, default=0) + 3)}

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
        if len(word) <= _ACRONYM_LENGTH and not _VOWEL.search(word) and not (word[-1] == "s" and self.known(word[:-1])):
            return None     # "dbt", "rng": a short word without a vowel is an acronym, not a typo ("mscs" is read as msc)
        best, best_key = None, None
        # The five closest of each length within two of the word's, lengths in increasing order:
        # one scoring pass over the words of those lengths that can reach the cutoff at all.
        taken: Counter[int] = Counter()
        cutoff = _cutoff(len(word))
        for candidate, score, _ in process.extract(word, self._near_length(len(word)).within(word, cutoff),
                                                   scorer=fuzz.ratio, score_cutoff=cutoff, limit=None):
            if taken[len(candidate)] == 5:
                continue
            taken[len(candidate)] += 1
            # Same first letter is the commonest case for real typos; the knowledge's own words
            # beat general English ones; frequency breaks ties.
            bonus = (4 if candidate[0] == word[0] else 0) + (3 if candidate in self.domain_ else 0)
            usage = self.domain_.get(candidate, 0) + self.english_.get(candidate, 0) / 1000
            key = (score + bonus + 2 * math.log10(1 + usage), usage, -len(candidate))
            if best_key is None or key > best_key:
                best, best_key = candidate, key
        return best

    def _near_length(self, length: int) -> "_Candidates":
        """The candidate words two letters shorter to two longer than `length` (one, for a word of
        SHORT_WORD letters or fewer), shortest first."""
        near = self._near.get(length)
        if near is None:
            spread = 1 if length <= SHORT_WORD else 2
            near = _Candidates([w for n in range(length - spread, length + spread + 1) for w in self._by_length.get(n, ())])
        return near

    def correct(self, text: str, protected=frozenset()) -> tuple[str, dict[str, str]]:
        """Folded text with unknown words corrected, and the corrections made; `protected` words
        (acronyms, names) are never changed."""
        folded = fold(text)
        corrections: dict[str, str] = {}
        domain, english = self.domain_, self.english_
        if all(len(word) < 3 or word in domain or word in english or word in STOPWORDS for word in _WORD.findall(folded)):
            return folded, corrections      # every word known (most messages): nothing to suggest

        def replace(match: re.Match) -> str:
            word = match.group(0)
            fixed = None if word in protected else self.suggest(word)
            if fixed:
                corrections[word] = fixed
                return fixed
            return word

        return _WORD.sub(replace, folded), corrections


def _letters(word: str) -> int:
    """The characters of a word as bits of a 64-bit mask (two characters may share a bit)."""
    mask = 0
    for ch in word:
        mask |= 1 << (ord(ch) & 63)
    return mask


class _Candidates:
    """Candidate words with their character masks, to set aside at once those too unlike a word
    for fuzz.ratio to reach a cutoff. A character one word has and the other lacks costs at least
    one insertion or deletion, so the masks' difference bounds the Indel distance from below;
    fuzz.ratio is 100 * (1 - distance / (len(a) + len(b))). Words set aside would score under the
    cutoff: the scoring pass over the rest gives the same matches, in the same order."""

    def __init__(self, words: list[str]):
        self.words = words
        self.masks = np.array([_letters(w) for w in words], dtype=np.uint64)
        self.lengths = np.array([len(w) for w in words], dtype=np.float64)

    def within(self, word: str, cutoff: float) -> list[str]:
        if not self.words:
            return []
        mask = np.uint64(_letters(word))
        unlike = np.bitwise_count(self.masks & ~mask) + np.bitwise_count(~self.masks & mask)
        allowed = (1.0 - cutoff / 100.0) * (self.lengths + len(word)) + 1e-9
        words = self.words
        return [words[i] for i in np.flatnonzero(unlike <= allowed).tolist()]

