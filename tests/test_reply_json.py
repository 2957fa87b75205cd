"""Frames are encoded by assistant/reply_json.py, which reuses each course card's encoded fixed
fields: the text must be exactly what json.dumps gives for every reply, and a card changed after
it was made must be sent as it is now."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.engine import Assistant
from assistant.models import Course
from assistant.protocol import error_frame, pong_frame, reply_frame, welcome_frame
from assistant.replies import CourseCard, course_card
from assistant.reply_json import encode

from test_memo import CONVERSATIONS

EVAL = Path(__file__).parent / "data" / "eval.yaml"


def dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@pytest.fixture(scope="module")
def bot() -> Assistant:
    return Assistant.load()


def test_every_reply_frame_is_the_text_json_dumps_gives(bot):
    messages = [item["text"] for item in yaml.safe_load(EVAL.read_text(encoding="utf-8"))]
    scripts = CONVERSATIONS + [messages[i:i + 4] for i in range(0, len(messages), 4)]
    cards = 0
    for script in scripts:
        session_id = None
        for n, text in enumerate(script * 2):          # twice: the second time card texts are reused
            session_id, reply = bot.respond(session_id, text)
            cards += len(reply["courses"])
            frame = {"type": "reply", "in_reply_to": f"c{n}", "session_id": session_id, "reply": reply}
            assert reply_frame(f"c{n}", session_id, reply) == dumps(frame), text
            assert reply_frame(n, session_id, reply) == dumps({**frame, "in_reply_to": n})
            assert json.loads(reply_frame(None, session_id, reply))["reply"] == reply
    assert cards > 500
    session_id, greeting = bot.welcome()
    assert welcome_frame(session_id, greeting, False) == dumps(
        {"type": "welcome", "session_id": session_id, "resumed": False, "reply": greeting})
    assert pong_frame("p1") == dumps({"type": "pong", "in_reply_to": "p1"})
    assert error_frame("rate_limited", "Wait «2 s».", "c1", retry_after=1.5) == dumps(
        {"type": "error", "in_reply_to": "c1", "code": "rate_limited", "message": "Wait «2 s».", "retry_after": 1.5})


COURSE = Course(id="c-1", title="Python «for» Everybody", provider="Coursera", organization="Michigan",
                rating=4.8, reviews=100, skills=("Python", "Loops"), topics=("python",), url="https://x.test/")

CHANGES = [
    lambda card: card.__setitem__("title", "Changed"),
    lambda card: card.__delitem__("blurb"),
    lambda card: card.update(level="Advanced"),
    lambda card: card.pop("rating"),
    lambda card: card.popitem(),
    lambda card: card.setdefault("extra", 1),
    lambda card: card.clear(),
    lambda card: card.__ior__({"free": True}),
    lambda card: card["skills"].append("Changed in place"),
]


@pytest.mark.parametrize("change", CHANGES)
def test_a_card_changed_after_it_was_made_is_sent_as_it_now_is(change):
    encode({"courses": [course_card(COURSE, "first")]})          # its fixed fields are kept now
    card = course_card(COURSE, "why")
    change(card)
    reply = {"intent": "recommend", "courses": [card], "comparison": {"courses": [card], "rows": []}}
    assert encode({"type": "reply", "reply": reply}) == dumps({"type": "reply", "reply": reply})


def test_a_course_of_another_catalog_with_the_same_id_is_not_confused():
    first = {"courses": [course_card(COURSE, "a")]}
    other = Course(id="c-1", title="Another course", provider="edX", rating=3.0)
    second = {"courses": [course_card(other, "b"), course_card(COURSE, "c")]}
    for value in (first, second, first, second):
        assert encode(value) == dumps(value)


def test_cards_copy_and_pickle_as_plain_dicts():
    import copy
    import pickle
    card = course_card(COURSE, "why")
    assert type(copy.deepcopy(card)) is dict and type(pickle.loads(pickle.dumps(card))) is dict
    assert copy.deepcopy(card) == card == dict(card)


_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8)
_values = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=3)
                       | st.dictionaries(st.sampled_from(["courses", "reply", "comparison", "why", "id", "x"]) | st.text(max_size=4),
                                         inner, max_size=4), max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(_values, st.text(max_size=12))
def test_any_value_is_encoded_as_json_dumps_does(value, why):
    assert encode(value) == dumps(value)
    card = CourseCard(COURSE, {**course_card(COURSE, why), "why": why})
    frame = {"type": "reply", "reply": {"courses": [card, value], "comparison": {"courses": [card]}}}
    assert encode(frame) == dumps(frame)
