"""One test per row of the detector table (assistant/decide.py): a conversation played up to the
message, and the row that decided it, with what its reply must carry."""
from __future__ import annotations

import pytest

from assistant.decide import DETECTORS
from assistant.dialogue import respond
from assistant.engine import Assistant
from assistant.sessions import Session


@pytest.fixture(scope="module")
def brain():
    return Assistant.load().brain


def play(brain, *messages):
    """Every reply of a conversation, in order (each a Reply object, with the row in `act`)."""
    session = Session("test")
    return [respond(brain, session, text) for text in messages]


def last(brain, *messages):
    return play(brain, *messages)[-1]


ROWS = {
    "go back": (["python courses", "sql courses", "go back"], "recommend"),
    "start over": (["python courses", "start over"], "help"),
    "pick among shown": (["python courses", "which one is the cheapest?"], "course_info"),
    "compare platforms": (["is coursera or udemy better for learning sql?"], "compare"),
    "compare a course not in the catalog": (["deep learning courses", "compare it with fast.ai"], "faq"),
    "compare shown": (["statistics courses", "compare the first two"], "compare"),
    "page": (["excel courses", "show me more"], "recommend"),
    "best for that": (["data visualization courses", "only free ones", "recommend a course for that"], "recommend"),
    "same question about": (["do I need a degree?", "what about a phd?"], "faq"),
    "courses for the answer": (["do I need docker for ml engineering?", "any courses for that?"], "recommend"),
    "pace": (["javascript courses", "I only have a few hours a week"], "recommend"),
    "ordinal out of range": (["compare Python for Everybody and Python Data Structures", "the fifth one"], "clarify"),
    "about shown": (["python courses for beginners", "is the second one free?"], "course_info"),
    "drop filters": (["free beginner sql courses", "any level is fine"], "recommend"),
    "lean towards": (["web development courses", "something with more hands-on projects"], "recommend"),
    "rule out": (["data analysis courses", "not interested in tableau"], "recommend"),
    "refine": (["machine learning courses", "only free ones"], "recommend"),
    "about shown by name": (["python courses", "how long is the Michigan one?"], "course_info"),
    "explain a concept": (["what is gradient descent?"], "recommend"),
    "about the roadmap": (["what does the roadmap say about docker?"], "faq"),
    "taught by": (["courses by rafael irizarry"], "recommend"),
    "unknown teacher": (["courses taught by someone nobody lists"], "clarify"),
    "article resource": (["tell me about fast.ai"], "faq"),
    "alternatives": (["is a certificate or a master's degree worth more?"], "faq"),
    "classified": (["best python course for beginners"], "recommend"),
}


def test_every_row_of_the_table_has_a_conversation_here():
    assert [name for name, _, _ in DETECTORS] == list(ROWS)


@pytest.mark.parametrize("row", list(ROWS))
def test_row_decides_its_message(brain, row):
    messages, intent = ROWS[row]
    reply = last(brain, *messages)
    assert reply.act == row, (messages, reply.act, reply.text)
    assert reply.intent == intent, reply.text


def test_follow_up_rows_wait_for_something_to_follow():
    """Without courses on screen, "compare the first two" asks back instead of comparing nothing,
    and "show me more" asks what of."""
    brain = Assistant.load().brain
    assert last(brain, "compare the first two").intent == "clarify"
    assert last(brain, "show me more").intent == "clarify"


def test_a_named_instructor_is_a_new_request_not_a_refinement(brain):
    first, second = play(brain, "python courses", "free classes by david malan")
    assert second.act == "taught by"
    assert second.courses and all("Malan" in " ".join(c["instructors"]) for c in second.courses)
