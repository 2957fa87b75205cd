"""The three listing formats the catalog import reads (Coursera 2023, edX 2021, Udemy 2017): each
row converted to the catalog's facts (and the prose read only for topic tags), with the small
parsers they share (counts, hours, prices, lists; a title's language: listing_language.py).
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Callable

from assistant.listing_language import guess_language

# ---------------------------------------------------------------- small values

def clean(text) -> str | None:
    """Text with runs of whitespace (newlines too) folded to one space; None when empty."""
    if text is None:
        return None
    text = " ".join(str(text).split())
    return text or None


def clean_title(text) -> str | None:
    """A title without the stray double quotes a broken CSV row leaves ('Options"' -> 'Options')."""
    text = clean(text)
    if text and text.count('"') % 2:
        text = clean(text.replace('"', ""))
    return text


def parse_count(text) -> int | None:
    """'9.9k' -> 9900, '1.2m' -> 1200000, '25,442' -> 25442, '' or 'NA' -> None."""
    text = (clean(text) or "").lower().replace(",", "")
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    if scale != 1:
        text = text[:-1]
    try:
        value = float(text) * scale
    except ValueError:
        return None
    return int(round(value)) if value >= 0 else None


def parse_float(text) -> float | None:
    try:
        return float(str(text).strip())
    except (TypeError, ValueError):
        return None


def parse_list(text) -> list[str]:
    """"['Python', 'SQL', 'Python']" -> ['Python', 'SQL']: a Python list literal, read safely
    (literal_eval evaluates no code), de-duplicated in order; anything else -> []."""
    text = (text or "").strip()
    if not text.startswith("["):
        return []
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return []
    if not isinstance(value, (list, tuple)):
        return []
    items = (clean(item) for item in value if isinstance(item, (str, int, float)))
    return list(dict.fromkeys(item for item in items if item))


_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def parse_hours(text) -> float | None:
    """Udemy's content length: '1.5' (hours), '4.5 hours', '43 mins' -> hours; 0 -> None."""
    text = (clean(text) or "").lower()
    number = _NUMBER.search(text)
    if not number:
        return None
    hours = float(number.group())
    if re.search(r"\bmin", text):
        hours /= 60
    return round(hours, 2) if hours > 0 else None


def hours_text(hours: float | None) -> str | None:
    if hours is None:
        return None
    if hours < 1:
        return f"{round(hours * 60)} minutes"
    return "1 hour" if hours == 1 else f"{hours:g} hours"


def http_url(text) -> str | None:
    text = clean(text)
    return text if text and text.startswith(("http://", "https://")) else None


# ---------------------------------------------------------------- one converter per listing
# Each takes a CSV row (column -> text) and returns (catalog facts, prose). The prose is only
# ever handed to the topic tagger.

_LEVELS = {"beginner": "Beginner", "introductory": "Beginner", "beginner level": "Beginner",
           "intermediate": "Intermediate", "intermediate level": "Intermediate",
           "advanced": "Advanced", "expert level": "Advanced",
           "mixed": "Mixed", "all levels": "Mixed"}


def _level(text) -> str:
    return _LEVELS.get((clean(text) or "").lower(), "Mixed")


def _coursera(row: dict) -> tuple[dict, str]:
    title = clean_title(row.get("course_title"))
    kind = clean(row.get("course_certificate_type"))
    url = http_url(row.get("course_url"))
    rating = parse_float(row.get("course_rating"))
    record = {
        "title": title,
        "provider": "Coursera",
        "organization": clean(row.get("course_organization")),
        "level": _level(row.get("course_difficulty")),
        "rating": rating if rating is not None and 0 <= rating <= 5 else None,
        "reviews": parse_count(row.get("course_reviews_num")),
        "enrolled": parse_count(row.get("course_students_enrolled")),
        "duration": clean(row.get("course_time")),       # a band ("3 - 6 Months"), not hours
        # every Coursera offering ends in a certificate of its kind: "Specialization certificate"
        "certificate": (kind if "certificate" in kind.lower() else f"{kind} certificate") if kind else None,
        "kind": kind,
        "language": guess_language(title or "", url) or "English",
        "skills": parse_list(row.get("course_skills")),
        "url": url,
    }
    prose = " ".join(filter(None, [row.get("course_description"), " ".join(parse_list(row.get("course_summary")))]))
    return record, prose


_EFFORT = re.compile(r"(\d+(?:\.\d+)?)\s*(?:(?:[–—-]|to)\s*(\d+(?:\.\d+)?))?\s*(?:hours?|hrs?)\s*(?:per|a|/)\s*week", re.I)
_LENGTH = re.compile(r"(\d+(?:\.\d+)?)\s*(weeks?|months?)", re.I)
_DOLLARS = re.compile(r"\$\s*(\d+(?:,\d{3})*(?:\.\d+)?)")


def edx_hours(effort, length) -> float | None:
    """Total hours from '2–4 hours per week' (the midpoint, 3) times '6 Weeks': 18.0."""
    weekly = _EFFORT.search(effort or "")
    span = _LENGTH.search(length or "")
    if not (weekly and span):
        return None
    low = float(weekly.group(1))
    high = float(weekly.group(2) or low)
    weeks = float(span.group(1)) * (52 / 12 if span.group(2).lower().startswith("month") else 1)
    return round(weeks * (low + high) / 2, 1)


def edx_price(text) -> tuple[bool | None, float | None, str | None]:
    """(free, price, certificate) from the price text:
    'FREE-Add a Verified Certificate for $49 USD' -> (True, None, 'Verified certificate ($49)');
    '$300 USD' -> (False, 300.0, 'Verified certificate'); '' -> (None, None, None)."""
    text = clean(text) or ""
    dollars = _DOLLARS.search(text)
    amount = dollars.group(1).replace(",", "") if dollars else None
    if text.lower().startswith("free"):
        return True, None, (f"Verified certificate (${amount})" if amount else None)
    if amount:
        return False, float(amount), "Verified certificate"
    return None, None, None


def _edx(row: dict) -> tuple[dict, str]:
    free, price, certificate = edx_price(row.get("price"))
    hours = edx_hours(row.get("course_effort"), row.get("course_length"))
    # "Nina Huntemann-Robyn Belair": names are joined by hyphens (a hyphenated name splits too;
    # the listing leaves no way to tell them apart)
    instructors = list(dict.fromkeys(filter(None, (clean(n) for n in (row.get("instructors") or "").split("-")))))
    record = {
        "title": clean_title(row.get("title")),
        "provider": "edX",
        "organization": clean(row.get("institution")),
        "instructors": instructors,
        "level": _level(row.get("Level")),
        "enrolled": parse_count(row.get("n_enrolled")),
        "duration": clean(row.get("course_length")),
        "hours": hours,
        "price": price,
        "free": free,
        "certificate": certificate,
        "language": clean(row.get("language")) or "English",
        "kind": clean(row.get("course_type")),
        "subject": clean(row.get("subject")),
        "url": http_url(row.get("course_url")),
    }
    prose = " ".join(filter(None, [row.get("summary"), row.get("course_description"), row.get("course_syllabus")]))
    record["program"] = edx_program(prose)
    return record, prose


# edX's programmes, as a listing's text names the one a course is part of ("This course is part of
# a MicroMasters® Program"): the name each is written with in the catalog.
_EDX_PROGRAMS = {"micromasters": "MicroMasters", "microbachelors": "MicroBachelors", "xseries": "XSeries"}
_EDX_PROGRAM = re.compile(r"\b(micro ?masters|micro ?bachelors|xseries)\b", re.IGNORECASE)


def edx_program(prose: str) -> str | None:
    """The edX programme the listing's text first names, or None.

    >>> edx_program("Week one of four. Counts towards a MicroMasters® credential.")
    'MicroMasters'
    >>> edx_program("Third course of an XSeries"), edx_program("a course on time series")
    ('XSeries', None)
    """
    found = _EDX_PROGRAM.search(prose or "")
    return _EDX_PROGRAMS[found.group(1).lower().replace(" ", "")] if found else None


def _udemy(row: dict) -> tuple[dict, str]:
    paid = {"true": True, "false": False}.get((clean(row.get("is_paid")) or "").lower())
    price = parse_float(row.get("price"))
    hours = parse_hours(row.get("content_duration"))
    title = clean_title(row.get("course_title"))
    url = http_url(row.get("url"))
    record = {
        "title": title,
        "provider": "Udemy",
        "level": _level(row.get("level")),
        "reviews": parse_count(row.get("num_reviews")),      # Udemy's listing has counts, no rating
        "enrolled": parse_count(row.get("num_subscribers")),
        "duration": hours_text(hours),
        "hours": hours,
        "price": price if paid and price else None,
        "free": None if paid is None else not paid,
        # Udemy gives a certificate of completion with paid courses only
        "certificate": "Certificate of completion" if paid else None,
        "language": guess_language(title or "", url) or "English",
        "kind": "Course",
        "subject": clean(row.get("subject")),
        "url": url,
    }
    return record, ""


@dataclass(frozen=True)
class ListingFormat:
    provider: str
    columns: frozenset[str]                       # header columns that identify the listing
    convert: Callable[[dict], tuple[dict, str]]
    multiline_fields: bool                        # may a quoted field hold newlines?
    source_id: str | None = None                  # the provider's own course id, when listed


FORMATS = (
    ListingFormat("Coursera", frozenset({"course_title", "course_organization", "course_certificate_type",
                                         "course_rating", "course_difficulty"}), _coursera, True),
    ListingFormat("edX", frozenset({"title", "institution", "Level", "course_effort", "course_length", "price"}),
                  _edx, True),
    # Udemy's titles are one line each: a record spanning lines is two rows run together
    ListingFormat("Udemy", frozenset({"course_id", "course_title", "is_paid", "num_subscribers",
                                      "content_duration"}), _udemy, False, source_id="course_id"),
)


def detect_format(columns) -> ListingFormat | None:
    columns = {c.strip() for c in columns if c}
    for listing in FORMATS:
        if listing.columns <= columns:
            return listing
    return None
