"""The dialogue: a plain, deterministic function of (session, message) -> reply.

    message -> Reading (reading.py, once) -> act (decide.py, a table of detectors)
            -> reply (replying.py, a handler per act; state.py the only writer of the session)

Everything a reply depends on besides the message and the loaded knowledge lives in the Session.
"""
from __future__ import annotations

from assistant import state
from assistant.cues import GREETING_LEAD
from assistant.decide import decide
from assistant.handlers_roadmap import without_yes_or_no
from assistant.handlers_talk import empty_message
from assistant.replies import Reply
from assistant.replying import handle
from assistant.sessions import Session


def respond(brain, session: Session, message: str) -> Reply:
    """The reply to `message` in `session`; updates the session's state."""
    state.count_turn(session)
    return answer(brain, session, message)


def answer(brain, session: Session, message: str) -> Reply:
    """respond() once the message is counted in `session.turns`."""
    text = " ".join(message.split())
    if not text:
        return empty_message(brain)
    greeting = GREETING_LEAD.match(text)
    if greeting and len(greeting.group(2).split()) >= 3:
        # "good morning! what's the best free ml course?": the question, greeted back, unless the
        # rest is small talk too ("hi, how's it going")
        reply, reading = reply_to(brain, session, greeting.group(2))
        if reply.intent not in ("greet", "out_of_scope"):
            reply.text = f"Hi! {reply.text}"
        else:
            reply, reading = reply_to(brain, session, text)
    else:
        reply, reading = reply_to(brain, session, text)
    reply.corrections = dict(reading.corrections)
    state.note_intent(session, reply.intent)
    return reply


def reply_to(brain, session: Session, text: str):
    """(the reply, the reading) of one message: read once, decide the act, hand it to its handler."""
    reading = brain.reading(text)
    name, act, follow_up = decide(brain, session, reading)
    if not follow_up:
        state.new_request(session)      # what was ruled out for the last request no longer applies
    reply = handle(brain, session, act, reading)
    advised = reply.intent in ("faq", "recommend")
    declined = [m for m in reading.declined if advised or m not in brain.advising]
    aside = [m for m in reading.aside if advised or m not in brain.advising]
    if reply.intent != "out_of_scope" and (declined or aside):
        # "how do I start, and do I need a powerful PC?": the rest answered, the matter declined
        # beside it (first when the whole question was about it: "a job at google without a
        # degree"); a matter the roadmap gives advice beside (age) only before that advice
        if declined:
            # the roadmap's "Yes." or "No." would answer the matter it doesn't speak to ("too old?")
            answer = without_yes_or_no(reply.text) if declined[0] in brain.advising else reply.text
            reply.text = f"{brain.decline_replies[declined[0]]}\n\n{answer}"
        else:
            reply.text = f"{reply.text}\n\n{brain.decline_replies[aside[0]]}"
    reply.act = name
    return reply, reading
