"""One clear error for every broken knowledge file: which file, which line, what is wrong."""
from __future__ import annotations

from pathlib import Path


class KnowledgeError(Exception):
    """A knowledge file is missing, unreadable or invalid.

    >>> str(KnowledgeError("knowledge/faq.yaml", 12, "entry 'degree': 'answer' is missing"))
    "knowledge/faq.yaml:12: entry 'degree': 'answer' is missing"
    """

    def __init__(self, path: str | Path, line: int | None, message: str):
        self.path = str(path)
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"
