"""State that several server processes share: conversations, rate-limit counters and the count of
open websockets, in Redis when the `redis_url` setting names one, else in this process's memory.

With Redis, a conversation continues whichever worker or machine gets its next message, and
survives a restart: each session is one key holding its state as JSON (Session.to_state), expiring
`session_ttl` seconds after its last message (Redis's own expiry). A rate-limit window is a sorted
set of event times per key, counted by a script that runs atomically in Redis with Redis's clock.
Open websockets are counted per process in one hash; a process that dies without giving its
connections back stops counting within HEARTBEAT_EXPIRY seconds.

Keys start with `course-assistant:`; several deployments can share a Redis by database number
(`redis://host:6379/2`).
"""
from __future__ import annotations

import json
import math
import os
import socket
import threading
import time
import uuid
from urllib.parse import urlsplit, urlunsplit

from assistant.ratelimit import RateLimiter, both_waits
from assistant.sessions import HoldsSessions, Session, SessionStore, StripedLocks, new_session_id

PREFIX = "course-assistant:"
HEARTBEAT_SECONDS = 10          # how often a process says it is alive
HEARTBEAT_EXPIRY = 30           # a process silent this long no longer counts its connections
_clients: dict[str, object] = {}
_clients_lock = threading.Lock()


class SharedStateError(RuntimeError):
    """Redis cannot be reached or used; the message names the URL (without its password)."""


def shown_url(url: str) -> str:
    """The URL with any password replaced by ***."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def redis_client(url: str):
    """One client (a pool of connections) per URL for this process, checked with a PING."""
    with _clients_lock:
        client = _clients.get(url)
        if client is None:
            import redis                                   # only when a deployment uses it
            # Plain TCP: commands written in one send (see _one_send_connection); TLS and unix
            # sockets keep redis-py's own connection classes.
            options = {"connection_class": _one_send_connection()} if urlsplit(url).scheme == "redis" else {}
            try:
                client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5,
                                              health_check_interval=30, **options)
                client.ping()
            except (redis.RedisError, ValueError) as error:
                raise SharedStateError(f"cannot use Redis at {shown_url(url)} (setting redis_url): {error}") from None
            _clients[url] = client
        return client


def _one_send_connection():
    """redis-py's TCP connection, writing each command in one send. redis-py sends an argument
    over 6,000 bytes as a piece of its own (three sends for one SET of a long conversation's
    state, 13 KB once its 500 shown course ids are there); on this kind of virtual machine a send
    costs far more than copying 13 KB into one buffer."""
    import redis

    class OneSendConnection(redis.Connection):
        def send_packed_command(self, command, check_health=True):
            if not isinstance(command, (str, bytes)) and len(command) > 1:
                command = [b"".join(command)]
            super().send_packed_command(command, check_health)

    return OneSendConnection


def session_store(settings: dict):
    if not settings.get("redis_url"):
        return SessionStore(ttl=settings["session_ttl"], capacity=settings["max_sessions"],
                            active_for=settings.get("active_session_seconds", 0))
    return RedisSessionStore(redis_client(settings["redis_url"]), ttl=settings["session_ttl"])


def rate_limiter(settings: dict, limit: int | None = None, window: float | None = None,
                 max_keys: int | None = None, sessions=None):
    """The rate limiter for these settings (or for another limit and window, same storage).
    `max_keys` bounds the keys an in-memory limiter remembers (Redis expires its own). Keyed by
    session id and given the session store (`sessions`), a Redis limiter also reads the session in
    the same round trip (RedisRateLimiter)."""
    limit = limit or settings["rate_limit_messages"]
    window = window or settings["rate_limit_window"]
    if not settings.get("redis_url"):
        return RateLimiter(limit, window) if max_keys is None else RateLimiter(limit, window, max_keys=max_keys)
    return RedisRateLimiter(redis_client(settings["redis_url"]), limit, window, sessions=sessions)


def connection_slots(settings: dict):
    from assistant.ws_handler import ConnectionSlots
    if not settings.get("redis_url"):
        return ConnectionSlots(settings["max_connections"])
    return RedisConnectionSlots(redis_client(settings["redis_url"]), settings["max_connections"])


class RedisSessionStore(HoldsSessions):
    """Sessions as JSON under `course-assistant:session:<id>`, expiring `ttl` seconds after their
    last use. A session is read when a message comes and written back once it is answered; the
    object handed out is this process's copy. `max_sessions` does not apply: Redis's own memory
    limit (maxmemory, with a volatile-lru policy) decides."""

    def __init__(self, client, ttl: float = 1800):
        if ttl <= 0:
            raise ValueError(f"session ttl must be positive, got {ttl!r}")
        self.client = client
        self.ttl = ttl
        self.locks = StripedLocks()
        # A session read ahead by the rate limiter's script (RedisRateLimiter), for the get() that
        # follows in the same thread (greenlet under gevent); and per lock stripe, a stamp that
        # changes whenever this process saves a session of that stripe, so that a copy read
        # before another thread's save is not used.
        self._ahead = threading.local()
        self._stamps = [object() for _ in range(StripedLocks.COUNT)]

    def _key(self, session_id: str) -> str:
        return f"{PREFIX}session:{session_id}"

    def _ttl_ms(self) -> int:
        return max(1, math.ceil(self.ttl * 1000))

    def read_ahead(self, session_id: str, raw) -> None:
        """Keep the session's stored text (or None: no such session), read with its expiry renewed
        in the rate limiter's round trip, for this thread's next get() of it."""
        self._ahead.value = (session_id, raw, self._stamps[self.locks.index(session_id)], time.monotonic())

    def _take_ahead(self, session_id: str):
        """The text read ahead for this session, if it was read just now and this process has saved
        no session of its lock stripe since; else _NOT_AHEAD. Used once."""
        ahead = getattr(self._ahead, "value", None)
        if ahead is None:
            return _NOT_AHEAD
        self._ahead.value = None
        ahead_id, raw, stamp, read_at = ahead
        if (ahead_id != session_id or stamp is not self._stamps[self.locks.index(session_id)]
                or time.monotonic() - read_at > READ_AHEAD_SECONDS):
            return _NOT_AHEAD
        return raw

    def get(self, session_id: str | None) -> Session | None:
        """The live session with this id (renewing its expiry), or None."""
        if not session_id:
            return None
        raw = self._take_ahead(session_id)
        if raw is _NOT_AHEAD:
            raw = self.client.getex(self._key(session_id), px=self._ttl_ms())
        if raw is None:
            return None
        try:
            return Session.from_state(json.loads(raw))
        except (ValueError, TypeError, KeyError, AttributeError):
            return None                           # unreadable (an older format): start over

    def create(self) -> Session:
        session = Session(new_session_id())
        self.save(session)
        return session

    def fresh(self) -> Session:
        """A new session for hold(): written once, when the block ends (not also when created)."""
        return Session(new_session_id())

    def save(self, session: Session):
        text = json.dumps(session.to_state(), separators=(",", ":"), ensure_ascii=False)
        self._stamps[self.locks.index(session.id)] = object()
        self.client.set(self._key(session.id), text, px=self._ttl_ms())

    def __len__(self) -> int:
        return sum(1 for _ in self.client.scan_iter(match=f"{PREFIX}session:*", count=1000))


# KEYS[1] the key's window; ARGV: limit, window in microseconds, a unique member. Returns {the
# microseconds until an event would be counted (0 when this one is), the session or false, the
# microseconds the second window asks to wait (0 when counted there too)}. Given KEYS[3], a second
# window (ARGV[5] its limit, ARGV[6] its length), an event counted in the first is counted there
# too (a message for its session, then for its address). Given KEYS[2] (not ''), a session, it is
# read with its expiry renewed to ARGV[4] milliseconds (GETEX) when the event is counted in both.
_SLIDING_WINDOW = """
local function counted(key, limit, window, member, now)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  if redis.call('ZCARD', key) >= limit then
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    return math.max(tonumber(oldest[2]) + window - now, 1000)
  end
  redis.call('ZADD', key, now, member)
  redis.call('PEXPIRE', key, math.ceil(window / 1000))
  return 0
end
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local wait = counted(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], now)
if wait > 0 then
  return {wait, false, 0}
end
if KEYS[3] then
  local other = counted(KEYS[3], tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[3], now)
  if other > 0 then
    return {0, false, other}
  end
end
if KEYS[2] and KEYS[2] ~= '' then
  return {0, redis.call('GETEX', KEYS[2], 'PX', ARGV[4]), 0}
end
return {0, false, 0}
"""
READ_AHEAD_SECONDS = 1.0        # a session read with the rate check serves a get() this soon after
_NOT_AHEAD = object()


class RedisRateLimiter:
    """RateLimiter's sliding window (at most `limit` events per `window` seconds for each key),
    counted in Redis so that every process and machine shares it.

    Given the RedisSessionStore (`sessions`) whose sessions its keys name, a counted message's
    session is read in the same script: the store's next get() of it, in the same thread, costs
    no round trip (a message then costs two: this script, and writing the session back)."""

    def __init__(self, client, limit: int, window: float, sessions=None):
        if limit <= 0 or window <= 0:
            raise ValueError(f"rate limit needs a positive limit and window, got {limit!r} and {window!r}")
        self.client = client
        self.limit = limit
        self.window = window
        self._script = client.register_script(_SLIDING_WINDOW)
        self.sessions = sessions if isinstance(sessions, RedisSessionStore) and sessions.client is client else None

    def allow(self, key: str) -> bool:
        """Count one event for `key`; False when it would go over the limit (and then it is not counted)."""
        return self.wait_time(key) == 0

    def wait_time(self, key: str) -> float:
        """Count one event for `key` and return 0, or return the seconds until one is allowed."""
        return self.wait_times(key)[0]

    def wait_times(self, key: str, other=None, other_key: str = "") -> tuple[float, float]:
        """Count one event for `key` and, when it is allowed, one for `other_key` in the limiter
        `other`: (the seconds this limiter asks to wait, those `other` asks), each 0 when counted.
        With `other` in the same Redis, both windows are counted in one round trip."""
        if other is not None and not (isinstance(other, RedisRateLimiter) and other.client is self.client):
            return both_waits(self, key, other, other_key)
        session = self.sessions is not None and bool(key)
        keys = [f"{PREFIX}rate:{key}", self.sessions._key(key) if session else ""]
        args = [self.limit, math.ceil(self.window * 1_000_000), uuid.uuid4().hex, self.sessions._ttl_ms() if session else 0]
        if other is not None:
            keys.append(f"{PREFIX}rate:{other_key}")
            args += [other.limit, math.ceil(other.window * 1_000_000)]
        wait, raw, other_wait = self._script(keys=keys, args=args)
        if session and not wait and not other_wait:
            self.sessions.read_ahead(key, raw)
        return (int(wait) / 1_000_000 if wait else 0, int(other_wait) / 1_000_000 if other_wait else 0)


# KEYS[1] the hash of open connections by process, KEYS[2] the prefix of the processes' heartbeat
# keys; ARGV: capacity, this process. Counts only live processes (forgetting the others) and takes
# a slot for this one when the total is under the capacity.
_TAKE_SLOT = """
local total = 0
local counts = redis.call('HGETALL', KEYS[1])
for i = 1, #counts, 2 do
  if redis.call('EXISTS', KEYS[2] .. counts[i]) == 1 then
    total = total + tonumber(counts[i + 1])
  else
    redis.call('HDEL', KEYS[1], counts[i])
  end
end
if total >= tonumber(ARGV[1]) then return 0 end
redis.call('HINCRBY', KEYS[1], ARGV[2], 1)
return 1
"""


class RedisConnectionSlots:
    """ConnectionSlots (`take()` fails beyond the capacity) counted across every process sharing
    the Redis: `capacity` is the cap for the whole deployment."""

    def __init__(self, client, capacity: int):
        self.client = client
        self.capacity = capacity
        self.open = 0                                # this process's share
        self._lock = threading.Lock()
        self._take = client.register_script(_TAKE_SLOT)
        self._process = None                         # set in the process that serves (after a fork)

    def _name(self) -> str:
        if self._process is None or self._process[0] != os.getpid():
            self._process = (os.getpid(), f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}")
            self._beat()
            threading.Thread(target=self._keep_beating, args=(self._process,), daemon=True,
                             name="course-assistant-heartbeat").start()
        return self._process[1]

    def _beat(self):
        self.client.set(f"{PREFIX}alive:{self._process[1]}", "1", ex=HEARTBEAT_EXPIRY)

    def _keep_beating(self, process):
        while self._process == process:
            time.sleep(HEARTBEAT_SECONDS)
            try:
                self._beat()
            except Exception:                        # Redis away for a moment: try again next beat
                pass

    def total(self) -> int:
        """Open connections of every live process."""
        return sum(int(count) for count in self.client.hvals(f"{PREFIX}connections"))

    def take(self) -> bool:
        with self._lock:
            name = self._name()
        taken = self._take(keys=[f"{PREFIX}connections", f"{PREFIX}alive:"], args=[self.capacity, name])
        if taken:
            with self._lock:
                self.open += 1
        return bool(taken)

    def give_back(self):
        with self._lock:
            self.open -= 1
            name = self._name()
        self.client.hincrby(f"{PREFIX}connections", name, -1)
