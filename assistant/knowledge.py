"""Read every knowledge file, validate it, and return one Knowledge object: all or nothing."""
from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

from assistant.errors import KnowledgeError
from assistant.models import (LEVELS, Concept, Course, Decline, FaqEntry, IntentExamples, Knowledge, Resource,
                              Section, Topic)
from assistant.paths import KNOWLEDGE_DIR, PROJECT_ROOT
from assistant.yaml_lines import LineDict, load_yaml

DEFAULT_KNOWLEDGE_DIR = KNOWLEDGE_DIR       # knowledge/, or the package's copy when installed

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
SMALL_TALK_INTENTS = ("greet", "thanks", "goodbye", "help", "out_of_scope")
KNOWN_INTENTS = ("recommend", "compare", "course_info", "faq") + SMALL_TALK_INTENTS
MIN_INTENT_EXAMPLES = 5


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


class _Record:
    """Typed access to one mapping of a knowledge file; every error names file and line."""

    def __init__(self, path: Path, mapping, what: str, line: int | None = None):
        self.path = path
        self.what = what
        if not isinstance(mapping, dict):
            raise KnowledgeError(path, line, f"{what}: expected a mapping, got {type(mapping).__name__}")
        self.mapping = mapping
        self.line = getattr(mapping, "line", None) or line

    def fail(self, key: str | None, message: str):
        line = self.mapping.line_of(key) if isinstance(self.mapping, LineDict) and key else self.line
        raise KnowledgeError(self.path, line, f"{self.what}: {message}")

    def text(self, key: str, required: bool = True) -> str | None:
        value = self.mapping.get(key)
        if value is None:
            if required:
                self.fail(None, f"'{key}' is missing")
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(key, f"'{key}' must be non-empty text, got {value!r}")
        return value.strip()

    def texts(self, key: str, minimum: int = 0) -> tuple[str, ...]:
        value = self.mapping.get(key, [])
        if value is None:
            value = []
        if not isinstance(value, list):
            self.fail(key, f"'{key}' must be a list of texts, got {type(value).__name__}")
        for position, item in enumerate(value, start=1):
            if not isinstance(item, str) or not item.strip():
                hint = " (quote items that contain ': ')" if isinstance(item, dict) else ""
                self.fail(key, f"'{key}' item {position} must be non-empty text, got {item!r}{hint}")
        if len(value) < minimum:
            self.fail(key, f"'{key}' needs at least {minimum} items, has {len(value)}")
        return tuple(v.strip() for v in value)

    def number(self, key: str, low: float | None = None, high: float | None = None) -> float | None:
        value = self.mapping.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(key, f"'{key}' must be a number, got {value!r}")
        if (low is not None and value < low) or (high is not None and value > high):
            self.fail(key, f"'{key}' must be between {low} and {high}, got {value!r}")
        return value

    def flag(self, key: str) -> bool | None:
        value = self.mapping.get(key)
        if value is not None and not isinstance(value, bool):
            self.fail(key, f"'{key}' must be true or false, got {value!r}")
        return value

    def ident(self, key: str = "id") -> str:
        value = self.text(key)
        if not ID_PATTERN.match(value):
            self.fail(key, f"'{key}' must be lowercase letters, digits and dashes, got {value!r}")
        return value


def _top_list(path: Path, data, key: str | None = None) -> list:
    if key is not None:
        if not isinstance(data, dict) or key not in data:
            raise KnowledgeError(path, 1, f"expected a top-level '{key}:' mapping key")
        data = data[key]
    if data is None:
        data = []
    if not isinstance(data, list):
        raise KnowledgeError(path, getattr(data, "line", 1), "expected a list of entries")
    return data


def _identified(path: Path, what: str):
    """(record, id) for each entry of a list file whose entries have unique ids; a missing, badly
    formed or repeated id stops loading with the file and line."""
    seen: dict[str, int | None] = {}
    for entry in _top_list(path, load_yaml(path)):
        record = _Record(path, entry, what)
        ident = record.ident()
        record.what = f"{what} {ident!r}"
        if ident in seen:
            record.fail("id", f"duplicate id (first on line {seen[ident]})")
        seen[ident] = record.line
        yield record, ident


# ---------------------------------------------------------------- roadmap.md

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
_HEADING_ID = re.compile(r"^(.*?)\s*\{#([^}]*)\}$")


def load_roadmap(path: Path) -> list[Section]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise KnowledgeError(path, None, "file is missing") from None
    sections: list[Section] = []
    current: dict | None = None
    parent_id: str | None = None
    seen: dict[str, int] = {}

    def close():
        if current is not None:
            text = "\n".join(current["lines"]).strip()
            sections.append(Section(current["id"], current["title"], current["level"], text,
                                    current["parent"]))

    for number, line in enumerate(lines, start=1):
        heading = _HEADING.match(line)
        if not heading:
            if current is None:
                if line.strip():
                    raise KnowledgeError(path, number, "text before the '# Title' line")
                continue
            current["lines"].append(line)
            continue
        level, title = len(heading.group(1)), heading.group(2)
        if level == 1:
            if current is not None:
                raise KnowledgeError(path, number, "a second '# Title' line; use '## Heading {#id}'")
            current = {"id": "introduction", "title": title, "level": 1, "lines": [], "parent": None}
            seen["introduction"] = number
            continue
        if level > 3:
            if current is None:
                raise KnowledgeError(path, number, "heading before the '# Title' line")
            current["lines"].append(line)
            continue
        with_id = _HEADING_ID.match(title)
        if not with_id:
            raise KnowledgeError(path, number, f"heading {title!r} needs an id: '{heading.group(1)} {title} {{#some-id}}'")
        title, section_id = with_id.group(1).strip(), with_id.group(2).strip()
        if not ID_PATTERN.match(section_id):
            raise KnowledgeError(path, number, f"section id {section_id!r} must be lowercase letters, digits and dashes")
        if section_id in seen:
            raise KnowledgeError(path, number, f"section id {section_id!r} is already used on line {seen[section_id]}")
        if current is None:
            raise KnowledgeError(path, number, "the file must start with a '# Title' line")
        seen[section_id] = number
        close()
        if level == 2:
            parent_id = section_id
        current = {"id": section_id, "title": title, "level": level, "lines": [],
                   "parent": parent_id if level == 3 else None}
    close()
    if not sections:
        raise KnowledgeError(path, None, "no sections found: start with '# Title' and '## Heading {#id}' lines")
    return sections


# ---------------------------------------------------------------- topics.yaml

def load_topics(path: Path) -> list[Topic]:
    topics = []
    for record, topic_id in _identified(path, "topic"):
        synonyms = tuple(s.lower() for s in record.texts("synonyms", minimum=1))
        topics.append(Topic(topic_id, record.text("name"), synonyms))
    return topics


# ---------------------------------------------------------------- concepts.yaml, declines.yaml

def _distinct_words(record, minimum: int) -> tuple[str, ...]:
    """An entry's `words`, lower-cased; a word listed twice stops loading with file and line."""
    words = tuple(w.lower() for w in record.texts("words", minimum=minimum))
    repeated = next((w for i, w in enumerate(words) if w in words[:i]), None)
    if repeated is not None:
        record.fail("words", f"{repeated!r} is listed twice")
    return words


def load_concepts(path: Path) -> list[Concept]:
    """Optional: a knowledge folder without concepts.yaml has no concept groups."""
    if not path.exists():
        return []
    return [Concept(concept_id, _distinct_words(record, 2)) for record, concept_id in _identified(path, "concept")]


def load_declines(path: Path) -> list[Decline]:
    """Optional: a knowledge folder without declines.yaml declines nothing by name."""
    if not path.exists():
        return []
    return [Decline(decline_id, _distinct_words(record, 1), record.text("reply"))
            for record, decline_id in _identified(path, "decline")]


# ---------------------------------------------------------------- faq.yaml

def load_faqs(path: Path, section_ids: set[str], topic_ids: set[str]) -> list[FaqEntry]:
    faqs = []
    for record, faq_id in _identified(path, "FAQ entry"):
        section = record.text("section")
        if section not in section_ids:
            record.fail("section", f"'section' names unknown roadmap section {section!r}")
        topics = record.texts("topics")
        for topic in topics:
            if topic not in topic_ids:
                record.fail("topics", f"unknown topic {topic!r} (see topics.yaml)")
        faqs.append(FaqEntry(faq_id, record.text("question"), record.texts("phrasings", minimum=2),
                             record.text("answer"), section, topics, bool(record.flag("courses"))))
    return faqs


# ---------------------------------------------------------------- intents.yaml

def load_intents(path: Path) -> dict[str, IntentExamples]:
    data = load_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("intents"), dict):
        raise KnowledgeError(path, 1, "expected a top-level 'intents:' mapping")
    intents = {}
    table = data["intents"]
    for name, entry in table.items():
        line = table.line_of(name)
        if name not in KNOWN_INTENTS:
            raise KnowledgeError(path, line, f"unknown intent {name!r}; known: {', '.join(KNOWN_INTENTS)}")
        record = _Record(path, entry, f"intent {name!r}", line)
        examples = record.texts("examples", minimum=MIN_INTENT_EXAMPLES)
        replies = record.texts("replies", minimum=1 if name in SMALL_TALK_INTENTS else 0)
        intents[name] = IntentExamples(name, examples, replies)
    missing = [n for n in KNOWN_INTENTS if n not in intents]
    if missing:
        raise KnowledgeError(path, 1, f"intents missing: {', '.join(missing)}")
    return intents


# ---------------------------------------------------------------- catalog/*.jsonl

_COURSE_TEXT = ("organization", "duration", "certificate", "kind", "subject", "url", "blurb")
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
        section = record.text("section")
        if section not in section_ids:
            record.fail("section", f"unknown roadmap section {section!r}")
        topics = record.texts("topics")
        for topic in topics:
            if topic not in topic_ids:
                record.fail("topics", f"unknown topic {topic!r} (see topics.yaml)")
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
        section = record.text("section")
        if section not in section_ids:
            record.fail("section", f"unknown roadmap section {section!r}")
        resources.append(Resource(record.text("title"), record.text("kind"), section,
                                  record.text("note"), record.text("provider", required=False),
                                  record.texts("topics")))
    return courses, resources


def _replace(course: Course, **changes) -> Course:
    values = {name: getattr(course, name) for name in Course.__slots__}
    values.update(changes)
    return Course(**values)


# ---------------------------------------------------------------- all of it

def load_knowledge(folder: str | Path | None = None) -> Knowledge:
    """Load and cross-check every knowledge file in `folder`; raise KnowledgeError on the first problem."""
    folder = Path(folder) if folder else DEFAULT_KNOWLEDGE_DIR
    if not folder.is_dir():
        raise KnowledgeError(folder, None, "knowledge folder not found")
    sections = load_roadmap(folder / "roadmap.md")
    section_ids = {s.id for s in sections}
    topics = load_topics(folder / "topics.yaml")
    topic_ids = {t.id for t in topics}
    faqs = load_faqs(folder / "faq.yaml", section_ids, topic_ids)
    intents = load_intents(folder / "intents.yaml")
    courses = load_catalog(folder / "catalog", topic_ids)
    courses, resources = load_featured(folder / "featured.yaml", courses, section_ids, topic_ids)
    concepts = load_concepts(folder / "concepts.yaml")
    declines = load_declines(folder / "declines.yaml")
    return Knowledge(sections=sections, faqs=faqs, topics=topics, courses=courses,
                     intents=intents, resources=resources, concepts=concepts, declines=declines)
