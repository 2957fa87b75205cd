"""Per-session conversation state as plain data, and the in-memory store (a TTL and an LRU cap).

A Session holds only plain data (strings, numbers, lists, tuples, Filters): `to_state()` gives it
as JSON-able data and `Session.from_state()` rebuilds an equal session, so a conversation can live
in another process (assistant/shared_state.py keeps it in Redis). Stores hand a session out with
`hold(session_id)`: the session locked for this process while a message is answered, and kept
when the block ends. Two messages of one conversation answered at the same moment by two
processes are not serialised: the last one to finish is kept (a learner sends one at a time).

>>> session = Session("s1", results=["c1"], filters=Filters(topics=("python",), free=True))
>>> Session.from_state(json.loads(json.dumps(session.to_state()))) == session
True
"""
from __future__ import annotations

import json
import threading
import time
import secrets
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, is_dataclass

from assistant.filters import Filters

PLAIN_CLASSES = {"Filters": Filters}      # the frozen dataclasses a session's state may hold


def new_session_id() -> str:
    """A new conversation's id: 32 hex characters, 128 random bits (as unguessable as a uuid4, and
    a third of its cost)."""
    return secrets.token_hex(16)


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
    turns: int = 0                                        # messages answered, counting this one
    greeted: bool = False

    def remember_shown(self, course_ids):
        seen = set(self.shown)
        self.shown.extend(i for i in course_ids if i not in seen)
        del self.shown[:-500]   # bounded: a long session cannot grow without limit

    def to_state(self) -> dict:
        """The session as JSON-able plain data (TypeError naming the field if one is not plain)."""
        state = {}
        for spec in fields(self):
            value = getattr(self, spec.name)
            try:
                state[spec.name] = to_plain(value)
            except TypeError as error:
                raise TypeError(f"Session.{spec.name}: {error}; conversation state must be plain data "
                                "(it may live in another process)") from None
        return state

    @classmethod
    def from_state(cls, state: dict) -> "Session":
        """The session `to_state()` described; fields it does not name take their defaults."""
        names = {spec.name for spec in fields(cls)}
        return cls(**{name: from_plain(value) for name, value in state.items() if name in names})


def to_plain(value):
    """`value` as JSON-able data: lists stay lists, a tuple becomes {"tuple": [...]}, a Filters
    {"Filters": {...}}, so that from_plain() gives back an equal value of the same types."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if type(value) is list:
        if all(type(item) is str for item in value):      # `shown`: up to 500 course ids
            return list(value)
        return [to_plain(item) for item in value]
    if type(value) is tuple:
        return {"tuple": [to_plain(item) for item in value]}
    if is_dataclass(value) and PLAIN_CLASSES.get(type(value).__name__) is type(value):
        return {type(value).__name__: {spec.name: to_plain(getattr(value, spec.name)) for spec in fields(value)}}
    raise TypeError(f"a {type(value).__name__} is not plain data")


def from_plain(value):
    if type(value) is list:
        if all(type(item) is str for item in value):
            return list(value)
        return [from_plain(item) for item in value]
    if type(value) is dict:
        (tag, inner), = value.items()
        if tag == "tuple":
            return tuple(from_plain(item) for item in inner)
        return PLAIN_CLASSES[tag](**{name: from_plain(item) for name, item in inner.items()})
    return value


class StripedLocks:
    """A fixed set of locks, one picked by a session id's hash: a session is answered by one
    thread of this process at a time, and no lock is kept per session."""

    COUNT = 64

    def __init__(self, count: int = COUNT):
        self._locks = [threading.Lock() for _ in range(count)]

    def index(self, session_id: str) -> int:
        """Which lock (0 to count - 1) this session's."""
        return hash(session_id) % len(self._locks)

    def __call__(self, session_id: str) -> threading.Lock:
        return self._locks[self.index(session_id)]


class HoldsSessions:
    """`hold()` for a store with get(id), create() and save(session)."""

    @contextmanager
    def hold(self, session_id: str | None):
        """The live session with this id, or a new one, locked in this process; what the block
        changed is saved when it ends without an error."""
        if isinstance(session_id, str) and session_id:
            with self.locks(session_id):
                session = self.get(session_id)
                if session is not None:
                    yield session
                    self.save(session)
                    return
        session = self.fresh()
        with self.locks(session.id):
            yield session
            self.save(session)

    def fresh(self) -> Session:
        """A new session for hold(), which saves it when its block ends."""
        return self.create()

    def get_or_create(self, session_id: str | None) -> tuple[Session, bool]:
        """(session, created)."""
        session = self.get(session_id)
        if session is not None:
            return session, False
        return self.create(), True


class SessionsFull(Exception):
    """A new session would have to evict a conversation still in use: refused instead."""

    def __init__(self, capacity: int, retry_after: float):
        super().__init__(f"{capacity} conversations in use")
        self.capacity, self.retry_after = capacity, retry_after


class SessionStore(HoldsSessions):
    """Sessions by id, in this process's memory; expire after `ttl` seconds idle; at most
    `capacity`, least recent evicted -- but only when idle for `active_for` seconds: a new
    session that would evict a conversation used more recently is refused (SessionsFull), so a
    flood of new sessions, from however many addresses, cannot push out a learner's conversation.

    >>> store = SessionStore(ttl=3600, capacity=1, active_for=60, clock=lambda: 0.0)
    >>> kept = store.create()
    >>> store.create()
    Traceback (most recent call last):
    assistant.sessions.SessionsFull: 1 conversations in use
    """

    def __init__(self, ttl: float = 1800, capacity: int = 10000, clock=time.monotonic, active_for: float = 0):
        if ttl <= 0 or capacity <= 0:
            raise ValueError(f"session ttl and capacity must be positive, got {ttl!r} and {capacity!r}")
        self.ttl = ttl
        self.capacity = capacity
        self.active_for = active_for
        self._clock = clock
        self._sessions: OrderedDict[str, tuple[Session, float]] = OrderedDict()
        self._lock = threading.Lock()
        self.locks = StripedLocks()

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
        with self._lock:
            now = self._clock()     # under the lock: the sessions stay in the order they were touched
            self._expire(now)
            entry = self._sessions.get(session_id)
            if entry is None:
                return None
            self._sessions[session_id] = (entry[0], now)
            self._sessions.move_to_end(session_id)
            return entry[0]

    def create(self) -> Session:
        session = Session(new_session_id())
        with self._lock:
            now = self._clock()     # read under the lock: another thread's later touch can't precede it
            self._expire(now)
            while len(self._sessions) >= self.capacity:          # the least recent first
                oldest_id, (_, touched) = next(iter(self._sessions.items()))
                if now - touched < self.active_for:
                    raise SessionsFull(self.capacity, touched + self.active_for - now)
                del self._sessions[oldest_id]
            self._sessions[session.id] = (session, now)
        return session

    def save(self, session: Session):
        """Nothing to do: the session held is the one kept."""
