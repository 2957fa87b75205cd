"""Per-session conversation state, kept in memory with a TTL and an LRU cap."""
from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field

from assistant.filters import Filters


class _ReadsNoted:
    """A field whose reads set `<name>_read` on the instance (writes do not): the reply memo
    (assistant/reply_memo.py) keeps a reply for any turn count unless answering read the count."""

    def __init__(self, default):
        self.default = default

    def __set_name__(self, owner, name):
        self.slot, self.flag = f"_{name}", f"{name}_read"

    def __get__(self, session, owner=None):
        if session is None:
            return self.default
        session.__dict__[self.flag] = True
        return session.__dict__[self.slot]

    def __set__(self, session, value):
        session.__dict__[self.slot] = value


@dataclass
class Session:
    id: str
    results: list[str] = field(default_factory=list)     # course ids of the last answer, in order
    filters: Filters = field(default_factory=Filters)     # the active filters
    query: str = ""                                       # the active topical query
    lean_on_quality: bool = False
    shown: list[str] = field(default_factory=list)        # every course id already shown
    last_faq: str | None = None
    avoid: tuple[str, ...] = ()                           # subjects the learner ruled out ("not tableau")
    previous: tuple | None = None                         # the request before this one: (query, filters, lean)
    last_intent: str | None = None
    turns: int = _ReadsNoted(0)                           # messages answered, counting this one
    greeted: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def remember_shown(self, course_ids):
        seen = set(self.shown)
        self.shown.extend(i for i in course_ids if i not in seen)
        del self.shown[:-500]   # bounded: a long session cannot grow without limit


class SessionStore:
    """Sessions by id; expire after `ttl` seconds idle; at most `capacity`, least recent evicted."""

    def __init__(self, ttl: float = 1800, capacity: int = 10000, clock=time.monotonic):
        if ttl <= 0 or capacity <= 0:
            raise ValueError(f"session ttl and capacity must be positive, got {ttl!r} and {capacity!r}")
        self.ttl = ttl
        self.capacity = capacity
        self._clock = clock
        self._sessions: OrderedDict[str, tuple[Session, float]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._sessions)

    def _expire(self, now: float):
        while self._sessions:
            oldest_id, (_, touched) = next(iter(self._sessions.items()))
            if now - touched < self.ttl:
                break
            del self._sessions[oldest_id]

    def get(self, session_id: str | None) -> Session | None:
        """The live session with this id (touching it), or None."""
        if not session_id:
            return None
        now = self._clock()
        with self._lock:
            self._expire(now)
            entry = self._sessions.get(session_id)
            if entry is None:
                return None
            self._sessions[session_id] = (entry[0], now)
            self._sessions.move_to_end(session_id)
            return entry[0]

    def create(self) -> Session:
        session = Session(uuid.uuid4().hex)
        now = self._clock()
        with self._lock:
            self._expire(now)
            self._sessions[session.id] = (session, now)
            while len(self._sessions) > self.capacity:
                self._sessions.popitem(last=False)
        return session

    def get_or_create(self, session_id: str | None) -> tuple[Session, bool]:
        """(session, created)."""
        session = self.get(session_id)
        if session is not None:
            return session, False
        return self.create(), True
