"""The topic vocabulary: find topic tags in text by their synonyms (whole words or phrases).

>>> from assistant.models import Topic
>>> tagger = TopicTagger([Topic("ml", "Machine learning", ("machine learning", "ml")),
...                       Topic("cpp", "C++", ("c++",)), Topic("r", "R", ("r",))])
>>> tagger.tag("Intro to ML with C++ and R")
['ml', 'cpp', 'r']
>>> tagger.tag("programming for every reader, R&D and R&B")
[]
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from assistant.textnorm import fold

# A token is a run of letters and digits, optionally carrying the symbols that make it a
# different name: "c++", "c#", "f#", "node.js"; ".net" keeps its leading dot. Everything else
# (spaces, punctuation, "/", "-", "&") separates tokens, so "ci/cd", "front-end" and
# "front end" read alike.
_TOKEN = re.compile(r"\.net\b|[a-z0-9]+(?:\+\+|#|\.js\b)?")

# Characters that glue a one-letter token into an abbreviation: the "r" of "R&D", "R&B",
# "E-R" or "D.A.R.T." is not the language R.
_GLUE = set("&-./'’")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(fold(text))


@lru_cache(maxsize=256)
def _tokens_with_glue(text: str) -> tuple[tuple[str, ...], frozenset[int]]:
    """Tokens of `text`, and the positions of one-letter tokens glued to a neighbour. Kept for
    recent texts: every tagger (topics, concepts, matters declined, instructors, the article's
    resources) reads the same message."""
    folded = fold(text)
    tokens = _TOKEN.findall(folded)
    if not any(len(token) == 1 for token in tokens) or _GLUE.isdisjoint(folded):
        return tuple(tokens), frozenset()       # no one-letter token, or nothing to glue one to
    tokens, glued = [], set()
    for match in _TOKEN.finditer(folded):
        token = match.group()
        if len(token) == 1 and token.isalpha():
            before = folded[match.start() - 1] if match.start() > 0 else " "
            after = folded[match.end()] if match.end() < len(folded) else " "
            after_next = folded[match.end() + 1] if match.end() + 1 < len(folded) else " "
            # "R." ending a sentence is still R; "R.B" or "R&B" is an abbreviation
            if before in _GLUE or (after in _GLUE and not (after == "." and not after_next.isalnum())):
                glued.add(len(tokens))
        tokens.append(token)
    return tuple(tokens), frozenset(glued)


class TopicTagger:
    """Matches synonyms as token sequences, longest first at each position (so "deep learning"
    is one match, not "learning" inside it); the cost is linear in the text's length.

    A phrase listed under several topics tags all of them ("game design": design and game
    development), in the order the topics are listed."""

    def __init__(self, topics):
        self.topics = list(topics)
        phrases: dict[tuple[str, ...], list[str]] = {}
        for topic in self.topics:
            for synonym in topic.synonyms:
                key = tuple(_tokens(synonym))
                if key and topic.id not in phrases.setdefault(key, []):
                    phrases[key].append(topic.id)
        # The phrases as a tree of tokens: a node is [the topic ids of the phrase ending there (or
        # None), the nodes of the tokens that may follow]. Walking it from a token finds the
        # longest phrase starting there in as many steps as the phrase is long.
        self._tree: dict[str, list] = {}
        for key, topic_ids in phrases.items():
            children, node = self._tree, None
            for token in key:
                node = children.setdefault(token, [None, {}])
                children = node[1]
            node[0] = tuple(topic_ids)

    @classmethod
    def from_yaml(cls, path: Path) -> "TopicTagger":
        from assistant.knowledge import load_topics
        return cls(load_topics(Path(path)))

    def _matches(self, text: str):
        """Topic ids of each synonym occurrence in `text`, left to right."""
        tokens, glued = _tokens_with_glue(text)
        tree, size = self._tree, len(tokens)
        taken = 0           # tokens before this one belong to a phrase found
        # Only a token that starts some synonym can start a match: the others are passed over at once.
        for i in [i for i, token in enumerate(tokens) if token in tree]:
            if i < taken:
                continue
            node = tree[tokens[i]]
            # a one-letter token glued to a neighbour ("r&b") is no phrase of its own
            length, topic_ids = (1, node[0]) if node[0] is not None and i not in glued else (0, None)
            end = i + 1
            while node[1] and end < size:
                node = node[1].get(tokens[end])
                if node is None:
                    break
                end += 1
                if node[0] is not None:
                    length, topic_ids = end - i, node[0]
            if topic_ids is not None:
                phrase = tuple(tokens[i:i + length])
                for topic_id in topic_ids:
                    yield topic_id, phrase
                taken = i + length

    def tag(self, text: str) -> list[str]:
        """Topic ids named in `text`, in order of first appearance, each once."""
        return list(dict.fromkeys(topic for topic, _ in self._matches(text)))

    def named(self, text: str) -> dict[str, str]:
        """Each topic named in `text`, with the words that first named it.

        >>> from assistant.models import Topic
        >>> TopicTagger([Topic("ai", "Artificial intelligence", ("ai", "reinforcement learning"))]).named(
        ...     "a course on Reinforcement Learning")
        {'ai': 'reinforcement learning'}
        """
        found: dict[str, str] = {}
        for topic, phrase in self._matches(text):
            found.setdefault(topic, " ".join(phrase))
        return found

    def count(self, text: str) -> dict[str, int]:
        """How often each topic is named in `text`."""
        counts: dict[str, int] = {}
        for topic, _ in self._matches(text):
            counts[topic] = counts.get(topic, 0) + 1
        return counts
