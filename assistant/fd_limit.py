"""File descriptors: use all the system allows, and refuse new work well before running out.

Every open websocket costs two descriptors (its socket and its ping thread's selector). At the
common soft limit of 1,024, gunicorn's worker died at about 500 websockets (`accept` failed
with EMFILE) and every conversation went with it. `raise_open_files_limit()` lifts the soft
limit to the hard one at start; `FileDescriptors` tells the app when the process is near its
limit, so it refuses new websockets (1013) and then new requests (503) instead of dying.
"""
from __future__ import annotations

import os
import resource
import threading
import time

WEBSOCKETS_REFUSED_AT = 0.70     # share of the limit in use beyond which new websockets are refused
REQUESTS_REFUSED_AT = 0.85       # ... and beyond which HTTP requests get 503


def raise_open_files_limit() -> int:
    """Raise the soft RLIMIT_NOFILE to the hard limit (when allowed); the soft limit now in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(soft, 1 << 20)
    if soft == resource.RLIM_INFINITY or soft >= target:
        return soft if soft != resource.RLIM_INFINITY else 1 << 30
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        return target
    except (ValueError, OSError):
        return soft


def open_files_limit() -> int:
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    return soft if soft != resource.RLIM_INFINITY else 1 << 30


class FileDescriptors:
    """How many descriptors the process has open, counted at most every `every` seconds."""

    def __init__(self, every: float = 0.05, clock=time.monotonic):
        self.limit = open_files_limit()
        self.every = every
        self._clock = clock
        self._counted_at = -1e9
        self._count = 0
        self._lock = threading.Lock()
        self.available = os.path.isdir("/proc/self/fd")

    def in_use(self) -> int:
        if not self.available:
            return 0
        now = self._clock()
        with self._lock:
            if now - self._counted_at >= self.every:
                try:
                    self._count = len(os.listdir("/proc/self/fd"))
                except OSError:
                    self._count = 0
                self._counted_at = now
            return self._count

    def share(self) -> float:
        return self.in_use() / self.limit

    def websockets_refused(self) -> bool:
        return self.share() >= WEBSOCKETS_REFUSED_AT

    def requests_refused(self) -> bool:
        return self.share() >= REQUESTS_REFUSED_AT
