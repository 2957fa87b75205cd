"""YAML loading that remembers where every mapping starts, so errors can name the line."""
from __future__ import annotations

from pathlib import Path

import yaml

from assistant.errors import KnowledgeError

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineDict(dict):
    """A mapping read from YAML; `line` is where it starts (1-based), `key_lines` per key."""

    line: int = 0
    key_lines: dict

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class _LineLoader(_BaseLoader):
    pass


def _construct_mapping(loader, node, deep=False):
    loader.flatten_mapping(node)
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise KnowledgeError("", key_node.start_mark.line + 1, f"unusable key {key!r}") from None
        if key in mapping:
            raise KnowledgeError("", key_node.start_mark.line + 1, f"key {key!r} appears twice")
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(path: Path):
    """Parse a YAML file; every mapping in the result is a LineDict.

    Raises KnowledgeError naming the file and line for a missing file or broken YAML.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KnowledgeError(path, None, "file is missing") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise KnowledgeError(path, None, f"cannot read file: {exc}") from None
    try:
        return yaml.load(text, Loader=_LineLoader)
    except KnowledgeError as exc:
        raise KnowledgeError(path, exc.line, exc.message) from None
    except yaml.MarkedYAMLError as exc:
        # An unclosed bracket or quote is reported where it was opened, not where the file ends.
        unclosed = exc.context and ("flow" in exc.context or "quoted" in exc.context)
        mark = (exc.context_mark if unclosed else None) or exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = " ".join(filter(None, [exc.context, exc.problem]))
        raise KnowledgeError(path, line, f"broken YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise KnowledgeError(path, None, f"broken YAML: {exc}") from None
