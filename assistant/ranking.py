"""Ranking that earns "best": hard filters, relaxation when nothing matches, relevance x quality.

Quality is a Bayesian average of the rating (many reviews are trusted more than a few), and,
for courses the listing gives no rating, their enrolment or review count as a weaker signal.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from assistant.catalog_columns import CatalogColumns, estimated_hours
from assistant.filters import LEVEL_ORDER, Filters
from assistant.memo import Memo
from assistant.models import Course

# When nothing matches, filters are dropped in this order: the least important first.
# "more_topics" keeps the first topic of several ("advanced c++ for a website": C++ first).
RELAXATION_ORDER = ("min_rating", "certificate", "program", "max_hours", "organization", "provider",
                    "max_price", "free", "language", "more_topics", "level", "topics")
# A level asked for that no course has: the levels tried instead, nearest first.
NEARER_LEVELS = {"Advanced": ("Intermediate", "Mixed"), "Intermediate": ("Mixed",), "Beginner": ("Mixed",)}
RELEVANCE_SATURATION = 0.85       # share of the top score that counts as fully relevant
RELEVANCE_SATURATION_BEST = 0.7   # ... when the learner asks for the best / most popular
PRIOR_REVIEWS = 500  # reviews that count as much as the catalog's mean rating in the Bayesian average


def compact_number(value: float | int) -> str:
    """267900 -> '267.9k', 1400000 -> '1.4M'."""
    if value >= 1_000_000:
        return f"{value / 1_000_000:.1f}".rstrip("0").rstrip(".") + "M"
    if value >= 1_000:
        return f"{value / 1_000:.1f}".rstrip("0").rstrip(".") + "k"
    return str(int(value))


@dataclass(frozen=True)
class RankResult:
    """Immutable, so that a memoised result can be handed to every conversation that asks."""
    courses: tuple[Course, ...]
    scores: tuple[float, ...]
    filters: Filters          # the filters finally applied
    relaxed: tuple[str, ...]  # names of the filters dropped to find anything
    total: int                # how many courses matched the applied filters


def positions_in(ordered: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Where `values` stand in `ordered` (ascending, as the retriever lists documents), for those
    that are in it: a few binary searches, where np.isin would sort both arrays."""
    if not len(ordered) or not len(values):
        return np.empty(0, dtype=np.intp)
    places = np.searchsorted(ordered, values)
    inside = places < len(ordered)
    places = places[inside]
    return places[ordered[places] == values[inside]]


class CourseRanker:
    def __init__(self, courses: list[Course], retriever, vocabulary, topic_names: dict[str, str]):
        self.courses = courses
        self.retriever = retriever
        self.vocabulary = vocabulary
        self.topic_names = topic_names
        self.quality_ = self._quality(courses)
        self._index = {c.id: i for i, c in enumerate(courses)}
        self._english = np.array([c.language == "English" for c in courses])
        # Listings with the same title, platform and organization ("Google UX Design" twice) share
        # a number: one reply shows one of them.
        listed: dict[tuple, int] = {}
        self._listing = np.array([listed.setdefault((c.title.casefold(), c.provider, c.organization), len(listed))
                                  for c in courses])
        self.columns = CatalogColumns(courses, vocabulary)
        self.memo = Memo()

    @staticmethod
    def _quality(courses: list[Course]) -> np.ndarray:
        rated = [(c.rating, c.reviews or 0) for c in courses if c.rating is not None]
        mean = sum(r for r, _ in rated) / len(rated) if rated else 4.0
        crowd = np.array([math.log1p(max(c.enrolled or 0, (c.reviews or 0) * 10)) for c in courses])
        popularity = crowd / crowd.max() if len(crowd) and crowd.max() > 0 else crowd
        quality = np.empty(len(courses), dtype=np.float32)
        for i, course in enumerate(courses):
            if course.rating is not None:
                votes = course.reviews or 0
                bayes = (votes * course.rating + PRIOR_REVIEWS * mean) / (votes + PRIOR_REVIEWS)
                quality[i] = 0.7 * min(max(bayes - 4.0, 0.0), 1.0) + 0.3 * popularity[i]
            else:
                # Without a rating, popularity is the only signal, and a weaker one.
                quality[i] = 0.15 + 0.5 * popularity[i]
        return quality

    def quality(self, course: Course) -> float:
        return float(self.quality_[self._index[course.id]])

    def filter_mask(self, docs: np.ndarray, filters: Filters) -> np.ndarray:
        return self.columns.mask(docs, filters)

    def satisfies(self, course: Course, filters: Filters) -> bool:
        return self.columns.satisfies(course, filters)

    # ------------------------------------------------------------ ranking

    def _candidates(self, query: str) -> tuple[np.ndarray, np.ndarray]:
        docs, scores = self.retriever.scores(query) if query.strip() else (np.empty(0, int), np.empty(0))
        return docs, scores

    def _rank_with(self, docs, scores, filters: Filters, lean_on_quality: bool, exclude: set[str], limit: int):
        """The best `limit` courses that pass the filters, their scores, and how many pass."""
        top = float(scores.max()) if len(docs) else None        # the best match of all, filters or not
        if not len(docs):
            docs = np.arange(len(self.courses))
        allowed = self.filter_mask(docs, filters)
        if exclude:
            shown = np.fromiter((self._index[i] for i in exclude if i in self._index), dtype=docs.dtype)
            allowed[positions_in(docs, shown)] = False
        if not allowed.all():
            # Only the courses that pass the filters are scored: no other can be chosen.
            passing = np.flatnonzero(allowed)
            docs = docs[passing]
            if top is not None:
                scores = scores[passing]
        if top is not None:
            # Relevance saturates: every course close enough to the best match counts as fully on
            # topic, so that among those, quality decides (a rare word in a title must not sink it).
            saturation = RELEVANCE_SATURATION_BEST if lean_on_quality else RELEVANCE_SATURATION
            relevance = np.minimum(scores / (top * saturation), 1.0)
        else:
            relevance = np.ones(len(docs), dtype=np.float32)
        quality = self.quality_[docs]
        if not filters.language:
            # Unless a language was asked for, courses in English come first.
            relevance = relevance * np.where(self._english[docs], 1.0, 0.7)
        if lean_on_quality:
            combined = relevance * (0.25 + 0.75 * quality)
        else:
            combined = relevance * (0.6 + 0.4 * quality)
        # Keep weakly related courses out unless they carry the topic asked for, and then only
        # when fewer than two courses match the words themselves ("free ruby on rails": the two
        # free Rails courses, not a free HTML course of the same topic after them).
        keep = relevance >= 0.25
        if filters.topics and np.count_nonzero(keep) < 2:
            keep[:] = True      # every course here passes the filters, so carries the topics
        chosen = np.flatnonzero(keep)
        count = len(chosen)
        if 0 < limit and 4 * limit < count:
            # Only those at or above the limit-th best score can be among the best (ties kept;
            # two more for listings shown once), so the sort below orders a handful, not the whole
            # catalog of an empty query.
            values = combined[chosen]
            chosen = chosen[values >= np.partition(values, count - limit - 2)[count - limit - 2]]
        order = chosen[np.lexsort((docs[chosen], -combined[chosen]))]
        if limit > 0:
            order = self._one_per_listing(order, docs, limit)
        return [self.courses[docs[p]] for p in order], [float(combined[p]) for p in order], count

    def _one_per_listing(self, order: np.ndarray, docs: np.ndarray, limit: int) -> list:
        """The first `limit` of `order`, a course listed twice (same title, platform and
        organization) only the first time."""
        kept, seen = [], set()
        for position in order.tolist():
            listing = int(self._listing[docs[position]])
            if listing not in seen:
                seen.add(listing)
                kept.append(position)
                if len(kept) == limit:
                    break
        return kept

    def rank(self, query: str, filters: Filters, *, lean_on_quality: bool = False,
             exclude: set[str] | frozenset = frozenset(), limit: int = 3) -> RankResult:
        """The best `limit` courses for `query` under `filters`, leaving out the ids in `exclude`;
        when none passes, filters are dropped in RELAXATION_ORDER until some do."""
        key = (query, filters, lean_on_quality, frozenset(exclude), limit)
        return self.memo.get_or_compute(key, self._rank, *key)

    def _rank(self, query: str, filters: Filters, lean_on_quality: bool, exclude: frozenset,
              limit: int) -> RankResult:
        docs, scores = self._candidates(query)
        relaxed: list[str] = []
        applied = filters
        if filters.topics and len(docs) == 0:
            docs, scores = self._candidates(" ".join(self.topic_names.get(t, t) for t in filters.topics))
        ranked, ranked_scores, total = self._rank_with(docs, scores, applied, lean_on_quality, exclude, limit)
        # Without a topic to hold results on subject, courses that pass the filters but miss the
        # query's most distinctive word ("free recommender systems" answered with free courses on
        # "systems") count as no match: the filters are relaxed, and the reply says so.
        key_docs = None if filters.topics else self.retriever.key_term_documents(query)
        fallback = (ranked, ranked_scores, applied, list(relaxed), total)

        def misses(courses) -> bool:
            return bool(courses) and key_docs is not None and len(key_docs) > 0 and not len(positions_in(
                key_docs, np.array([self._index[c.id] for c in courses], dtype=key_docs.dtype)))

        for name in RELAXATION_ORDER:
            if ranked and not misses(ranked):
                break
            if (len(applied.topics) < 2 if name == "more_topics" else getattr(applied, name) in (None, ())):
                continue
            relaxed.append(name)
            # No advanced course: the nearest level before any level ("intermediate C++", not beginner)
            for near in NEARER_LEVELS.get(applied.level, ()) if name == "level" else ():
                nearer = replace(applied, level=near)
                found = self._rank_with(docs, scores, nearer, lean_on_quality, exclude, limit)
                if found[0] and not misses(found[0]):
                    applied, (ranked, ranked_scores, total) = nearer, found
                    break
            else:
                applied = replace(applied, topics=applied.topics[:1]) if name == "more_topics" else applied.without(name)
                ranked, ranked_scores, total = self._rank_with(docs, scores, applied, lean_on_quality, exclude, limit)
            if ranked and not fallback[0]:
                fallback = (ranked, ranked_scores, applied, list(relaxed), total)
        if misses(ranked) or not ranked:
            ranked, ranked_scores, applied, relaxed, total = fallback   # the first courses found
        return RankResult(tuple(ranked), tuple(ranked_scores), applied, tuple(relaxed), total)

    # ------------------------------------------------------------ explaining

    def why(self, course: Course, filters: Filters) -> str:
        """A short reason built from the course's data: 'beginner level, Python, rated 4.8/5 from 267.9k reviews'."""
        return self.memo.get_or_compute(("why", course.id, filters), self._why, course, filters)

    def _why(self, course: Course, filters: Filters) -> str:
        parts = []
        if course.level and course.level != "Mixed":
            parts.append(f"{course.level.lower()} level")
        elif course.level == "Mixed":
            parts.append("all levels")
        shown = [t for t in filters.topics if t in course.topics] or list(course.topics[:1])
        parts.extend(self.topic_names.get(t, t) for t in shown[:2])
        if course.rating is not None and course.reviews:
            parts.append(f"rated {course.rating:g}/5 from {compact_number(course.reviews)} reviews")
        elif course.rating is not None:
            parts.append(f"rated {course.rating:g}/5")
        elif course.enrolled:
            parts.append(f"{compact_number(course.enrolled)} enrolled")
        elif course.reviews:
            parts.append(f"{compact_number(course.reviews)} reviews")
        if course.free:
            parts.append("free" if course.provider != "edX" else "free to audit")
        hours = estimated_hours(course)
        if filters.max_hours is not None and hours is not None:
            parts.append(f"about {hours:g} hours")
        if filters.certificate and course.certificate:
            parts.append("certificate")
        if filters.program and course.program:
            parts.append(f"part of a {course.program} program")
        if filters.language and course.language != "English":
            parts.append(f"in {course.language}")
        return ", ".join(parts)


def level_step(level: str | None, step: int) -> str:
    """The level one step harder (step=1) or easier (step=-1) than `level`."""
    index = LEVEL_ORDER.index(level) if level in LEVEL_ORDER else 0
    return LEVEL_ORDER[max(0, min(len(LEVEL_ORDER) - 1, index + step))]
