"""A deadline for each HTTP request under gunicorn: slow clients cannot hold its threads or slots.

gunicorn's threaded worker reads a request's headers in a pool thread with blocking reads and
no overall limit, so a client sending one header line every few seconds (slowloris) held a
thread for as long as it liked; enough of them and nobody else was served. Its gevent worker
limits reading the headers to its keep-alive timeout, but not reading the body: a client
sending a body a byte a second held a slot of the worker's connection pool for good, and once
they filled it, the worker accepted nobody else.

Here each request gets `request_timeout` seconds (headers, body, answer): from the moment a
thread takes it up (gthread), or from the connection's acceptance and then from each later
request's headers (gevent). A watchdog (a thread, or under gevent a greenlet) shuts the socket
of a request past its deadline, which ends the blocked read and frees the thread or slot. A
websocket releases its deadline once upgraded (`release()`): it has its own limits (ping
timeout, send timeout, bounded inbox; assistant/ws_transport.py).

assistant/gunicorn_conf.py installs it in `post_worker_init`.
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

    def start(self, sock, keep: bool = False):
        """The calling thread (or greenlet) now serves `sock`: shut it in `seconds`. With `keep`,
        a deadline it already has stays as it is."""
        with self._lock:
            if keep and threading.get_ident() in self._running:
                return
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
    """Give each request of a gunicorn gthread or gevent worker a deadline of `seconds`.

    gthread: its `handle(conn)` serves one request. gevent (under monkey-patching, so the watchdog
    is a greenlet and thread idents are greenlets'): `handle(listener, client, addr)` serves a
    connection's requests one after the other, each through `handle_request(...)`; the deadline
    runs from acceptance through the first request's answer, and from each later request's headers
    through its answer (gunicorn limits the wait for those headers to its keep-alive timeout)."""
    global _active
    kind = type(worker).__name__
    if kind == "ThreadWorker":
        original = worker.handle
        deadlines = _active = RequestDeadlines(seconds)

        def handle(conn):
            deadlines.start(conn.sock)
            try:
                return original(conn)
            finally:
                deadlines.release()

        worker.handle = handle
        return deadlines
    if kind in ("GeventWorker", "GeventPyWSGIWorker") and hasattr(worker, "handle_request"):
        original_handle, original_request = worker.handle, worker.handle_request
        deadlines = _active = RequestDeadlines(seconds)

        def handle_connection(listener, client, addr):
            deadlines.start(client)
            try:
                return original_handle(listener, client, addr)
            finally:
                deadlines.release()

        def handle_request(listener_name, req, sock, addr):
            deadlines.start(sock, keep=True)          # the first request keeps the deadline of its connection
            try:
                return original_request(listener_name, req, sock, addr)
            finally:
                deadlines.release()

        worker.handle, worker.handle_request = handle_connection, handle_request
        return deadlines
    worker.log.warning("request deadlines need gunicorn's gthread or gevent worker; %s has none", kind)
    return None
