"""Part of Brain: which courses a title's words or a phrase name, indexed once at build.
"Is this course about Tableau?", "which courses is 'cs50' the short name of?", "the courses whose
title has 'solution' and 'architect'"."""
from __future__ import annotations

import re

from assistant.lexicon import EVERYDAY_ENGLISH
from assistant.textnorm import normalize_word, words

_RUN = re.compile(r"\w+")
_NONE: frozenset[str] = frozenset()
SHORT_NAME_COURSES = 8      # a name more titles share is a subject ("python"), not one course's name


class CourseWords:
    def index_course_words(self, courses):
        # Each course's title and skills as plain words, for "is this course about X?"
        self._about_text = {c.id: " ".join(words(c.title + " " + " ".join(c.skills))) for c in courses}
        self._about_runs: dict[str, set[str]] = {}      # each run of word characters -> those courses
        for course_id, text in self._about_text.items():
            for run in set(_RUN.findall(text)):
                self._about_runs.setdefault(run, set()).add(course_id)
        # Each title word (plural-folded) -> the courses whose title has it: "solution architect".
        self._titled: dict[str, set[str]] = {}
        for course in courses:
            for word in words(course.title):
                self._titled.setdefault(normalize_word(word), set()).add(course.id)

    def courses_titled(self, title_words: list[str]) -> list[str]:
        """Ids of the courses whose title has every one of these (plural-folded) words, best first."""
        found = None
        for word in title_words:
            ids = self._titled.get(word, set())
            found = ids if found is None else found & ids
            if not found:
                return []
        return sorted(found or (), key=lambda i: -self.ranker.quality(self.course(i)))

    def series_named(self, term: str) -> list[str]:
        """Ids of the few courses a short name starts the titles of ("CS50's Introduction to ...",
        "CS50 for Lawyers"), best first; none when more titles share it (a subject: "python")."""
        key = normalize_word(term)
        if self.lexicon.english.get(key, 0) >= EVERYDAY_ENGLISH:
            return []       # an everyday word ("go" of "Go Beyond the Numbers") is no course's short name
        titled = self.courses_titled([key])
        if 1 <= len(titled) <= SHORT_NAME_COURSES and all(
                normalize_word(words(self.course(i).title)[0]) == key for i in titled):
            return titled
        return []

    def courses_about(self, phrase: str) -> frozenset[str]:
        """Ids of the courses whose title or skills name `phrase` ("tableau")."""
        return self.answers.get_or_compute(("about", phrase), self._courses_about, phrase)

    def is_about(self, course_id: str, phrase: str) -> bool:
        """Whether the course's title or skills name `phrase` (folded words)."""
        return re.search(rf"\b{re.escape(phrase)}\b", self._about_text[course_id]) is not None

    def _courses_about(self, phrase: str) -> frozenset[str]:
        phrase = " ".join(words(phrase))
        # only the courses that have every run of word characters of the phrase can match it
        runs = sorted((self._about_runs.get(run, _NONE) for run in set(_RUN.findall(phrase))), key=len)
        candidates = runs[0].intersection(*runs[1:]) if runs else self._about_text
        pattern = re.compile(rf"\b{re.escape(phrase)}\b")
        return frozenset(i for i in candidates if pattern.search(self._about_text[i]))
