"""The websocket route: receive a frame, hand it to the protocol, send what it answers."""
from __future__ import annotations

import threading

from flask import current_app, request
from flask_sock import ConnectionClosed, Sock

from assistant.protocol import SocketConversation, error_frame


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


def register_socket(app):
    sock = Sock(app)
    parts = app.extensions["course_assistant"]
    settings = parts["settings"]
    slots = ConnectionSlots(settings["max_connections"])
    parts["connections"] = slots

    @sock.route("/ws")
    def chat_socket(ws):
        if not slots.take():
            ws.send(error_frame("too_many_connections", "The assistant is busy; try again in a minute."))
            ws.close(reason=1013, message="too many connections")
            return
        conversation = SocketConversation(parts["assistant"], parts["limiter"], settings["max_message_chars"],
                                          settings["max_frame_bytes"], settings["abuse_limit"])
        try:
            ws.send(conversation.open(request.args.get("session_id")))
            while conversation.closing is None:
                for frame in conversation.handle(ws.receive()):
                    ws.send(frame)
                parts["unanswered"].add(conversation.unanswered)
                conversation.unanswered.clear()
            ws.close(reason=1008, message=conversation.closing)
        except ConnectionClosed:
            pass
        finally:
            slots.give_back()

    return sock
