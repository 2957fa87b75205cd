"""The catalog's course records (knowledge/catalog/*.jsonl) and the article's featured courses
and resources (knowledge/featured.yaml), validated: every error names the file and line."""
from __future__ import annotations

import json
from pathlib import Path

from assistant.errors import KnowledgeError
from assistant.knowledge_records import _Record, _top_list, slugify
from assistant.models import LEVELS, Course, Resource
from assistant.yaml_lines import load_yaml

# ---------------------------------------------------------------- catalog/*.jsonl

_COURSE_TEXT = ("organization", "duration", "certificate", "kind", "program", "subject", "url", "blurb")
_COURSE_LISTS = ("instructors", "skills", "topics")
_COURSE_FIELDS = set(Course.__slots__)


def _course_from_record(path: Path, number: int, raw, topic_ids: set[str]) -> Course:
    def fail(message):
        raise KnowledgeError(path, number, message)

    if not isinstance(raw, dict):
        fail(f"expected a JSON object, got {type(raw).__name__}")
    name = raw.get("id") or raw.get("title") or "?"
    for key in ("id", "title", "provider"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            fail(f"course {name!r}: '{key}' must be non-empty text")
    unknown = set(raw) - _COURSE_FIELDS
    if unknown:
        fail(f"course {name!r}: unknown field(s) {', '.join(sorted(unknown))}")
    for key in _COURSE_TEXT + ("language",):
        if raw.get(key) is not None and not isinstance(raw[key], str):
            fail(f"course {name!r}: '{key}' must be text or null, got {raw[key]!r}")
    for key in _COURSE_LISTS:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            fail(f"course {name!r}: '{key}' must be a list of texts")
    for key, low, high in (("rating", 0, 5), ("reviews", 0, None), ("enrolled", 0, None),
                           ("hours", 0, None), ("price", 0, None)):
        value = raw.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            fail(f"course {name!r}: '{key}' must be a number or null, got {value!r}")
        if value < low or (high is not None and value > high):
            fail(f"course {name!r}: '{key}' out of range: {value!r}")
    if raw.get("free") is not None and not isinstance(raw["free"], bool):
        fail(f"course {name!r}: 'free' must be true, false or null, got {raw['free']!r}")
    level = raw.get("level") or "Mixed"
    if level not in LEVELS:
        fail(f"course {name!r}: unknown level {level!r}; use one of {', '.join(LEVELS)}")
    url = raw.get("url")
    if url is not None and not url.startswith(("http://", "https://")):
        fail(f"course {name!r}: 'url' must start with http:// or https://, got {url!r}")
    for topic in raw.get("topics", []):
        if topic not in topic_ids:
            fail(f"course {name!r}: unknown topic {topic!r} (see topics.yaml)")
    values = dict(raw)
    values["level"] = level
    values["language"] = raw.get("language") or "English"
    for key in _COURSE_LISTS:
        values[key] = tuple(raw.get(key, []))
    return Course(**values)


def load_catalog(folder: Path, topic_ids: set[str]) -> list[Course]:
    files = sorted(folder.glob("*.jsonl"))
    if not files:
        raise KnowledgeError(folder, None, "no catalog files (*.jsonl): run 'course-assistant catalog import'")
    courses, seen = [], {}
    for path in files:
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    raw = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise KnowledgeError(path, number, f"broken JSON at column {exc.colno}: {exc.msg}") from None
                course = _course_from_record(path, number, raw, topic_ids)
                if course.id in seen:
                    raise KnowledgeError(path, number, f"duplicate course id {course.id!r} (first at {seen[course.id]})")
                seen[course.id] = f"{path.name}:{number}"
                courses.append(course)
    return courses


# ---------------------------------------------------------------- featured.yaml

def _normal_title(title: str) -> str:
    return " ".join(slugify(title).split("-"))


def load_featured(path: Path, courses: list[Course], section_ids: set[str], topic_ids: set[str]):
    """Enrich catalog courses the article recommends (or add them); return (courses, resources)."""
    data = load_yaml(path)
    if not isinstance(data, dict):
        raise KnowledgeError(path, 1, "expected 'courses:' and 'resources:' keys")
    by_title = {}
    for index, course in enumerate(courses):
        by_title.setdefault(_normal_title(course.title), index)
    courses = list(courses)
    for entry in _top_list(path, data.get("courses", [])):
        record = _Record(path, entry, "featured course")
        title = record.text("title")
        record.what = f"featured course {title!r}"
        section, topics = record.section(section_ids), record.topics(topic_ids)
        level = record.text("level", required=False) or "Mixed"
        if level not in LEVELS:
            record.fail("level", f"unknown level {level!r}; use one of {', '.join(LEVELS)}")
        url = record.text("url", required=False)
        if url is not None and not url.startswith(("http://", "https://")):
            record.fail("url", f"'url' must start with http:// or https://, got {url!r}")
        extra = {"blurb": record.text("blurb"), "why_recommended": record.text("why_for_ml"),
                 "section": section}
        index = by_title.get(_normal_title(title))
        if index is not None:
            old = courses[index]
            merged_topics = tuple(dict.fromkeys(old.topics + topics))
            courses[index] = _replace(old, topics=merged_topics, **extra)
        else:
            courses.append(Course(
                id=f"featured-{slugify(title)}", title=title, provider=record.text("provider"),
                organization=record.text("organization", required=False), level=level,
                rating=record.number("rating", 0, 5), url=url, topics=topics,
                free=record.flag("free"), **extra))
    resources = []
    for entry in _top_list(path, data.get("resources", [])):
        record = _Record(path, entry, "resource")
        section = record.section(section_ids)
        resources.append(Resource(record.text("title"), record.text("kind"), section,
                                  record.text("note"), record.text("provider", required=False),
                                  record.texts("topics")))
    return courses, resources


def _replace(course: Course, **changes) -> Course:
    values = {name: getattr(course, name) for name in Course.__slots__}
    values.update(changes)
    return Course(**values)
