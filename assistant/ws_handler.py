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
    slots = parts["connections"] = ConnectionSlots(settings["max_connections"])

    def start_conversation() -> SocketConversation:
        return SocketConversation(parts["assistant"], parts["limiter"], settings["max_message_chars"],
                                  settings["max_frame_bytes"], settings["abuse_limit"])

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
            while conversation.closing is None:
                for frame in conversation.handle(ws.receive()):
                    ws.send(frame)
                parts["unanswered"].add(conversation.unanswered)
                conversation.unanswered.clear()
            ws.close(reason=CLOSE_POLICY_VIOLATION, message=conversation.closing)
        except ConnectionClosed:
            pass
        finally:
            slots.give_back()

    return sock
