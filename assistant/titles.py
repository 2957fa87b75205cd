"""Finding course titles mentioned in a message, fuzzily ("the google data analytics cert").

Every course is known by its full title and, for titles like "Learning How to Learn: Powerful
mental tools ...", by the part before the colon. A name is mentioned when (nearly) all of it
appears in the message, allowing for typos (rapidfuzz alignment).

Which names are worth aligning is found through keys: a name written in a message has two of its
words side by side, or one apart ("data analytics", "google ... analytics"), as the name has them.
Each name is listed under a few such pairs, the ones fewest names share, chosen so that a typo in
any one of its words leaves a key standing; a one-word name under its word, a two-word name also
under its rarer word ("start trek"). A message then looks up its own pairs: a few dictionary reads
instead of a search of every name, and only names that can be there are aligned.

A short word of a name (three letters or fewer, not a stopword: the "C" of "C Programming", "IBM",
"Web") must be in the message as it is: a one-letter difference there is another name ("R
programming" is not "C Programming"), not a typo.
"""
from __future__ import annotations

import re
from collections import Counter
from itertools import chain
from dataclasses import dataclass

from rapidfuzz import fuzz

from assistant.memo import Memo
from assistant.models import Course
from assistant.retriever import TfidfRetriever
from assistant.textnorm import STOPWORDS, tokenize, words

_SPLIT_MAIN = re.compile(r"\s*(?::|\s-\s|\(|\|)\s*")


@dataclass(frozen=True)
class TitleMention:
    course: Course
    score: float
    start: int
    end: int
    full: bool = True      # the whole title, not just the part before its colon


def _names(title: str) -> list[str]:
    full = " ".join(words(title))
    letters = sum(ch.isalnum() for ch in title)
    if len(full.replace(" ", "")) * 2 < letters:
        return []       # a title mostly in another script: its Latin words ("Google") are not its name
    names = [full]
    main = " ".join(words(_SPLIT_MAIN.split(title, maxsplit=1)[0]))
    if main != full and len(main.split()) >= 2 and len(main) >= 8:
        names.append(main)
    return names


def pairs(tokens: list[str]) -> list[tuple[str, ...]]:
    """The keys a run of index tokens holds: each token alone, and each pair of tokens side by
    side or one apart."""
    return [(t,) for t in tokens] + list(zip(tokens, tokens[1:])) + list(zip(tokens, tokens[2:]))


def name_keys(tokens: list[str], uses: Counter) -> list[tuple[str, ...]]:
    """The keys a name is listed under (`uses`: how many names hold each key): enough that a typo
    in any one word of the name leaves one of them in the message, and the rarest such."""
    if len(tokens) == 1:
        return [(tokens[0],)]
    keyed = list(dict.fromkeys(list(zip(tokens, tokens[1:])) + list(zip(tokens, tokens[2:]))))    # its pairs
    if len(tokens) == 2:        # the pair, and the rarer word: "start trek" still finds Star Trek
        return keyed + [min(((t,) for t in tokens), key=lambda k: (uses[k], k))]
    if len(tokens) == 3:        # every pair: a typo in one word leaves the other two's pair
        return keyed
    keyed.sort(key=lambda k: (uses[k], k))
    first = keyed[0]
    second = next((k for k in keyed[1:] if not set(k) & set(first)), None)
    return [first] if second is None else [first, second]


class TitleMatcher:
    def __init__(self, courses: list[Course], quality):
        self.courses = courses
        self.quality = quality
        self._names: list[str] = []
        self._owner: list[int] = []
        self._full: list[bool] = []
        for index, course in enumerate(courses):
            for number, name in enumerate(_names(course.title)):
                if len(name) >= 6:
                    self._names.append(name)
                    self._owner.append(index)
                    self._full.append(number == 0)
        self.index_ = TfidfRetriever({"name": self._names})     # best_named's search
        tokens = [tokenize(name) for name in self._names]
        uses = Counter(key for t in tokens for key in set(pairs(t)))
        listed: dict[tuple[str, ...], list[int]] = {}
        for position, name_tokens in enumerate(tokens):
            if name_tokens:
                for key in name_keys(name_tokens, uses):
                    listed.setdefault(key, []).append(position)
        self._listed = {key: tuple(positions) for key, positions in listed.items()}
        self._short = [frozenset(w for w in name.split() if len(w) <= 3 and w not in STOPWORDS) for name in self._names]
        self.memo = Memo()

    def find(self, text: str, limit: int = 3, min_score: float = 88.0) -> list[TitleMention]:
        """Course titles mentioned in `text`, in the order they appear; a title shared by several
        courses (the same course on several providers) resolves to the best-rated copy. Recent
        answers are kept (`memo`): a message is read for titles more than once."""
        return list(self.memo.get_or_compute((text, limit, min_score), self._find, text, limit, min_score))

    def _find(self, text: str, limit: int, min_score: float) -> tuple[TitleMention, ...]:
        plain = " ".join(words(text))
        if not plain:
            return ()
        candidates = set(chain.from_iterable(filter(None, map(self._listed.get, pairs(tokenize(plain))))))
        found: list[tuple[TitleMention, int]] = []
        present = set(plain.split())
        for position in candidates:
            name = self._names[position]
            if len(name) > len(plain):
                continue       # a name longer than the message is not all in it
            if not self._short[position] <= present:
                continue       # "c programming" is not "r programming"
            alignment = fuzz.partial_ratio_alignment(name, plain, score_cutoff=min_score)
            if alignment is None:
                continue
            matched = plain[alignment.dest_start:alignment.dest_end]
            if len(matched) < 0.9 * len(name):
                continue       # only part of the name is in the message
            if all(w in STOPWORDS for w in matched.split()):
                continue
            course = self.courses[self._owner[position]]
            found.append((TitleMention(course, alignment.score, alignment.dest_start, alignment.dest_end,
                                       self._full[position]), position))
        chosen: list[TitleMention] = []
        ranked = [m for m, _ in sorted(found, key=lambda f: (-round(f[0].score), -(f[0].end - f[0].start), not f[0].full,
                                                             -self.quality(f[0].course), f[1]))]
        for mention in ranked:
            if any(m.start < mention.end and mention.start < m.end for m in chosen):
                continue
            chosen.append(mention)
            if len(chosen) == limit:
                break
        return tuple(sorted(chosen, key=lambda m: m.start))

    def best_named(self, text: str, min_score: float = 80.0) -> Course | None:
        """The course whose title best covers a short text that names one course loosely."""
        plain = " ".join(words(text))
        best, best_key = None, None
        for position, _ in self.index_.search(plain, k=20):
            score = fuzz.token_set_ratio(self._names[position], plain)
            course = self.courses[self._owner[position]]
            key = (score, self.quality(course))
            if score >= min_score and (best_key is None or key > best_key):
                best, best_key = course, key
        return best
