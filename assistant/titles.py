"""Finding course titles mentioned in a message, fuzzily ("the google data analytics cert")."""
from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from assistant.models import Course
from assistant.retriever import TfidfRetriever
from assistant.textnorm import fold, tokenize

# Words that say what to do with a course rather than which course it is.
_COMMAND = re.compile(
    r"\b(?:compare|comparison|versus|vs|tell me (?:more )?about|more about|details (?:on|of|about)|"
    r"info(?:rmation)? (?:on|about)|how long (?:is|does)|is|who teaches|what level is|which is better|"
    r"which one|the|course|courses|class|specialization|certificate|cert|program|please|and|or|with|"
    r"between|a|an|of|on|about|it|take|free)\b")


@dataclass(frozen=True)
class TitleMention:
    course: Course
    score: float
    start: int
    end: int


class TitleMatcher:
    def __init__(self, courses: list[Course], quality):
        self.courses = courses
        self.quality = quality
        self.index_ = TfidfRetriever({"title": [c.title for c in courses]})
        self._folded = [fold(c.title) for c in courses]

    def find(self, text: str, limit: int = 3, min_score: float = 86.0) -> list[TitleMention]:
        """Course titles mentioned in `text`, in the order they appear; duplicates of one title
        (the same course on several providers) resolve to the best-rated copy."""
        folded = fold(text)
        if not tokenize(_COMMAND.sub(" ", folded)):
            return []
        found: list[TitleMention] = []
        for index, _ in self.index_.search(folded, k=40):
            title = self._folded[index]
            if len(title) < 6:
                continue
            alignment = fuzz.partial_ratio_alignment(title, folded, score_cutoff=min_score - 10)
            if alignment is None:
                continue
            span = folded[alignment.dest_start:alignment.dest_end]
            # A long title only partly named must still be named by its distinctive words.
            coverage = len(span) / len(title)
            score = alignment.score
            if coverage < 0.98:
                score = min(score, fuzz.token_set_ratio(title, folded))
                if len(tokenize(span)) < 2 and coverage < 0.98:
                    continue
            if score < min_score:
                continue
            found.append(TitleMention(self.courses[index], score, alignment.dest_start, alignment.dest_end))
        chosen: list[TitleMention] = []
        for mention in sorted(found, key=lambda m: (-m.score, -(m.end - m.start), -self.quality(m.course))):
            if any(m.start < mention.end and mention.start < m.end for m in chosen):
                continue
            chosen.append(mention)
            if len(chosen) == limit:
                break
        return sorted(chosen, key=lambda m: m.start)
