"""Keeping recent readings and rankings (memo_entries) makes repeated questions cheaper and must
never change an answer: the same conversations give the same replies with and without it."""
from __future__ import annotations

import pytest

from assistant.engine import Assistant

CONVERSATIONS = [
    ["best python course for beginners", "only free ones", "show me more", "show me more",
     "compare the first two", "tell me more about the second one"],
    ["best python course for beginners", "best python course for beginners", "something more advanced",
     "show me more", "what about on edX?"],
    ["pyhton corse for begginers", "machne lerning from stanford", "shorter ones", "with a certificate"],
    ["what math do I need?", "any course for that?", "cheaper", "show me more"],
    ["compare data science courses", "which is best rated?", "do I need a degree?", "sql courses under 10 hours",
     "show me more", "show me more", "show me more"],
    ["what's the weather in Paris", "hi", "free deep learning courses in Spanish", "thanks"],
]


def play(bot: Assistant, script: list[str]) -> list[dict]:
    session_id, replies = None, []
    for text in script:
        session_id, reply = bot.respond(session_id, text)
        replies.append(reply)
    return replies


@pytest.fixture(scope="module")
def with_memo() -> Assistant:
    return Assistant.load(memo_entries=4096)


@pytest.fixture(scope="module")
def without_memo() -> Assistant:
    return Assistant.load(memo_entries=0)


def test_replies_are_the_same_with_and_without_the_memo(with_memo, without_memo):
    for script in CONVERSATIONS:
        expected = play(without_memo, script)
        # Twice: the second time every reading and ranking comes from the memo.
        assert play(with_memo, script) == expected, script
        assert play(with_memo, script) == expected, script
    assert with_memo.brain.readings.hits > 0 and with_memo.brain.ranker.memo.hits > 0
    assert with_memo.brain.answers.hits > 0
    assert len(without_memo.brain.readings) == 0 and len(without_memo.brain.ranker.memo) == 0
    assert len(without_memo.brain.answers) == 0


def test_the_memo_stays_within_its_size(without_memo):
    bot = Assistant(brain=without_memo.brain, memo_entries=5)
    for n in range(40):
        bot.respond(None, f"python course number {n} for beginners")
    assert len(bot.brain.readings) <= 5 and len(bot.brain.ranker.memo) <= 5
    bot.brain.keep_recent(0)


def test_a_reply_changed_by_its_reader_does_not_change_the_next_one(with_memo):
    _, first = with_memo.respond(None, "free sql courses for beginners")
    first["courses"].clear()
    first["filters"]["topics"].append("nonsense")
    first["corrections"]["x"] = "y"
    _, again = with_memo.respond(None, "free sql courses for beginners")
    assert again["courses"] and "nonsense" not in again["filters"]["topics"] and "x" not in again["corrections"]
