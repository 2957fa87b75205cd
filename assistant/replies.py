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


def course_card(course: Course, why: str) -> dict:
    return {
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
        "language": course.language,
        "skills": list(course.skills[:8]),
        "topics": list(course.topics),
        "instructors": list(course.instructors),
        "url": course.url,
        "blurb": course.blurb,
        "why": why,
    }
