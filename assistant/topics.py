"""The topic vocabulary: find topic tags in text by their synonyms (whole words or phrases).

>>> from assistant.models import Topic
>>> tagger = TopicTagger([Topic("ml", "Machine learning", ("machine learning", "ml")),
...                       Topic("cpp", "C++", ("c++",)), Topic("r", "R", ("r",))])
>>> tagger.tag("Intro to ML with C++ and R")
['ml', 'cpp', 'r']
>>> tagger.tag("programming for every reader")
[]
"""
from __future__ import annotations

import re
from pathlib import Path

from assistant.textnorm import fold


_TOKEN = re.compile(r"\.net\b|[a-z0-9]+(?:\+\+|#|\.js\b)?")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(fold(text))


class TopicTagger:
    """Matches synonyms as token sequences, longest first at each position (so "deep learning"
    is one match, not "learning" inside it); the cost is linear in the text's length."""

    def __init__(self, topics):
        self.topics = list(topics)
        self._phrases: dict[tuple[str, ...], str] = {}
        for topic in self.topics:
            for synonym in topic.synonyms:
                key = tuple(_tokens(synonym))
                if key:
                    self._phrases.setdefault(key, topic.id)
        self._longest = max((len(k) for k in self._phrases), default=1)

    @classmethod
    def from_yaml(cls, path: Path) -> "TopicTagger":
        from assistant.knowledge import load_topics
        return cls(load_topics(Path(path)))

    def _matches(self, text: str):
        tokens = _tokens(text)
        i = 0
        while i < len(tokens):
            for n in range(min(self._longest, len(tokens) - i), 0, -1):
                topic = self._phrases.get(tuple(tokens[i:i + n]))
                if topic is not None:
                    yield topic
                    i += n
                    break
            else:
                i += 1

    def tag(self, text: str) -> list[str]:
        """Topic ids named in `text`, in order of first appearance, each once."""
        return list(dict.fromkeys(self._matches(text)))

    def count(self, text: str) -> dict[str, int]:
        """How often each topic is named in `text`."""
        counts: dict[str, int] = {}
        for topic in self._matches(text):
            counts[topic] = counts.get(topic, 0) + 1
        return counts
