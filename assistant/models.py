"""The validated objects the rest of the assistant works with."""
from __future__ import annotations

from dataclasses import dataclass, field

LEVELS = ("Beginner", "Intermediate", "Advanced", "Mixed")


@dataclass(frozen=True, slots=True)
class Course:
    id: str
    title: str
    provider: str
    organization: str | None = None
    instructors: tuple[str, ...] = ()
    level: str = "Mixed"
    rating: float | None = None
    reviews: int | None = None
    enrolled: int | None = None
    duration: str | None = None
    hours: float | None = None
    price: float | None = None
    free: bool | None = None
    certificate: str | None = None
    language: str = "English"
    kind: str | None = None
    program: str | None = None      # a platform's programme it is part of ("MicroMasters", "XSeries")
    subject: str | None = None
    skills: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    url: str | None = None
    blurb: str | None = None
    why_recommended: str | None = None
    section: str | None = None


@dataclass(frozen=True, slots=True)
class Section:
    """A section of the roadmap article; `level` is the heading level (1 for the intro)."""

    id: str
    title: str
    level: int
    text: str
    parent: str | None = None


@dataclass(frozen=True, slots=True)
class FaqEntry:
    id: str
    question: str
    phrasings: tuple[str, ...]
    answer: str
    section: str
    topics: tuple[str, ...] = ()
    courses: bool = False


@dataclass(frozen=True, slots=True)
class Topic:
    id: str
    name: str
    synonyms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Concept:
    """Words and phrases that mean one thing in learners' questions ("paycheck", "salary",
    "earn"), so that a question can match an FAQ entry worded differently."""
    id: str
    synonyms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Decline:
    """A matter learners ask about that the assistant does not handle (payments, hardware, making
    videos): the words that name it, and what to say instead of a course list. A matter that
    `advises` (age) is one the roadmap doesn't speak to but whose question still gets its closest
    advice: the reply says so first, then answers."""
    id: str
    synonyms: tuple[str, ...]
    reply: str
    advises: bool = False


@dataclass(frozen=True, slots=True)
class Resource:
    """A learning resource the article names that is not a catalog course (a book, a course elsewhere)."""

    title: str
    kind: str
    section: str
    note: str
    provider: str | None = None
    topics: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class IntentExamples:
    name: str
    examples: tuple[str, ...]
    replies: tuple[str, ...] = ()


@dataclass
class Knowledge:
    """Everything loaded from knowledge/, validated and cross-checked."""

    sections: list[Section]
    faqs: list[FaqEntry]
    topics: list[Topic]
    courses: list[Course]
    intents: dict[str, IntentExamples]
    resources: list[Resource] = field(default_factory=list)
    concepts: list[Concept] = field(default_factory=list)
    declines: list[Decline] = field(default_factory=list)

    def __post_init__(self):
        self.course_by_id = {c.id: c for c in self.courses}
        self.faq_by_id = {f.id: f for f in self.faqs}
        self.section_by_id = {s.id: s for s in self.sections}
        self.topic_by_id = {t.id: t for t in self.topics}

    def counts(self) -> dict:
        per_provider: dict[str, int] = {}
        for course in self.courses:
            per_provider[course.provider] = per_provider.get(course.provider, 0) + 1
        return {
            "courses": len(self.courses),
            "faqs": len(self.faqs),
            "sections": len(self.sections),
            "topics": len(self.topics),
            "intents": len(self.intents),
            "concepts": len(self.concepts),
            "intent_examples": sum(len(i.examples) for i in self.intents.values()),
            "resources": len(self.resources),
            "courses_per_provider": dict(sorted(per_provider.items())),
        }
