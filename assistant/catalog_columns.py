"""The catalog's filterable facts (level, platform, organization, price, hours, rating,
certificate, programme, language, topics) as numpy columns, built once: a request's filters
become one boolean mask over the courses a search found, and one course can be checked alone.
"""
from __future__ import annotations

import numpy as np

from assistant.filters import Filters, org_key
from assistant.models import Course

# Hours behind the duration bands some providers give instead of hours.
DURATION_BAND_HOURS = {
    "less than 2 hours": 2, "1 - 4 weeks": 10, "1 - 3 months": 40, "3 - 6 months": 100,
}


def estimated_hours(course: Course) -> float | None:
    if course.hours is not None:
        return course.hours
    if course.duration:
        return DURATION_BAND_HOURS.get(course.duration.strip().lower())
    return None


def _coded(values: list) -> tuple[np.ndarray, dict]:
    """A column of categories (levels, platforms, organizations, languages) as small integer codes,
    with the code of each value: comparing codes is cheaper than comparing strings."""
    codes: dict = {}
    return np.array([codes.setdefault(v, len(codes)) for v in values], dtype=np.int32), codes


def _is(column: tuple[np.ndarray, dict], docs: np.ndarray, value) -> np.ndarray:
    """Which of `docs` have `value` in a coded column."""
    codes, code_of = column
    code = code_of.get(value)
    return codes[docs] == code if code is not None else np.zeros(len(docs), dtype=bool)


class CatalogColumns:
    def __init__(self, courses: list[Course], vocabulary):
        self.vocabulary = vocabulary
        self._columns = self._columns_of(courses)

    @staticmethod
    def _columns_of(courses: list[Course]) -> dict:
        """Every filterable fact as a numpy column, so filters are masks, not Python loops."""
        hours = [estimated_hours(c) for c in courses]
        topics: dict[str, np.ndarray] = {}
        for i, course in enumerate(courses):
            for topic in course.topics:
                topics.setdefault(topic, np.zeros(len(courses), dtype=bool))[i] = True
        return {
            "level": _coded([c.level for c in courses]),
            "provider": _coded([c.provider for c in courses]),
            "org": _coded([org_key(c.organization) if c.organization else "" for c in courses]),
            "free": np.array([c.free is True for c in courses]),
            "price": np.array([c.price if c.price is not None else np.inf for c in courses], dtype=float),
            "hours": np.array([h if h is not None else np.inf for h in hours], dtype=float),
            "rating": np.array([c.rating if c.rating is not None else -1.0 for c in courses], dtype=float),
            "certificate": np.array([bool(c.certificate) for c in courses]),
            "program": _coded([c.program or "" for c in courses]),
            "language": _coded([c.language for c in courses]),
            "topics": topics,
        }

    def mask(self, docs: np.ndarray, filters: Filters) -> np.ndarray:
        """Which of `docs` satisfy every filter (the vectorised twin of `satisfies`)."""
        col = self._columns
        mask = np.ones(len(docs), dtype=bool)
        for topic in filters.topics:
            column = col["topics"].get(topic)
            mask &= column[docs] if column is not None else False
        if filters.level:
            mask &= _is(col["level"], docs, filters.level)
        if filters.provider:
            mask &= _is(col["provider"], docs, filters.provider)
        if filters.organization:
            mask &= _is(col["org"], docs, org_key(filters.organization))
        if filters.free:
            mask &= col["free"][docs]
        if filters.max_price is not None:
            mask &= col["free"][docs] | (col["price"][docs] <= filters.max_price)
        if filters.max_hours is not None:
            mask &= col["hours"][docs] <= filters.max_hours
        if filters.min_rating is not None:
            mask &= col["rating"][docs] >= filters.min_rating
        if filters.certificate:
            mask &= col["certificate"][docs]
        if filters.program:
            mask &= _is(col["program"], docs, filters.program)
        if filters.language:
            mask &= _is(col["language"], docs, filters.language)
        return mask

    def satisfies(self, course: Course, filters: Filters) -> bool:
        """Whether one course passes every filter."""
        if filters.topics and not all(t in course.topics for t in filters.topics):
            return False
        if filters.level and course.level != filters.level:
            return False
        if filters.provider and course.provider != filters.provider:
            return False
        if filters.organization and not self.vocabulary.organization_matches(filters.organization, course.organization):
            return False
        if filters.free and course.free is not True:
            return False
        if filters.max_price is not None:
            if not (course.free is True or (course.price is not None and course.price <= filters.max_price)):
                return False
        if filters.max_hours is not None:
            hours = estimated_hours(course)
            if hours is None or hours > filters.max_hours:
                return False
        if filters.min_rating is not None and (course.rating is None or course.rating < filters.min_rating):
            return False
        if filters.certificate and not course.certificate:
            return False
        if filters.program and course.program != filters.program:
            return False
        if filters.language and course.language != filters.language:
            return False
        return True
