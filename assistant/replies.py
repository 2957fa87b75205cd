"""The contract's reply object, and the course card inside it."""
from __future__ import annotations

from dataclasses import dataclass, field

from assistant.models import Course


@dataclass
class Reply:
    intent: str
    text: str
    confidence: float = 1.0
    courses: list[dict] = field(default_factory=list)
    comparison: dict | None = None
    suggestions: list[str] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)
    filters: dict = field(default_factory=dict)          # extension: what the assistant understood
    corrections: dict = field(default_factory=dict)      # extension: typos it corrected
    act: str = field(default="", compare=False)          # the detector row that chose the act (not sent)

    def to_dict(self) -> dict:
        return {
            "intent": self.intent,
            "confidence": round(float(self.confidence), 3),
            "text": self.text,
            "courses": self.courses,
            "comparison": self.comparison,
            "suggestions": self.suggestions[:4],
            "sources": self.sources,
            "filters": self.filters,
            "corrections": self.corrections,
        }


class CourseCard(dict):
    """A course card: a plain dict to everyone, that also remembers the course it was made from
    for as long as nobody changes it (`course` is None after any change). Its fields other than
    `why` are the course's own, so assistant/reply_json.py encodes them once per course."""

    __slots__ = ("course",)

    def __init__(self, course: Course, fields: dict):
        super().__init__(fields)
        self.course = course

    def __setitem__(self, key, value):
        self.course = None
        super().__setitem__(key, value)

    def __delitem__(self, key):
        self.course = None
        super().__delitem__(key)

    def __ior__(self, other):
        self.course = None
        return super().__ior__(other)

    def update(self, *args, **kwargs):
        self.course = None
        super().update(*args, **kwargs)

    def pop(self, *args):
        self.course = None
        return super().pop(*args)

    def popitem(self):
        self.course = None
        return super().popitem()

    def setdefault(self, key, default=None):
        self.course = None
        return super().setdefault(key, default)

    def clear(self):
        self.course = None
        super().clear()

    def __reduce__(self):
        return dict, (dict(self),)      # copies and pickles are plain dicts


def course_card(course: Course, why: str) -> dict:
    return CourseCard(course, {
        "id": course.id,
        "title": course.title,
        "provider": course.provider,
        "organization": course.organization,
        "level": course.level,
        "rating": course.rating,
        "rating_scale": 5,
        "reviews": course.reviews,
        "enrolled": course.enrolled,
        "duration": course.duration,
        "hours": course.hours,
        "free": course.free,
        "price": course.price,
        "certificate": course.certificate,
        "program": course.program,
        "language": course.language,
        "skills": list(course.skills[:8]),
        "topics": list(course.topics),
        "instructors": list(course.instructors),
        "url": course.url,
        "blurb": course.blurb,
        "why": why,
    })
