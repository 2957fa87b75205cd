"""Whole replies kept for a message met again in the same conversation state.

dialogue.respond is a deterministic function of the message and the session's state: the
knowledge and models do not change while they are loaded. So the reply (as the JSON text the
websocket sends, assistant/reply_json.py) and the state it leaves are kept under the message and
the state it started from: every Session field but `id` and `lock` (a field added to Session is
part of the key without anyone having to remember it). The turn count grows with every message
and only small talk reads it (to vary its wording): a reply that did not read it is reused at any
count, one that did only at the count it read. Learners following the widget's suggestions
("Best Python course for beginners", then "Only free ones") start from the same states.

The memo holds at most `capacity` replies, the least recently used out first; 0 keeps none.
"""
from __future__ import annotations

from dataclasses import dataclass, fields

from assistant.dialogue import answer
from assistant.memo import Memo
from assistant.reply_json import encode
from assistant.sessions import Session

DEFAULT_REPLY_ENTRIES = 1024        # each a reply's JSON (2-5 KB) and two conversation states
STATE_FIELDS = tuple(f.name for f in fields(Session) if f.name not in ("id", "lock", "turns"))


@dataclass(frozen=True)
class KeptReply:
    intent: str
    text: str                   # the reply object as JSON
    after: tuple                # the state the reply left (state_of)
    turns: int | None           # the turn count the reply read, None when it read none


def state_of(session: Session) -> tuple | None:
    """The session's conversation state as a hashable key (lists as tuples, marked as lists), or
    None when some field holds a value that cannot be a key."""
    state = tuple((list, tuple(value)) if type(value) is list else value
                  for value in map(session.__getattribute__, STATE_FIELDS))
    try:
        hash(state)
    except TypeError:
        return None
    return state


def restore(session: Session, state: tuple):
    for name, value in zip(STATE_FIELDS, state):
        if type(value) is tuple and len(value) == 2 and value[0] is list:
            value = list(value[1])
        setattr(session, name, value)


class ReplyMemo:
    def __init__(self, brain, capacity: int = DEFAULT_REPLY_ENTRIES):
        self.brain = brain
        self.memo = Memo(capacity)

    def respond(self, session: Session, message: str) -> tuple[str, str]:
        """(intent, reply JSON) for `message` in `session`, updating the session's state exactly
        as dialogue.respond does."""
        key = (message, state_of(session)) if self.memo.capacity > 0 else None
        session.turns += 1
        if key is not None and key[1] is not None:
            kept = self.memo.get(key)
            if kept is not None and (kept.turns is None or kept.turns == session.turns):
                restore(session, kept.after)
                return kept.intent, kept.text
        session.turns_read = False
        reply = answer(self.brain, session, message).to_dict()
        text = encode(reply)
        if key is not None and key[1] is not None:
            after = state_of(session)
            if after is not None:
                read = session.__dict__.get("turns_read")
                self.memo.put(key, KeptReply(reply["intent"], text, after, session.turns if read else None))
        return reply["intent"], text
