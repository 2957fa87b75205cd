"""Read every knowledge file, validate it, and return one Knowledge object: all or nothing."""
from __future__ import annotations

import re
from pathlib import Path

from assistant.errors import KnowledgeError
from assistant.knowledge_catalog import load_catalog, load_featured
from assistant.knowledge_records import ID_PATTERN, _identified, _Record
from assistant.models import Concept, Decline, FaqEntry, IntentExamples, Knowledge, Section, Topic
from assistant.paths import KNOWLEDGE_DIR, PROJECT_ROOT  # noqa: F401 (PROJECT_ROOT: evaluation, engine)
from assistant.yaml_lines import load_yaml

DEFAULT_KNOWLEDGE_DIR = KNOWLEDGE_DIR       # knowledge/, or the package's copy when installed
SMALL_TALK_INTENTS = ("greet", "thanks", "goodbye", "help", "out_of_scope")
KNOWN_INTENTS = ("recommend", "compare", "course_info", "faq") + SMALL_TALK_INTENTS
MIN_INTENT_EXAMPLES = 5

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
    return [Decline(decline_id, _distinct_words(record, 1), record.text("reply"), bool(record.flag("advise")))
            for record, decline_id in _identified(path, "decline")]


# ---------------------------------------------------------------- faq.yaml

def load_faqs(path: Path, section_ids: set[str], topic_ids: set[str]) -> list[FaqEntry]:
    faqs = []
    for record, faq_id in _identified(path, "FAQ entry"):
        section, topics = record.section(section_ids), record.topics(topic_ids)
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
