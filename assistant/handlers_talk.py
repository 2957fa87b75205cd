"""Handlers for the talk around courses: small talk, asking back, a fresh start, out of scope."""
from __future__ import annotations

from assistant import state, wording
from assistant.acts import Clarify, OutOfScope, SmallTalk, StartOver
from assistant.replies import Reply


def clarify_reply(text: str, options: list[str], confidence: float = 1.0) -> Reply:
    return Reply("clarify", text, confidence, suggestions=list(options)[:4])


def clarify(brain, session, act: Clarify, reading=None) -> Reply:
    return clarify_reply(act.text, act.options or brain.starter_suggestions(), act.confidence)


def small_talk(brain, session, act: SmallTalk, reading=None) -> Reply:
    replies = brain.knowledge.intents[act.intent].replies
    text = replies[session.turns % len(replies)] if replies else "Happy to help."
    return Reply(act.intent, text, act.confidence, suggestions=brain.starter_suggestions())


def out_of_scope(brain, session, act: OutOfScope, reading=None) -> Reply:
    return out_of_scope_reply(brain, act.confidence, act.matter)


def out_of_scope_reply(brain, confidence: float, matter: str | None = None) -> Reply:
    """The refusal: in the matter's own words when it is one declines.yaml names, then what the
    assistant does."""
    replies = brain.knowledge.intents["out_of_scope"].replies
    text = replies[0] if replies else "Sorry, that's outside what I can help with."
    if matter:
        text = f"{brain.decline_replies[matter]} {wording.WHAT_I_DO}"
    return Reply("out_of_scope", text, confidence, suggestions=brain.starter_suggestions())


def start_over(brain, session, act: StartOver, reading=None) -> Reply:
    state.start_over(session)
    return Reply("help", wording.FRESH_START, 1.0, suggestions=brain.starter_suggestions())


def empty_message(brain) -> Reply:
    return Reply("help", "Ask me about online courses, for example the questions below.", 1.0,
                 suggestions=brain.starter_suggestions())
