"""A deadline for each HTTP request under gunicorn: slow clients cannot hold its threads.

gunicorn's threaded worker reads a request's headers in a pool thread with blocking reads and
no overall limit, so a client sending one header line every few seconds (slowloris) held a
thread for as long as it liked; enough of them and nobody else was served. Here each request
gets `request_timeout` seconds from the moment a thread takes it up (headers, body, answer);
a watchdog thread shuts the socket of a request past its deadline, which ends the blocked read
and frees the thread. A websocket releases its deadline once upgraded (`release()`): it has
its own limits (ping timeout, send timeout, bounded inbox; assistant/ws_transport.py).

assistant/gunicorn_conf.py installs it in `post_worker_init` (gthread workers only).
"""
from __future__ import annotations

import socket
import threading
import time

_active = None       # the worker's RequestDeadlines, once installed


class RequestDeadlines:
    def __init__(self, seconds: float, tick: float = 0.25):
        self.seconds = seconds
        self.tick = tick
        self._running: dict[int, tuple[float, object]] = {}      # thread id -> (deadline, socket)
        self._lock = threading.Lock()
        self.cut = 0                                              # requests cut off so far
        threading.Thread(target=self._watch, name="request-deadlines", daemon=True).start()

    def start(self, sock):
        with self._lock:
            self._running[threading.get_ident()] = (time.monotonic() + self.seconds, sock)

    def release(self):
        with self._lock:
            self._running.pop(threading.get_ident(), None)

    def _watch(self):
        while True:
            time.sleep(self.tick)
            now = time.monotonic()
            with self._lock:
                late = [(ident, sock) for ident, (deadline, sock) in self._running.items() if deadline <= now]
                for ident, _ in late:
                    del self._running[ident]
            for _, sock in late:
                self.cut += 1
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def release():
    """The calling thread's request is a websocket now: no deadline. Does nothing outside gunicorn."""
    if _active is not None:
        _active.release()


def install(worker, seconds: float) -> RequestDeadlines | None:
    """Wrap a gunicorn threaded worker's `handle(conn)` with a deadline per request."""
    global _active
    original = getattr(worker, "handle", None)
    if original is None or type(worker).__name__ != "ThreadWorker":
        worker.log.warning("request deadlines need gunicorn's gthread worker; %s has none",
                           type(worker).__name__)
        return None
    deadlines = _active = RequestDeadlines(seconds)

    def handle(conn):
        deadlines.start(conn.sock)
        try:
            return original(conn)
        finally:
            deadlines.release()

    worker.handle = handle
    return deadlines
