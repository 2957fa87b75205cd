"""The comparison table and a verdict grounded in the courses' data."""
from __future__ import annotations

from assistant.models import Course
from assistant.ranking import compact_number, estimated_hours

UNKNOWN = "unknown"


def _rating(course: Course, reviews: str = " ({} reviews)") -> str:
    """'4.8/5 (267.9k reviews)' for the table; `reviews=" from {} reviews"` for a sentence."""
    if course.rating is None:
        return UNKNOWN
    count = reviews.format(compact_number(course.reviews)) if course.reviews else ""
    return f"{course.rating:g}/5{count}"


def _price(course: Course) -> str:
    if course.free is True:
        return "Free to audit" if course.provider == "edX" else "Free"
    if course.price is not None:
        return f"${course.price:g}"
    if course.free is False:
        return "Paid"
    return UNKNOWN


def _duration(course: Course) -> str:
    hours = course.hours
    if course.duration and hours and "hour" not in course.duration.lower():
        return f"{course.duration} (~{hours:g} h)"
    return course.duration or (f"~{hours:g} h" if hours else UNKNOWN)


ROWS = [
    ("Provider", lambda c: c.provider),
    ("Organization", lambda c: c.organization or UNKNOWN),
    ("Level", lambda c: c.level),
    ("Rating", _rating),
    ("Learners", lambda c: compact_number(c.enrolled) if c.enrolled else UNKNOWN),
    ("Duration", _duration),
    ("Price", _price),
    ("Certificate", lambda c: c.certificate or UNKNOWN),
    ("Language", lambda c: c.language),
    ("Main skills", lambda c: ", ".join(c.skills[:3]) or UNKNOWN),
]


def verdict(courses: list[Course], quality) -> str:
    sentences = []
    for_beginners = [c for c in courses if c.level == "Beginner"] or [c for c in courses if c.level == "Mixed"]
    if for_beginners and len(for_beginners) < len(courses):
        sentences.append(f"For a beginner, **{for_beginners[0].title}** is the gentler start "
                         f"({for_beginners[0].level.lower()} level).")
    elif len({c.level for c in courses}) == 1:
        sentences.append(f"{'Both' if len(courses) == 2 else 'All'} are {courses[0].level.lower()} level.")
    # Mixed ("all levels") says nothing about depth: a course "goes deeper" only when its stated
    # level is above every other's; otherwise only length can tell them apart (length is not depth).
    order = {"Beginner": 0, "Intermediate": 1, "Advanced": 2}
    hours = {c.id: estimated_hours(c) for c in courses}
    hardest = max(courses, key=lambda c: order.get(c.level, -1))
    longest = max(courses, key=lambda c: hours[c.id] or 0)
    if all(c.level in order for c in courses) and all(
            order[hardest.level] > order[c.level] for c in courses if c is not hardest):
        detail = f"{hardest.level.lower()} level" + (f", about {hours[hardest.id]:g} hours" if hours[hardest.id] else "")
        sentences.append(f"**{hardest.title}** goes deeper ({detail}).")
    elif all(hours.values()) and all(hours[longest.id] > hours[c.id] for c in courses if c is not longest):
        sentences.append(f"**{longest.title}** is the longer course (about {hours[longest.id]:g} hours).")
    rated = [c for c in courses if c.rating is not None]
    if rated:
        best = max(rated, key=quality)
        sentences.append(f"Best rated: **{best.title}** ({_rating(best, ' from {} reviews')}).")
    everyone = "Both" if len(courses) == 2 else "All"
    if not rated:
        sentences.append(f"{'Neither' if len(courses) == 2 else 'None of them'} has a rating listed.")
    elif len(rated) < len(courses):
        missing = [c.title for c in courses if c.rating is None]
        sentences.append(f"No rating is listed for {', '.join(missing)}.")
    free = [c for c in courses if c.free is True]
    if free and len(free) == len(courses):
        audit = " to audit" if all(c.provider == "edX" for c in courses) else ""
        sentences.append(f"{everyone} are free{audit}.")
    elif free:
        sentences.append("Free: " + ", ".join(f"**{c.title}**" for c in free) + ".")
    elif all(c.free is None for c in courses):
        sentences.append("Prices are not listed for these.")
    return " ".join(sentences)


def build_comparison(courses: list[Course], cards: list[dict], quality) -> dict:
    rows = [{"label": label, "values": [value(c) for c in courses]} for label, value in ROWS]
    return {"courses": cards, "rows": rows, "verdict": verdict(courses, quality)}
