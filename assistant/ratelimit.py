"""A per-session sliding-window rate limit, thread-safe and bounded in memory.

>>> limiter = RateLimiter(limit=2, window=10)
>>> limiter.allow("s1"), limiter.allow("s1"), limiter.allow("s1"), limiter.allow("s2")
(True, True, False, True)
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque


class RateLimiter:
    """At most `limit` events per `window` seconds for each key; remembers at most `max_keys` keys
    (the least recently active is forgotten first), each with at most `limit` timestamps."""

    def __init__(self, limit: int, window: float, max_keys: int = 100_000, clock=time.monotonic):
        if limit <= 0 or window <= 0 or max_keys <= 0:
            raise ValueError(f"rate limit needs a positive limit, window and max_keys, "
                             f"got {limit!r}, {window!r} and {max_keys!r}")
        self.limit = limit
        self.window = window
        self.max_keys = max_keys
        self._clock = clock
        self._events: OrderedDict[str, deque] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Count one event for `key`; False when it would go over the limit (and then it is not counted)."""
        return self.wait_time(key) == 0

    def wait_time(self, key: str) -> float:
        """Count one event for `key` and return 0, or return the seconds until one is allowed."""
        now = self._clock()
        with self._lock:
            events = self._events_of(key)
            while events and now - events[0] >= self.window:
                events.popleft()
            if len(events) >= self.limit:
                return max(events[0] + self.window - now, 0.001)
            events.append(now)
            return 0

    def wait_times(self, key: str, other=None, other_key: str = "") -> tuple[float, float]:
        """Count one event for `key` and, when it is allowed, one for `other_key` in the limiter
        `other`: (the seconds this limiter asks to wait, those `other` asks), each 0 when counted."""
        return both_waits(self, key, other, other_key)

    def _events_of(self, key: str) -> deque:
        events = self._events.get(key)
        if events is None:
            events = self._events[key] = deque()
            while len(self._events) > self.max_keys:
                self._events.popitem(last=False)
        else:
            self._events.move_to_end(key)
        return events


def both_waits(limiter, key: str, other=None, other_key: str = "") -> tuple[float, float]:
    """One event counted for `key` in `limiter` and, when allowed there, for `other_key` in `other`
    (a message for its session, then for its address): the two waits, each 0 when counted."""
    wait = limiter.wait_time(key)
    if wait or other is None:
        return wait, 0
    return 0, other.wait_time(other_key)

