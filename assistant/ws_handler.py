"""The websocket route: receive a frame, hand it to the protocol, send what it answers.

Everything the protocol decides lives in assistant/protocol.py; this module only moves frames,
counts open connections (in all, and per client address), and closes a connection when the
protocol says so. The transport's own bounds (queued frames, send deadline, malformed upgrades)
are in assistant/ws_transport.py.
"""
from __future__ import annotations

import threading

from flask import request

from assistant import request_deadline
from assistant.protocol import SocketConversation, error_frame
from assistant.ws_transport import CLOSE_TRY_AGAIN_LATER, websocket_route

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


def refuse_connection(ws, message: str):
    ws.send(error_frame("too_many_connections", message))
    ws.close(reason=CLOSE_TRY_AGAIN_LATER, message="too many connections")


def register_socket(app):
    parts = app.extensions["course_assistant"]
    settings, policy, descriptors = parts["settings"], parts["policy"], parts["descriptors"]
    from assistant.shared_state import connection_slots     # in Redis when redis_url is set
    slots = parts["connections"] = connection_slots(settings)

    def server_options() -> dict:
        return {"ping_interval": settings["ping_interval"] or None,
                # Frames up to 16x the cap are read and answered with a structured error; beyond that the
                # transport closes the connection (1009) rather than buffering without limit.
                "max_message_size": settings["max_frame_bytes"] * 16,
                "max_queued_frames": settings["max_queued_frames"],
                "max_queued_bytes": settings["max_frame_bytes"] * 16,
                "send_timeout": settings["send_timeout"]}

    def start_conversation(address: str) -> SocketConversation:
        return SocketConversation(parts["assistant"], parts["limiter"], settings["max_message_chars"],
                                  settings["max_frame_bytes"], settings["abuse_limit"],
                                  turn_log=parts.get("turn_log"), policy=policy, address=address)

    def chat_socket(ws):
        request_deadline.release()              # a websocket has its own limits from here on
        address = policy.address(request.environ)
        if not descriptors.take_websocket():
            return refuse_connection(ws, "The server is near its limit of open files; try again in a minute.")
        if not slots.take():
            return refuse_connection(ws, f"The assistant is serving {slots.capacity} conversations already; "
                                         "try again in a minute.")
        try:
            if not policy.connections.take(address):
                return refuse_connection(ws, f"Your address has {policy.connections.per_address} conversations "
                                             "open already; close one or try again later.")
            try:
                converse(ws, start_conversation(address))
            finally:
                policy.connections.give_back(address)
        finally:
            slots.give_back()

    def converse(ws, conversation: SocketConversation):
        first = ws.receive(timeout=settings["hello_wait"]) if settings["hello_wait"] else None
        outgoing = conversation.start(first, request.args.get("session_id"))
        while True:
            for frame in outgoing:
                ws.send(frame)
            parts["unanswered"].add(conversation.unanswered)
            conversation.unanswered.clear()
            if conversation.closing:
                ws.close(reason=conversation.close_code, message=conversation.closing)
                return
            raw = next(receive_frames(ws), None)
            if raw is None:
                return
            try:
                outgoing = conversation.handle(raw)
            except Exception:                        # a bug: logged, answered, and the connection goes on
                app.logger.exception("unexpected error answering a websocket frame")
                outgoing = [error_frame("internal_error", "The assistant failed on this frame; it has been logged.")]

    return websocket_route(app, "/ws", chat_socket, server_options, parts["json_error"])
