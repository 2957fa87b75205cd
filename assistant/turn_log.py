"""The conversation log's writer: the reply path only puts a tuple on a queue; one thread writes.

`TurnLog.record()` is all a transport calls per turn (it returns the turn's id, which the reply
frame carries so that the visitor's vote can name it); `vote()` and `course_click()` record
feedback. The writer thread takes what is queued, makes the rows (reads the reply through
assistant/turn_record.py, masks e-mails and phone numbers), and writes them in one transaction
per batch. Every hour it deletes rows older than the retention.

Turns are written as tuples in the order of log_store.TURN_COLUMNS. A database that is locked,
full, read-only or unreachable never reaches the reply path: the
writer keeps the rows it could not write (up to `max_pending`, the oldest dropped first), logs
the failure at most once per minute, retries with a growing pause, and writes them when the
database is back. A full queue (the writer far behind) drops the new turn, also logged.
"""
from __future__ import annotations

import itertools
import json
import logging
import os
import secrets
import threading
import time
from collections import deque

from assistant.turn_record import MAX_MESSAGE_CHARS, mask_personal, turn_record

LOG = logging.getLogger("course_assistant.turn_log")
VOTES = ("up", "down", "none")          # "none" takes a vote back
RETENTION_EVERY = 3600.0                # seconds between deletions of old rows
WARN_EVERY = 60.0                       # a failure is logged at most this often


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class OncePerMinute:
    """Logs a warning at most once per `every` seconds, counting what it kept quiet."""

    def __init__(self, every: float = WARN_EVERY):
        self.every = every
        self.last = -float("inf")
        self.quiet = 0

    def warn(self, message: str, *args):
        now = time.monotonic()
        if now - self.last >= self.every:
            more = f" ({self.quiet} more since the last warning)" if self.quiet else ""
            LOG.warning(message + more, *args)
            self.last, self.quiet = now, 0
        else:
            self.quiet += 1


class NoLog:
    """Logging off: nothing is kept and turns get no id (so the widget shows no thumbs)."""

    enabled = False
    store = None

    def record(self, *args, **kwargs):
        return None

    def vote(self, *args, **kwargs):
        return False

    def course_click(self, *args, **kwargs):
        return False

    def flush(self, timeout: float = 10) -> bool:
        return True

    def close(self):
        pass


class TurnLog:
    enabled = True

    def __init__(self, store, retention_days: float = 30, *, batch_max: int = 2000, queue_max: int = 20_000,
                 max_pending: int = 50_000, linger: float = 1.0, warn_every: float = WARN_EVERY):
        self.store = store
        self.retention = retention_days * 86400.0
        self.batch_max = batch_max
        self.queue_max = queue_max
        self.max_pending = max_pending
        self.linger = linger                    # seconds the writer sleeps between batches
        # A deque, not a queue.Queue: appending takes no lock and wakes no thread, so the reply
        # path pays next to nothing and the writer runs in short bursts, not once per turn.
        self.queue: deque = deque()
        self.failures = OncePerMinute(warn_every)
        self.drops = OncePerMinute(warn_every)
        self.pending: tuple[list, list, list] = ([], [], [])   # rows made but not yet written
        self.failing_since: float | None = None
        self.written = 0                        # turns written so far (for tests and the bench)
        self._next_retention = 0.0
        self._busy = False
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._new_ids()
        self._start_writer()
        if hasattr(os, "register_at_fork"):
            os.register_at_fork(after_in_child=self._after_fork)

    def _new_ids(self):
        """Turn ids: a random prefix per process and a counter (unique without a lookup; a vote
        counts only from the turn's own conversation, so an id need not be secret)."""
        self._prefix = secrets.token_hex(5)
        self._counter = itertools.count(1)

    def _start_writer(self):
        self._thread = threading.Thread(target=self._run, name="turn-log-writer", daemon=True)
        self._thread.start()

    def _after_fork(self):
        """In a forked worker (gunicorn's preload_app): the writer thread did not come along, and
        the parent's database connection is not this process's to use. Start afresh."""
        self.queue = deque()
        self.pending = ([], [], [])
        self._busy = False
        self._wake, self._stop = threading.Event(), threading.Event()
        self.store.forget_connection()
        self._new_ids()
        self._start_writer()

    # ------------------------------------------------------------ the reply path (cheap)
    def record(self, conversation: str, message: str, reply, seconds: float, *, act: str | None = None,
               transport: str = "ws") -> str | None:
        """Queue one turn: `reply` is the reply dict or its JSON text. The new turn's id."""
        turn_id = self._prefix + format(next(self._counter), "x")
        self._put(("turn", turn_id, time.time(), conversation, message, reply, seconds, act, transport))
        return turn_id

    def vote(self, conversation: str, turn_id: str, vote: str) -> bool:
        return self._put(("vote", turn_id, conversation, vote, time.time()))

    def course_click(self, conversation: str, turn_id: str, course_id: str) -> bool:
        return self._put(("click", time.time(), conversation, turn_id, course_id))

    def _put(self, item) -> bool:
        if len(self.queue) >= self.queue_max:
            self.drops.warn("conversation log: the writer is behind (%d queued); a %s was not logged",
                            len(self.queue), item[0])
            return False
        self.queue.append(item)
        return True

    # ------------------------------------------------------------ control
    def flush(self, timeout: float = 10) -> bool:
        """Wait until everything queued is written; False if it is not within `timeout` seconds
        (the database refuses, or the writer is behind)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._wake.set()
            if not self.queue and not self._busy and not any(self.pending):
                return True
            time.sleep(0.02)
        return False

    def close(self, timeout: float = 5):
        """Write what is queued (for up to `timeout` seconds), then stop the writer."""
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)
        self.store.close()

    # ------------------------------------------------------------ the writer thread
    def _run(self):
        while True:
            if not self._stop.is_set():
                self._wake.wait(self.linger)
                self._wake.clear()
            self._busy = True
            try:
                while self.queue or any(self.pending):
                    batch = self._take()
                    if batch:
                        self._make_rows(batch)
                    if any(self.pending):
                        self._write()
                    if self.failing_since is not None:
                        break                   # retry after the pause, with what came meanwhile
                self._maybe_delete_old()
            finally:
                self._busy = False
            if self._stop.is_set() and (not self.queue or self.failing_since is not None):
                return                          # stopping: everything written, or the database is down

    def _take(self) -> list:
        batch, take = [], self.queue.popleft
        try:
            while len(batch) < self.batch_max:
                batch.append(take())
        except IndexError:
            pass
        return batch

    def _record_of(self, reply, act):
        """The reply's record as column values."""
        record = turn_record(reply, act)
        return (record["intent"], record["confidence"], record["act"], _json(record["filters"]), record["kind"],
                _json(record["courses"]), _json(record["subjects"]), record["reply_text"])

    def _make_rows(self, batch: list):
        turns, votes, clicks = self.pending
        for item in batch:
            try:
                if item[0] == "turn":
                    _, turn_id, at, conversation, message, reply, seconds, act, transport = item
                    turns.append((turn_id, at, conversation, mask_personal(message[:MAX_MESSAGE_CHARS]),
                                  *self._record_of(reply, act), seconds * 1000, transport))
                elif item[0] == "vote":
                    votes.append(item[1:])
                else:
                    clicks.append(item[1:])
            except Exception:       # a reply the record can't read: skip it, keep the rest
                LOG.exception("conversation log: could not read a %s; skipped", item[0])
        overflow = len(turns) + len(votes) + len(clicks) - self.max_pending
        if overflow > 0:
            del turns[:min(overflow, len(turns))]
            self.drops.warn("conversation log: the database is still failing; older unwritten turns dropped")

    def _write(self):
        turns, votes, clicks = self.pending
        try:
            self.store.write(turns, votes, clicks)
        except Exception as error:
            self.store.reset()
            if self.failing_since is None:
                self.failing_since = time.monotonic()
            self.failures.warn("conversation log: cannot write to %s (%s: %s); replies go on, the rows are kept "
                               "and written when it works again", self.store.label, type(error).__name__,
                               str(error).strip().splitlines()[0] if str(error).strip() else "")
            pause = min(5.0, 0.2 + (time.monotonic() - self.failing_since) / 10)
            self._stop.wait(pause)
            return
        self.written += len(turns)
        if self.failing_since is not None:
            LOG.warning("conversation log: writing to %s again after %.0f s", self.store.label,
                        time.monotonic() - self.failing_since)
            self.failing_since = None
            self.failures.last = -float("inf")
        self.pending = ([], [], [])

    def _maybe_delete_old(self):
        now = time.monotonic()
        if now < self._next_retention or self.failing_since is not None:
            return
        self._next_retention = now + RETENTION_EVERY
        try:
            gone = self.store.delete_before(time.time() - self.retention)
            if gone:
                LOG.info("conversation log: %d turns older than the retention deleted", gone)
        except Exception as error:
            self.store.reset()
            self._next_retention = now + 60
            self.failures.warn("conversation log: could not delete old rows from %s (%s)", self.store.label, error)


def open_turn_log(settings: dict):
    """The log the settings ask for: NoLog when log_conversations is off; else the database of
    database_url / data_dir, migrated now. A database that can't be used fails here (StoreError),
    unless log_optional is on: then a warning and NoLog. An unreachable PostgreSQL server is not
    fatal: the writer migrates and writes once it answers."""
    from assistant.log_store import StoreError, log_location, open_store
    if not settings.get("log_conversations", True):
        return NoLog()
    try:
        store = open_store(log_location(settings))
        try:
            store.migrate()
        except StoreError:
            raise
        except Exception as error:          # unreachable or locked: the writer will retry
            store.reset()
            LOG.warning("conversation log: %s not available at start-up (%s); replies go on, turns are kept "
                        "in memory and written when it answers", store.label, str(error).strip().splitlines()[0])
            store = _MigratingStore(store)
    except StoreError as error:
        if settings.get("log_optional"):
            LOG.warning("conversation log off: %s", error)
            return NoLog()
        raise
    return TurnLog(store, settings.get("log_retention_days", 30))


class _MigratingStore:
    """A store not yet migrated (its server was down at start-up): migrates before the first write."""

    def __init__(self, store):
        self.inner = store
        self.label = store.label
        self.migrated = False

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def _ready(self):
        if not self.migrated:
            self.inner.migrate()
            self.migrated = True

    def write(self, *args):
        self._ready()
        return self.inner.write(*args)

    def delete_before(self, cutoff):
        self._ready()
        return self.inner.delete_before(cutoff)
