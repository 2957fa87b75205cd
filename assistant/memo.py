"""A bounded, thread-safe memo for the pure steps of answering a message.

Reading a message (spelling, filters) depends only on its text, and ranking depends only on the
query, the filters and what was already shown: the same inputs give the same result for as long
as the knowledge is loaded. Learners ask the same things a lot (the widget's example chips, "best
Python course for beginners"), so those steps keep their recent results, least recently used out
first. Values kept here must be immutable (frozen dataclasses, tuples, strings).

>>> memo = Memo(2)
>>> memo.get_or_compute("a", str.upper), memo.get_or_compute("a", len), len(memo)
('A', 'A', 1)
>>> _ = memo.get_or_compute("b", str.upper), memo.get_or_compute("c", str.upper)
>>> "a" in memo, "c" in memo
(False, True)
>>> Memo(0).get_or_compute("a", str.upper), len(Memo(0))
('A', 0)
"""
from __future__ import annotations

import threading
from collections import OrderedDict

DEFAULT_MEMO_ENTRIES = 4096
_MISSING = object()


class Memo:
    """Up to `capacity` results by key; `capacity` 0 keeps nothing (every call computes)."""

    def __init__(self, capacity: int = DEFAULT_MEMO_ENTRIES):
        self.capacity = capacity
        self.hits = 0
        self.misses = 0
        self._store: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get_or_compute(self, key, compute, *args):
        """The kept result for `key`, or `compute(*args)` (or `compute(key)`), kept for next time."""
        if self.capacity <= 0:
            return compute(*args) if args else compute(key)
        with self._lock:
            value = self._store.get(key, _MISSING)
            if value is not _MISSING:
                self._store.move_to_end(key)
                self.hits += 1
                return value
        value = compute(*args) if args else compute(key)
        with self._lock:
            self.misses += 1
            self._store[key] = value
            self._store.move_to_end(key)
            while len(self._store) > self.capacity:
                self._store.popitem(last=False)
        return value

    def get(self, key, default=None):
        """The kept value for `key` (now the most recent), or `default`."""
        with self._lock:
            value = self._store.get(key, _MISSING)
            if value is _MISSING:
                self.misses += 1
                return default
            self._store.move_to_end(key)
            self.hits += 1
            return value

    def put(self, key, value):
        """Keep `value` for `key`, the least recently used out beyond the capacity."""
        if self.capacity <= 0:
            return
        with self._lock:
            self._store[key] = value
            self._store.move_to_end(key)
            while len(self._store) > self.capacity:
                self._store.popitem(last=False)

    def __contains__(self, key) -> bool:
        return key in self._store

    def __len__(self) -> int:
        return len(self._store)

    def __getstate__(self):
        # A pickled brain (assistant/brain_cache.py) starts with an empty memo of the same size.
        return {"capacity": self.capacity}

    def __setstate__(self, state):
        self.__init__(state["capacity"])
