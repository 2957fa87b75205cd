"""File descriptors: use all the system allows, and refuse new work well before running out.

Every open websocket costs one descriptor (its socket), two under gunicorn's gthread worker with
pings on (its ping thread's selector). At the common soft limit of 1,024, gunicorn's worker died
at about 500 websockets (`accept` failed with EMFILE) and every conversation went with it.
`raise_open_files_limit()` lifts the soft limit to the hard one at start; `FileDescriptors`
tells the app when the process is near its limit, so it refuses new websockets (1013) and then
new requests (503) instead of dying. `worker_connections()` sizes gunicorn's connection pool so
that those refusals come first: a full pool stops accepting, and a client then waits unanswered
in the listen queue instead of being refused.
"""
from __future__ import annotations

import os
import resource
import threading
import time

WEBSOCKETS_REFUSED_AT = 0.70     # share of the limit in use beyond which new websockets are refused
REQUESTS_REFUSED_AT = 0.85       # ... and beyond which HTTP requests get 503
POOL_AT_MOST = 0.90              # share of the limit gunicorn's connection pool may hold at most


def worker_connections(wanted: int, limit: int, descriptors_per_websocket: int) -> int:
    """gunicorn's `worker_connections` under an open-files `limit`: at most `wanted`, and few enough
    that connections costing `descriptors_per_websocket` each stay within POOL_AT_MOST of the limit,
    yet more than the connections open when the app starts refusing (WEBSOCKETS_REFUSED_AT, then
    REQUESTS_REFUSED_AT): the refusals, not a full pool, are what a client meets near the limit.

    >>> worker_connections(1100, 360, 1), worker_connections(1100, 360, 2), worker_connections(1100, 65536, 1)
    (324, 162, 1100)
    """
    return min(wanted, max(64, int(limit * POOL_AT_MOST) // descriptors_per_websocket))


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
    """How many descriptors the process has open, counted at most every `every` seconds; between
    two counts, every websocket let in adds its descriptor to the last count, so a burst of new
    connections cannot run past the refusal point while the count is stale."""

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

    def take_websocket(self) -> bool:
        """Whether a new websocket may stay (False near the limit); if so, its descriptor counts
        from now on, until the next count from /proc sees it."""
        if self.websockets_refused():
            return False
        with self._lock:
            self._count += 1
        return True

    def requests_refused(self) -> bool:
        return self.share() >= REQUESTS_REFUSED_AT
