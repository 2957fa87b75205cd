"""The websocket transport with bounds: what a client may make the server hold is limited.

simple-websocket (under flask-sock) reads a client's frames into an unbounded list on its own
thread and sends with a blocking `socket.send`. A client that sends without reading made both
grow or stall for good: its frames piled up while the handler waited on a full send buffer, and
the ping thread blocked on the same buffer, so the ping timeout never closed it. Here:

- `BoundedInbox`: at most `max_frames` frames and `max_bytes` bytes waiting to be answered; one
  more and the connection is closed with 1008 (policy violation).
- `DeadlineSocket`: every send (replies, pings, pongs, close frames) must go out within
  `send_timeout` seconds; a client that does not read is then cut off (the socket is shut down:
  no close frame can reach a client whose receive buffer is full).
- `BoundedServer.send`/`close`: once the reader thread has begun closing (overflow, too big a
  message, ping timeout, the client's close), they raise `ConnectionClosed` like after the close,
  not wsproto's `LocalProtocolError` (see `BoundedServer.send`).
- `upgrade_problem()`: a malformed upgrade (no key, wrong version) is refused with 400 in the
  JSON error shape before the websocket library sees it (it raised, and the client got a 500).

`websocket_route()` registers a handler like flask-sock's `Sock.route` does, with these bounds.
"""
from __future__ import annotations

import base64
import binascii
import select
import socket
import threading
import time

from flask import Response, current_app, request
from simple_websocket import ConnectionClosed, Server
from wsproto.events import CloseConnection
from wsproto.utilities import LocalProtocolError

CLOSE_POLICY_VIOLATION = 1008
CLOSE_TRY_AGAIN_LATER = 1013
_DONTWAIT = getattr(socket, "MSG_DONTWAIT", 0)


class SendTimeout(OSError):
    """A send did not complete within the deadline: the client is not reading."""


class DeadlineSocket:
    """A socket whose `send` sends everything within `timeout` seconds or shuts the socket down.

    Used by the handler thread (replies) and the library's reader thread (pings, pongs, close)
    alike; a lock keeps their frames from interleaving. Other calls go to the socket as they are."""

    def __init__(self, sock, timeout: float):
        self._sock = sock
        self._timeout = timeout
        self._send_lock = threading.Lock()
        self.timed_out = False

    def __getattr__(self, name):
        return getattr(self._sock, name)

    def send(self, data) -> int:
        view = memoryview(data)
        deadline = time.monotonic() + self._timeout
        with self._send_lock:
            while view:
                if self.timed_out:
                    raise SendTimeout("the connection was cut off: an earlier send timed out")
                try:
                    view = view[self._sock.send(view, _DONTWAIT):]
                    continue
                except (BlockingIOError, InterruptedError):
                    pass
                remaining = deadline - time.monotonic()
                writable = select.poll()                    # not select(): descriptors may pass 1024
                writable.register(self._sock.fileno(), select.POLLOUT)
                if remaining <= 0 or not writable.poll(remaining * 1000):
                    self._cut_off()
                    raise SendTimeout(f"the client read nothing for {self._timeout:g} s")
        return len(data)

    sendall = send

    def _cut_off(self):
        self.timed_out = True
        try:
            self._sock.shutdown(socket.SHUT_RDWR)       # wakes the reader thread too
        except OSError:
            pass


class BoundedInbox(list):
    """The library's list of received frames, refusing to hold more than its bounds."""

    def __init__(self, max_frames: int, max_bytes: int):
        super().__init__()
        self.max_frames, self.max_bytes = max_frames, max_bytes
        self.bytes = 0
        self.overflowed = False

    def append(self, frame):
        size = len(frame)
        if len(self) >= self.max_frames or self.bytes + size > self.max_bytes:
            self.overflowed = True          # dropped; the connection is closed right after
            return
        self.bytes += size
        super().append(frame)

    def pop(self, index=-1):
        frame = super().pop(index)
        self.bytes -= len(frame)
        return frame


class BoundedServer(Server):
    """simple-websocket's server with a bounded inbox and sends with a deadline."""

    def __init__(self, environ, *, max_queued_frames: int, max_queued_bytes: int, send_timeout: float, **options):
        self._bounds = (max_queued_frames, max_queued_bytes, send_timeout)
        self.overflow_reason = None
        super().__init__(environ, **options)

    def handshake(self):
        max_frames, max_bytes, send_timeout = self._bounds
        self.sock = DeadlineSocket(self.sock, send_timeout)
        self.input_buffer = BoundedInbox(max_frames, max_bytes)
        super().handshake()

    def send(self, data):
        """As the library's, but a connection the reader thread is closing raises ConnectionClosed.

        The reader thread moves wsproto to its closing state when it sends a close frame (inbox
        overflow, message too big, ping timeout, the client's close) and sets `connected = False`
        only afterwards, when that frame is out, which may take up to the send deadline. A send in
        between passed the library's `connected` check and failed in wsproto with
        LocalProtocolError, which the route did not expect: it escaped the route before the socket
        was shut down, Flask answered 500, and the dev server then drained the client's input,
        10 MB at a time for up to 1,000 reads, while the client kept sending unhindered."""
        try:
            super().send(data)
        except LocalProtocolError:
            raise ConnectionClosed(self.close_reason, self.close_message) from None

    def close(self, reason=None, message=None):
        """As the library's, with `send`'s translation: a connection already closing is closed."""
        try:
            super().close(reason, message)
        except LocalProtocolError:
            raise ConnectionClosed(self.close_reason, self.close_message) from None

    def _handle_events(self):
        keep_going = super()._handle_events()
        inbox = self.input_buffer
        if keep_going and isinstance(inbox, BoundedInbox) and inbox.overflowed:
            self.overflow_reason = (f"more than {inbox.max_frames} frames or {inbox.max_bytes} bytes "
                                    "waiting to be answered")
            try:
                self.sock.send(self.ws.send(CloseConnection(CLOSE_POLICY_VIOLATION, self.overflow_reason[:120])))
            except OSError:
                pass
            self.event.set()
            return False
        return keep_going


def upgrade_problem(environ) -> str | None:
    """Why this request is not a websocket upgrade the server can accept, or None."""
    if environ.get("REQUEST_METHOD") != "GET":
        return "a websocket upgrade must be a GET request"
    if "websocket" not in environ.get("HTTP_UPGRADE", "").lower():
        return "use a websocket client for /ws (the request has no 'Upgrade: websocket')"
    if "upgrade" not in environ.get("HTTP_CONNECTION", "").lower():
        return "the upgrade needs 'Connection: Upgrade'"
    if environ.get("HTTP_SEC_WEBSOCKET_VERSION", "").strip() != "13":
        return "only websocket version 13 is spoken ('Sec-WebSocket-Version: 13')"
    key = environ.get("HTTP_SEC_WEBSOCKET_KEY", "").strip()
    try:
        if len(base64.b64decode(key, validate=True)) != 16:
            raise ValueError
    except (ValueError, binascii.Error):
        return "'Sec-WebSocket-Key' must be 16 bytes in base64"
    return None


class _Finished(Response):
    """What the route returns once the websocket is over: nothing more to write to the socket."""

    def __init__(self, mode: str):
        super().__init__()
        self.mode = mode

    def __call__(self, environ, start_response):
        if self.mode == "gunicorn":
            raise StopIteration()               # gunicorn then closes the connection
        if self.mode == "werkzeug":
            return super().__call__(environ, start_response)
        return []


def websocket_route(app, path: str, handler, options, refuse):
    """Serve websockets on `path`: `handler(ws)` runs for the connection's life.

    `options()` gives BoundedServer's keyword options; `refuse(status, code, message)` answers
    a request that is not an acceptable upgrade (the JSON error shape)."""

    def route():
        problem = upgrade_problem(request.environ)
        if problem:
            return refuse(400, "bad_request", f"Bad websocket upgrade: {problem}.")
        try:
            ws = BoundedServer(request.environ, **options())
        except Exception as error:              # the library refused the handshake
            current_app.logger.info("websocket handshake refused: %s", error)
            return refuse(400, "bad_request", "Bad websocket upgrade: the handshake could not be completed.")
        try:
            try:
                handler(ws)
            except ConnectionClosed:
                pass
            except OSError:                      # a send timed out or the client went away
                pass
            try:
                if ws.connected:
                    ws.close()
            except (ConnectionClosed, OSError):
                pass
        finally:                # end it for the web server too, whatever the handler raised: the dev
            try:                # server would drain the client's input for as long as it kept sending
                ws.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        return _Finished(ws.mode)

    route.__name__ = "websocket_" + path.strip("/").replace("/", "_")
    app.add_url_rule(path, view_func=route, methods=["GET"], websocket=True)   # plain GETs: 400 by routing
    return route
