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
    "compare organizations": (["which data science certificate is better, ibm or johns hopkins?"], "compare"),
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
    "start learning a subject": (["where should I begin with kubernetes?"], "recommend"),
    "about the roadmap": (["what does the roadmap say about docker?"], "faq"),
    "taught by": (["courses by rafael irizarry"], "recommend"),
    "unknown teacher": (["courses taught by someone nobody lists"], "clarify"),
    "article resource": (["tell me about fast.ai"], "faq"),
    "alternatives": (["is a certificate or a master's degree worth more?"], "faq"),
    "a matter it declines": (["what laptop should I get for a deep learning course?"], "out_of_scope"),
    "about a platform": (["is edx any good?"], "course_info"),
    "what next after a course": (["just wrapped up Python for Everybody, which course should I do next?"], "recommend"),
    "a course by its short name": (["tell me about cs50, is it good?"], "course_info"),
    "a course named before the question": (["I work in accounting and I have been reading about the course Excel Skills "
                                            "for Business: Essentials on Coursera for quite a while now, and my friends "
                                            "say different things. Is this worth my evenings?"], "course_info"),
    "is it worth it": (["are paid certificates on edx worth it?"], "faq"),
    "asks why": (["why does everyone say to learn sql for ml?"], "faq"),
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


def test_a_matter_it_declines_is_said_in_its_own_words_not_answered_with_courses(brain):
    for message, words in (("can I pay for a udemy course with a debit card?", "payment"),
                           ("could you add french captions to your video?", "caption"),
                           ("how do I land an internship at Microsoft?", "companies hire")):
        reply = last(brain, message)
        assert reply.act == "a matter it declines", (message, reply.act)
        assert reply.intent == "out_of_scope" and not reply.courses
        assert words in reply.text and "What I can do" in reply.text


def test_asking_to_learn_the_matter_is_a_course_request(brain):
    reply = last(brain, "courses on paypal integration")
    assert reply.intent == "recommend" and reply.courses


def test_a_matter_beside_a_question_it_answers_is_declined_in_passing(brain):
    reply = last(brain, "I'm new to coding. Which language should I start with? Do I need an expensive laptop?")
    assert reply.intent != "out_of_scope"
    assert "hardware" in reply.text
    reply = last(brain, "how do I get hired at IBM without a degree?")
    degree_answer = brain.knowledge.faq_by_id["degree"].answer
    assert reply.intent == "faq" and "companies hire" in reply.text and degree_answer[:40] in reply.text


def test_a_platform_is_described_from_the_catalog_and_becomes_the_request(brain):
    info, free = play(brain, "is udemy legit?", "only free ones")
    count = sum(1 for c in brain.knowledge.courses if c.provider == "Udemy")
    assert f"{count:,} courses from Udemy" in info.text
    assert free.courses and all(c["provider"] == "Udemy" and c["free"] for c in free.courses)


def test_worth_it_about_something_the_catalog_lacks_says_so(brain):
    reply = last(brain, "is the Stanford MSCS part-time option worth it?")
    assert reply.intent == "clarify" and "MSCS" in reply.text and "$" not in reply.text
