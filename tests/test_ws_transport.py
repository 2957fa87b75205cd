"""The websocket transport's close race, without a server or timing: the states are set by hand.

The reader thread of simple-websocket moves wsproto to its closing state when it sends a close
frame and sets `connected = False` only once that frame is out. A handler's send in between failed
with wsproto's LocalProtocolError, which escaped the route before it shut the socket down; the dev
server then drained the client's input for as long as it kept sending (the never-reads test in
tests/test_hostile_clients.py saw 1.9 million frames go through in 30 s)."""
from __future__ import annotations

import base64
import socket

import pytest
from flask import Flask
from simple_websocket import ConnectionClosed
from wsproto.events import CloseConnection

from assistant.ws_transport import CLOSE_POLICY_VIOLATION, BoundedServer, websocket_route

UPGRADE = {"Host": "localhost", "Upgrade": "websocket", "Connection": "Upgrade",
           "Sec-WebSocket-Key": base64.b64encode(b"0123456789abcdef").decode(), "Sec-WebSocket-Version": "13"}
OPTIONS = {"ping_interval": None, "max_message_size": None, "max_queued_frames": 4, "max_queued_bytes": 4096,
           "send_timeout": 2}


def environ_for(sock) -> dict:
    environ = {"HTTP_" + name.upper().replace("-", "_"): value for name, value in UPGRADE.items()}
    return {**environ, "REQUEST_METHOD": "GET", "werkzeug.socket": sock}


def begin_closing_as_the_reader_thread_does(ws):
    """The reader thread's state after its close frame was made and before `connected = False`."""
    ws.ws.send(CloseConnection(CLOSE_POLICY_VIOLATION, "too many frames"))
    assert ws.connected


def read_until_end(sock) -> bytes:
    """Everything the peer has sent, which must end with its shutdown (no waiting: it is there or not)."""
    received = b""
    while True:
        try:
            chunk = sock.recv(65536, socket.MSG_DONTWAIT)
        except BlockingIOError:
            raise AssertionError("the server's end of the socket is still open") from None
        if not chunk:
            return received
        received += chunk


def test_a_send_or_close_while_the_reader_thread_closes_raises_connection_closed():
    server_end, client_end = socket.socketpair()
    with client_end:
        ws = BoundedServer(environ_for(server_end), **OPTIONS)
        begin_closing_as_the_reader_thread_does(ws)
        with pytest.raises(ConnectionClosed):
            ws.send("a reply")
        with pytest.raises(ConnectionClosed):
            ws.close()
    ws.thread.join(10)          # the client's end closed: the reader thread sees the end of input


@pytest.mark.parametrize("failure", [None, RuntimeError("a bug in the handler")])
def test_the_route_shuts_the_socket_down_whatever_the_handler_ends_with(failure):
    app = Flask(__name__)

    def handler(ws):
        begin_closing_as_the_reader_thread_does(ws)
        if failure:
            raise failure
        ws.send("a reply")

    websocket_route(app, "/ws", handler, lambda: OPTIONS, lambda status, code, message: (message, status))
    server_end, client_end = socket.socketpair()
    with client_end:
        app.test_client().get("/ws", headers=UPGRADE, environ_base={"werkzeug.socket": server_end})
        assert read_until_end(client_end).startswith(b"HTTP/1.1 101 ")
