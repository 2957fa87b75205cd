"""Whole replies kept for a message met again in the same conversation state (reply_memo.py) must
never change an answer or what the conversation remembers: the same conversations give the same
reply text and the same session state, message by message, with and without the memo, the first
time and when every reply comes from the memo."""
from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

import pytest
import yaml

from assistant.engine import Assistant
from assistant.reply_json import encode
from assistant.reply_memo import STATE_FIELDS
from assistant.sessions import Session

from test_memo import CONVERSATIONS

EVAL = Path(__file__).parent / "data" / "eval.yaml"
SMALL_TALK = ["hi", "hi", "thanks", "hi", "hello", "thanks", "thanks", "bye", "hi", "what can you do?", "hi"]
REPEATS = ["best python course for beginners"] * 4 + ["only free ones"] * 3 + ["show me more"] * 4 + \
          ["compare the first two", "compare the first two", "hi", "best python course for beginners", "hi"]


def scripts() -> list[list[str]]:
    messages = [item["text"] for item in yaml.safe_load(EVAL.read_text(encoding="utf-8"))]
    return CONVERSATIONS + [SMALL_TALK, REPEATS, [" ", "hi  there", "\tshow me more"]] + [
        messages[i:i + 5] for i in range(0, len(messages), 5)]


def state(bot: Assistant, session_id: str) -> dict:
    session = bot.sessions.get(session_id)
    return {f.name: getattr(session, f.name) for f in fields(Session) if f.name not in ("id", "lock")}


@pytest.fixture(scope="module")
def plain() -> Assistant:
    return Assistant.load(memo_entries=0)


@pytest.fixture(scope="module")
def memo() -> Assistant:
    return Assistant.load()


def test_every_session_field_but_id_lock_and_turns_is_in_the_key():
    assert set(STATE_FIELDS) == {f.name for f in fields(Session)} - {"id", "lock", "turns"}


def test_replies_and_states_are_the_same_with_and_without_the_reply_memo(plain, memo):
    for _ in range(2):                      # the second time, replies come from the memo
        for script in scripts():
            expected_id = got_id = None
            for text in script:
                expected_id, expected = plain.respond(expected_id, text)
                got_id, intent, got = memo.respond_json(got_id, text)
                assert got == encode(expected), (script, text)
                assert json.loads(got) == expected and intent == expected["intent"]
                assert state(memo, got_id) == state(plain, expected_id), (script, text)
    assert memo.replies.memo.hits > 200 and len(plain.replies.memo) == 0


def test_a_reply_that_reads_the_turn_count_is_kept_for_that_count_only(memo):
    greetings = set()
    for _ in range(3):
        session_id = None
        for _ in range(4):
            session_id, intent, reply = memo.respond_json(session_id, "hi")
            greetings.add(json.loads(reply)["text"])
    assert intent == "greet" and len(greetings) == len(memo.knowledge.intents["greet"].replies) > 1


def test_changing_the_session_after_a_kept_reply_does_not_change_the_kept_one(memo):
    first, _, reply = memo.respond_json(None, "free sql courses for beginners")
    memo.sessions.get(first).results.clear()
    memo.sessions.get(first).shown.append("not-a-course")
    second, _, again = memo.respond_json(None, "free sql courses for beginners")
    assert again == reply and state(memo, second)["results"] and "not-a-course" not in state(memo, second)["shown"]


def test_the_reply_memo_stays_within_its_size(plain):
    bot = Assistant(brain=plain.brain, memo_entries=5)
    for n in range(20):
        bot.respond_json(None, f"python course number {n}")
    assert len(bot.replies.memo) == 5
    plain.brain.keep_recent(0)
