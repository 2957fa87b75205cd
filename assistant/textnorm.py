"""Tokenising and normalising text, shared by every model so documents and queries agree."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Words with a symbol that matters ("c++", "c#", "node.js", ".net") survive as one token.
_TOKEN = re.compile(r"\.net\b|[a-z0-9]+(?:\+\+|#|\.js\b)?")

STOPWORDS = frozenset("""
a an the and or of to in on for with by at from as is are was were be been being it its this that
these those i me my we our you your he she they them their what which who whom how when where why
do does did can could would should will shall may might must have has had not no so if then than
too very just also about into over under out up down any some all more most other such only own
same few both each there here s t don
""".split())


# Runs of non-ASCII characters: only they can hold combining marks, so only they are walked
# character by character (a long text with one accent is otherwise 50x slower to fold).
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _without_marks(match: re.Match) -> str:
    return "".join(ch for ch in match.group() if not unicodedata.combining(ch))


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Lowercase and strip accents: 'Introducción' -> 'introduccion'."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower())
    if decomposed.isascii():
        return decomposed
    return _NON_ASCII.sub(_without_marks, decomposed)


@lru_cache(maxsize=65536)
def normalize_word(word: str) -> str:
    """A light plural folding that documents and queries share ('courses' -> 'course')."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "os")):
        return word[:-1]
    return word


def word_stem(word: str) -> str:
    """A crude stem that puts a word's forms together ("studying", "studies", "study" -> "stud"):
    for asking whether a word, in any form, is one a vocabulary uses; never for display.

    >>> [word_stem(w) for w in ("studying", "studies", "study", "graduating", "graduate", "worth")]
    ['stud', 'stud', 'stud', 'graduat', 'graduat', 'worth']
    """
    if len(word) > 5 and word.endswith(("ing", "ed")):
        word = word[:-3] if word.endswith("ing") else word[:-2]
    word = normalize_word(word)
    return word[:-1] if len(word) > 4 and word.endswith(("y", "e")) else word


def words(text: str) -> list[str]:
    """Folded word tokens, without normalisation or stopword removal."""
    return list(_words(text))


@lru_cache(maxsize=256)
def _words(text: str) -> tuple[str, ...]:
    # Several steps split the same message (about 8 calls a message, 3 or 4 on a text already split).
    return tuple(_TOKEN.findall(fold(text)))


def tokenize(text: str) -> list[str]:
    """Index tokens: folded, plural-normalised, stopwords removed."""
    return [normalize_word(w) for w in _TOKEN.findall(fold(text)) if w not in STOPWORDS]
