"""The only code that changes a conversation's state (assistant/sessions.py's Session): what is on
screen, the current request, what the learner ruled out, the FAQ entry just answered.

Handlers call these; nothing else writes a session field, so what a reply can change is listed here.
"""
from __future__ import annotations

from assistant.filters import Filters
from assistant.sessions import Session


def count_turn(session: Session) -> None:
    session.turns += 1


def note_intent(session: Session, intent: str) -> None:
    session.last_intent = intent


def start_over(session: Session) -> None:
    session.results, session.query, session.filters = [], "", Filters()
    session.lean_on_quality, session.last_faq, session.avoid, session.previous = False, None, (), None


def new_request(session: Session) -> None:
    """A new request: what was ruled out for the last one no longer applies."""
    session.avoid = ()


def rule_out(session: Session, phrase: str) -> None:
    if phrase not in session.avoid:
        session.avoid = session.avoid + (phrase,)


def set_request(session: Session, query: str, filters: Filters, lean: bool, *, remember_previous: bool = False) -> None:
    """The request later follow-ups refine; with `remember_previous`, the one it replaces is kept
    for "go back"."""
    if remember_previous and (query, filters) != (session.query, session.filters) and (
            session.query or not session.filters.is_empty()):
        session.previous = (session.query, session.filters, session.lean_on_quality)
    session.query, session.filters, session.lean_on_quality = query, filters, lean


def show(session: Session, course_ids: list[str]) -> None:
    """The courses a reply shows, in order: what "the second one" points at next."""
    session.results = list(course_ids)
    if course_ids:
        session.remember_shown(session.results)


def reorder(session: Session, course_ids: list[str]) -> None:
    """The same courses on screen, in a new order (the pick first)."""
    session.results = list(course_ids)


def note_faq(session: Session, faq_id: str | None) -> None:
    session.last_faq = faq_id
