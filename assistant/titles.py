"""Finding course titles mentioned in a message, fuzzily ("the google data analytics cert").

Every course is known by its full title and, for titles like "Learning How to Learn: Powerful
mental tools ...", by the part before the colon. A name is mentioned when (nearly) all of it
appears in the message, allowing for typos (rapidfuzz alignment).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from assistant.memo import Memo
from assistant.models import Course
from assistant.retriever import TfidfRetriever
from assistant.textnorm import STOPWORDS, words

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
        self.index_ = TfidfRetriever({"name": self._names})
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
        found: list[TitleMention] = []
        for position, _ in self.index_.search(plain, k=40):
            name = self._names[position]
            if len(name) > len(plain):
                continue       # a name longer than the message is not all in it
            alignment = fuzz.partial_ratio_alignment(name, plain, score_cutoff=min_score)
            if alignment is None:
                continue
            matched = plain[alignment.dest_start:alignment.dest_end]
            if len(matched) < 0.9 * len(name):
                continue       # only part of the name is in the message
            if all(w in STOPWORDS for w in matched.split()):
                continue
            course = self.courses[self._owner[position]]
            found.append(TitleMention(course, alignment.score, alignment.dest_start, alignment.dest_end,
                                      self._full[position]))
        chosen: list[TitleMention] = []
        ranked = sorted(found, key=lambda m: (-round(m.score), -(m.end - m.start), not m.full, -self.quality(m.course)))
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
