"""Frames as compact JSON text, with each course card's fixed fields encoded once per course.

The text is exactly `json.dumps(value, ensure_ascii=False, separators=(",", ":"))` (tests compare
the two on every kind of reply). Encoding the course cards was most of the cost of a reply frame,
and a card's fields other than `why` are its course's own (assistant/replies.py: CourseCard), so
they are encoded the first time the course is shown and reused while that card is unchanged.

>>> encode({"type": "pong", "in_reply_to": "c1", "note": "é"})
'{"type":"pong","in_reply_to":"c1","note":"é"}'
"""
from __future__ import annotations

import json
import threading

from assistant.replies import CourseCard

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_string = json.encoder.encode_basestring        # a str as JSON, non-ASCII kept (as ensure_ascii=False)
if json.encoder.c_make_encoder is not None:
    # The standard library's C encoder, made once rather than per call as json.dumps does; without
    # the check for circular references, which replies (trees of fresh dicts and lists) never have.
    _chunks = json.encoder.c_make_encoder(None, _ENCODER.default, _string, None, ":", ",", False, False, True)

    def _plain(value) -> str:
        return "".join(_chunks(value, 0))
else:   # pragma: no cover - Python builds without the C accelerator
    _plain = _ENCODER.encode
_CARD_LISTS = ("courses", "comparison")         # where a reply keeps course cards
_MAX_COURSES = 100_000                          # bound on the kept card texts


def encode(value) -> str:
    """`value` as compact JSON text; dicts holding course cards (replies, frames) reuse card texts."""
    if type(value) is dict and any(key in value for key in _CARD_LISTS + ("reply",)):
        return _object(value)
    return _plain(value)


def encode_reply_frame(in_reply_to, session_id: str, reply_json: str, turn_id: str | None = None) -> str:
    """The contract's reply frame around a reply object already encoded (`reply_json`); with the
    conversation log on, `turn_id` names the turn for feedback frames (docs/PROTOCOL.md)."""
    return ('{"type":"reply","in_reply_to":' + _plain(in_reply_to) + ',"session_id":' + _plain(session_id)
            + ("" if turn_id is None else ',"turn_id":' + _plain(turn_id))
            + ',"reply":' + reply_json + "}")


def _object(obj: dict) -> str:
    parts = []
    for key, value in obj.items():
        name = _NAMES.get(key) if type(key) is str else None
        if name is None:
            if type(key) is not str:
                return _plain(obj)           # keys the standard encoder converts: let it
            name = _string(key) + ":"
        kind = type(value)
        if kind is str:
            parts.append(name + _string(value))
        elif kind is list and key == "courses":
            parts.append(name + "[" + ",".join(map(_card, value)) + "]")
        elif kind is dict and key in ("reply", "comparison"):
            parts.append(name + _object(value))
        else:
            parts.append(name + _plain(value))
    return "{" + ",".join(parts) + "}"


# The keys of frames, replies and comparisons as JSON, ready to be followed by a value.
_NAMES = {key: _string(key) + ":" for key in (
    "type", "in_reply_to", "session_id", "resumed", "reply", "intent", "confidence", "text", "courses",
    "comparison", "suggestions", "sources", "filters", "corrections", "rows", "verdict")}


class _CardTexts:
    """The JSON of a course card up to its `why`, by course id, for the course object it came from,
    with the card's lists as they were (a list changed in place must not be sent as it was)."""

    def __init__(self):
        self._texts: dict[str, tuple[object, str, tuple]] = {}
        self._lock = threading.Lock()

    def head(self, card: CourseCard) -> str | None:
        """'{"id":...,"why":' for an unchanged card whose last field is `why`, else None."""
        course = card.course
        if course is None or "id" not in card:
            return None
        kept = self._texts.get(card["id"])
        if kept is not None and kept[0] is course:
            for key, items in kept[2]:
                if card[key] != items:
                    return None
            return kept[1]
        if next(reversed(card)) != "why":
            return None
        fixed = {key: value for key, value in card.items() if key != "why"}
        lists = tuple((key, list(value)) for key, value in fixed.items() if type(value) is list)
        if any(type(value) is dict for value in fixed.values()) or any(
                type(item) is not str for _, items in lists for item in items):
            return None                     # only strings inside: nothing else in a card can change
        text = _plain(fixed)[:-1] + ("," if fixed else "") + '"why":'
        with self._lock:
            if len(self._texts) >= _MAX_COURSES:
                self._texts.clear()
            self._texts[card["id"]] = (course, text, lists)
        return text


_CARD_TEXTS = _CardTexts()


def _card(card) -> str:
    if type(card) is CourseCard:
        head = _CARD_TEXTS.head(card)
        why = card.get("why")
        if head is not None and type(why) is str:
            return head + _string(why) + "}"
    return _plain(card)
