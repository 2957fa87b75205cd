"""Reading knowledge files: typed access to each entry, every error naming the file and line."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from assistant.errors import KnowledgeError
from assistant.yaml_lines import LineDict, load_yaml

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")


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

    def section(self, section_ids) -> str:
        """The 'section' field, which must name a section of the roadmap."""
        section = self.text("section")
        if section not in section_ids:
            self.fail("section", f"unknown roadmap section {section!r}")
        return section

    def topics(self, topic_ids) -> tuple[str, ...]:
        """The 'topics' list, each of which topics.yaml must define."""
        topics = self.texts("topics")
        for topic in topics:
            if topic not in topic_ids:
                self.fail("topics", f"unknown topic {topic!r} (see topics.yaml)")
        return topics

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
