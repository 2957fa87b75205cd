"""A per-session sliding-window rate limit, thread-safe and bounded in memory."""
from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque


class RateLimiter:
    """At most `limit` events per `window` seconds for each key; remembers at most `max_keys` keys."""

    def __init__(self, limit: int, window: float, max_keys: int = 100_000, clock=time.monotonic):
        if limit <= 0 or window <= 0:
            raise ValueError(f"rate limit needs a positive limit and window, got {limit!r} and {window!r}")
        self.limit = limit
        self.window = window
        self.max_keys = max_keys
        self._clock = clock
        self._events: OrderedDict[str, deque] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Count one event for `key`; False when it would go over the limit (not counted then)."""
        now = self._clock()
        with self._lock:
            events = self._events.get(key)
            if events is None:
                events = self._events[key] = deque()
                while len(self._events) > self.max_keys:
                    self._events.popitem(last=False)
            else:
                self._events.move_to_end(key)
            while events and now - events[0] >= self.window:
                events.popleft()
            if len(events) >= self.limit:
                return False
            events.append(now)
            return True
