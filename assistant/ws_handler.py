"""The websocket route: receive a frame, hand it to the protocol, send what it answers.

Everything the protocol decides lives in assistant/protocol.py; this module only moves frames,
counts open connections, and closes a connection when the protocol says so.
"""
from __future__ import annotations

import threading

from flask import request
from flask_sock import ConnectionClosed, Sock

from assistant.protocol import SocketConversation, error_frame

CLOSE_TRY_AGAIN_LATER = 1013
CLOSE_POLICY_VIOLATION = 1008
POLL_SECONDS = 2        # how soon a reader notices a connection the transport closed on its own


def receive_frames(ws):
    """The client's frames until the connection closes.

    Polls rather than waiting forever: when a message exceeds max_message_size, simple-websocket
    closes the connection (1009) without waking a waiting reader, which would then hold its
    thread and connection slot for good."""
    while True:
        raw = ws.receive(timeout=POLL_SECONDS)
        if raw is not None:
            yield raw
        elif not ws.connected:
            return


class ConnectionSlots:
    """Counts open connections; `take()` fails beyond the cap."""

    def __init__(self, capacity: int):
        self.capacity = capacity
        self.open = 0
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            if self.open >= self.capacity:
                return False
            self.open += 1
            return True

    def give_back(self):
        with self._lock:
            self.open -= 1


def register_socket(app) -> Sock:
    sock = Sock(app)
    parts = app.extensions["course_assistant"]
    settings = parts["settings"]
    from assistant.shared_state import connection_slots     # in Redis when redis_url is set
    slots = parts["connections"] = connection_slots(settings)

    def start_conversation() -> SocketConversation:
        return SocketConversation(parts["assistant"], parts["limiter"], settings["max_message_chars"],
                                  settings["max_frame_bytes"], settings["abuse_limit"],
                                  turn_log=parts.get("turn_log"))

    @sock.route("/ws")
    def chat_socket(ws):
        if not slots.take():
            ws.send(error_frame("too_many_connections", f"The assistant is serving {slots.capacity} "
                                                        "conversations already; try again in a minute."))
            ws.close(reason=CLOSE_TRY_AGAIN_LATER, message="too many connections")
            return
        try:
            conversation = start_conversation()
            ws.send(conversation.open(request.args.get("session_id")))
            for raw in receive_frames(ws):
                for frame in conversation.handle(raw):
                    ws.send(frame)
                parts["unanswered"].add(conversation.unanswered)
                conversation.unanswered.clear()
                if conversation.closing:
                    ws.close(reason=CLOSE_POLICY_VIOLATION, message=conversation.closing)
                    break
        except ConnectionClosed:
            pass
        finally:
            slots.give_back()

    return sock
