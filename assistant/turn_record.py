"""What the conversation log keeps of one turn: the one place that reads a reply for the log.

`turn_record(reply)` takes the contract's reply object (a dict, or its JSON text as the websocket
sends it) and returns the reading summary the log stores; `act` names the dialogue act when the
caller knows it (a reply may also carry it as `reply["act"]`). Nothing else in the log looks
inside a reply, so a change of the reply's shape is met here alone.

>>> record = turn_record({"intent": "recommend", "confidence": 0.81, "text": "Here are 3 courses.",
...                       "courses": [{"id": "c-1"}, {"id": "c-2"}], "filters": {"topics": ["python"]}})
>>> record["kind"], record["courses"], record["subjects"]
('courses', ['c-1', 'c-2'], ['python'])
>>> turn_record({"intent": "out_of_scope", "confidence": 0.9, "text": "Sorry."})["kind"]
'refused'
>>> turn_record({"intent": "recommend", "confidence": 0.8, "text": "The catalog has no course on ExtJS; here is..."})["kind"]
'not_covered'
>>> mask_personal("write to ana.p@mail.example or call +44 20 7946 0958 before 2025")
'write to [email] or call [phone] before 2025'
"""
from __future__ import annotations

import json
import re

LOW_CONFIDENCE = 0.5                 # below this, a reply counts as answered with low confidence
MAX_MESSAGE_CHARS = 2000             # what is kept of a message (the server refuses longer ones anyway)
MAX_REPLY_CHARS = 240                # what is kept of the reply's text, as an example for editors
# The assistant's own ways of saying its knowledge lacks the answer (assistant/wording.py, the
# handlers and knowledge/declines.yaml): "doesn't answer that directly", "has no course on ExtJS".
NOT_COVERED = re.compile(r"\b(?:(?:doesn't|does not|don't|do not) (?:cover|answer that|mention)|has no course on|"
                         r"found no|I don't know|can't (?:advise|say|give))\b", re.IGNORECASE)

# Kinds of reply an editor wants to see ("unanswered"), and the rest.
UNANSWERED_KINDS = ("refused", "asked_back", "not_covered", "low_confidence")
# Dialogue acts that name one of those kinds outright (the dialogue core may pass them as `act`).
ACT_KINDS = {"refuse": "refused", "out_of_scope": "refused", "ask_back": "asked_back", "clarify": "asked_back",
             "not_covered": "not_covered"}

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A phone number: 7 to 15 digits, maybe a leading +, spaces, dots, dashes or brackets between.
_PHONE = re.compile(r"(?<![\w+])\+?\(?\d(?:[\s().-]{0,2}\d){6,14}(?!\w)")


_NO_DIGITS = str.maketrans("", "", "0123456789")


def mask_personal(text: str) -> str:
    """`text` with e-mail addresses and phone numbers replaced by [email] and [phone]."""
    if "@" in text:
        text = _EMAIL.sub("[email]", text)
    if len(text) - len(text.translate(_NO_DIGITS)) >= 7:      # a phone number needs 7 digits
        text = _PHONE.sub("[phone]", text)
    return text


def reply_kind(reply: dict, act: str | None = None) -> str:
    """refused, asked_back, not_covered, low_confidence (the unanswered kinds), or what the reply
    gave: comparison, courses, answer, small_talk."""
    if act in ACT_KINDS:
        return ACT_KINDS[act]
    intent = reply.get("intent")
    if intent == "out_of_scope":
        return "refused"
    if intent == "clarify":
        return "asked_back"
    if NOT_COVERED.search(str(reply.get("text") or "")):
        return "not_covered"
    if intent in ("greet", "thanks", "goodbye", "help"):
        return "small_talk"
    confidence = reply.get("confidence")
    if isinstance(confidence, (int, float)) and confidence < LOW_CONFIDENCE:
        return "low_confidence"
    if reply.get("comparison"):
        return "comparison"
    return "courses" if reply.get("courses") else "answer"


def turn_record(reply, act: str | None = None) -> dict:
    """The log's summary of one reply: intent, confidence, act, filters, kind, course ids shown,
    subjects (topic ids asked about) and the start of the reply's text."""
    if isinstance(reply, (str, bytes)):
        reply = json.loads(reply)
    act = act or reply.get("act")
    filters = reply.get("filters") if isinstance(reply.get("filters"), dict) else {}
    topics = filters.get("topics") if isinstance(filters.get("topics"), list) else []
    confidence = reply.get("confidence")
    return {
        "intent": str(reply.get("intent") or ""),
        "confidence": float(confidence) if isinstance(confidence, (int, float)) else None,
        "act": act if isinstance(act, str) else None,
        "filters": filters,
        "kind": reply_kind(reply, act),
        "courses": [str(card["id"]) for card in reply.get("courses") or () if isinstance(card, dict) and "id" in card],
        "subjects": [str(topic) for topic in topics],
        "reply_text": str(reply.get("text") or "")[:MAX_REPLY_CHARS],
    }
