"""One rating scale (out of 5) everywhere the assistant states a rating: reply text, the "why"
lines, the comparison table and the CLI. The widget's cards and table are checked in the browser
tests (tests/test_browser.py)."""
from __future__ import annotations

import re

import pytest

from assistant.cli import format_reply
from assistant.engine import Assistant

RATING = re.compile(r"(\d+(?:\.\d+)?)\s*/\s*(\d+)")


@pytest.fixture(scope="module")
def bot() -> Assistant:
    return Assistant.load()


def said_ratings(text: str) -> list[tuple[float, int]]:
    return [(float(value), int(scale)) for value, scale in RATING.findall(text)]


def everything_said(reply: dict) -> list[str]:
    texts = [reply["text"]] + [c.get("why") or "" for c in reply.get("courses") or []]
    for row in (reply.get("comparison") or {}).get("rows", []):
        texts += [str(v) for v in row["values"]]
    return texts + [format_reply(reply)]


@pytest.mark.parametrize("messages", [
    ["best python course for beginners"],
    ["compare Python for Everybody and Python Data Structures"],
    ["python courses rated 4.5 or more"],
    ["python courses rated 9/10 or more"],
    ["tell me about Python for Everybody", "how well is it rated?"],
])
def test_every_rating_is_said_out_of_5(bot, messages):
    session = None
    for message in messages:
        session, reply = bot.respond(session, message)
    said = [pair for text in everything_said(reply) for pair in said_ratings(text)]
    assert said, f"no rating in the reply to {messages[-1]!r}: {reply['text']!r}"
    assert all(scale == 5 and 0 <= value <= 5 for value, scale in said), (said, reply["text"])


def test_a_course_is_given_the_same_figure_in_text_why_line_and_cli(bot):
    _, reply = bot.respond(None, "best python course for beginners")
    first = reply["courses"][0]
    figure = f"{first['rating']:g}/5"
    assert reply["courses"][0]["rating_scale"] == 5
    assert figure in first["why"]
    assert f"rated {figure}" in format_reply(reply)
