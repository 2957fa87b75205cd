"""The websocket protocol as plain functions: a frame in, the frames to send back out.

The socket handler only moves frames; everything the contract promises (welcome, in_reply_to,
structured errors after which the connection keeps working) is decided here and tested
without a server.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from assistant.ratelimit import RateLimiter

MAX_ID_CHARS = 128


class ProtocolError(Exception):
    def __init__(self, code: str, message: str, in_reply_to=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.in_reply_to = in_reply_to


def error_frame(code: str, message: str, in_reply_to=None) -> str:
    return json.dumps({"type": "error", "in_reply_to": in_reply_to, "code": code, "message": message},
                      ensure_ascii=False)


def welcome_frame(session_id: str, reply: dict, resumed: bool) -> str:
    return json.dumps({"type": "welcome", "session_id": session_id, "resumed": resumed, "reply": reply},
                      ensure_ascii=False)


def reply_frame(in_reply_to, session_id: str, reply: dict) -> str:
    return json.dumps({"type": "reply", "in_reply_to": in_reply_to, "session_id": session_id, "reply": reply},
                      ensure_ascii=False)


def _client_id(frame: dict):
    """The client's id for in_reply_to, when it is usable."""
    value = frame.get("id")
    if isinstance(value, (str, int)) and not isinstance(value, bool) and len(str(value)) <= MAX_ID_CHARS:
        return value
    return None


def parse_frame(raw, *, max_chars: int, max_bytes: int) -> dict:
    """A validated client frame, or ProtocolError with the code the contract's error frame carries."""
    if isinstance(raw, (bytes, bytearray)):
        raise ProtocolError("binary_frame", "Send JSON text frames, not binary ones.")
    if len(raw.encode("utf-8", "surrogatepass")) > max_bytes:
        raise ProtocolError("frame_too_large", f"Frames are limited to {max_bytes} bytes.")
    try:
        frame = json.loads(raw)
    except (ValueError, RecursionError):
        raise ProtocolError("bad_json", "That frame is not valid JSON.") from None
    if not isinstance(frame, dict):
        raise ProtocolError("not_object", "A frame must be a JSON object like {\"type\": \"message\", ...}.")
    in_reply_to = _client_id(frame)
    if "id" in frame and frame["id"] is not None and in_reply_to is None:
        raise ProtocolError("bad_id", f"'id' must be a string or number of at most {MAX_ID_CHARS} characters.")
    kind = frame.get("type")
    if kind == "message":
        text = frame.get("text")
        if not isinstance(text, str) or not text.strip():
            raise ProtocolError("missing_text", "A message needs a non-empty 'text' string.", in_reply_to)
        if len(text) > max_chars:
            raise ProtocolError("text_too_long", f"Messages are limited to {max_chars} characters.", in_reply_to)
        return {"type": "message", "id": in_reply_to, "text": text}
    if kind == "hello":
        session_id = frame.get("session_id")
        if session_id is not None and (not isinstance(session_id, str) or len(session_id) > MAX_ID_CHARS):
            raise ProtocolError("bad_session", "'session_id' must be a string.", in_reply_to)
        return {"type": "hello", "id": in_reply_to, "session_id": session_id}
    if kind == "ping":
        return {"type": "ping", "id": in_reply_to}
    known = "message, hello, ping"
    raise ProtocolError("unknown_type", f"Unknown frame type {kind!r}; known types: {known}.", in_reply_to)


@dataclass
class SocketConversation:
    """One websocket connection's protocol state."""

    assistant: object
    limiter: RateLimiter
    max_chars: int
    max_bytes: int
    abuse_limit: int
    session_id: str | None = None
    consecutive_errors: int = 0
    closing: str | None = None          # set when the connection should close, with the reason
    unanswered: list = field(default_factory=list)

    def open(self, session_id: str | None = None) -> str:
        resumed = bool(session_id) and self.assistant.has_session(session_id)
        self.session_id, greeting = self.assistant.welcome(session_id if resumed else None)
        return welcome_frame(self.session_id, greeting, resumed)

    def handle(self, raw) -> list[str]:
        """The frames that answer one client frame."""
        try:
            frame = parse_frame(raw, max_chars=self.max_chars, max_bytes=self.max_bytes)
        except ProtocolError as error:
            return [self._error(error)]
        if frame["type"] == "ping":
            self.consecutive_errors = 0
            return [json.dumps({"type": "pong", "in_reply_to": frame["id"]})]
        if frame["type"] == "hello":
            self.consecutive_errors = 0
            return [self.open(frame["session_id"])]
        if not self.limiter.allow(self.session_id or ""):
            return [self._error(ProtocolError(
                "rate_limited", f"Too many messages: at most {self.limiter.limit} every "
                                f"{self.limiter.window:g} seconds. Try again in a moment.", frame["id"]))]
        self.consecutive_errors = 0
        self.session_id, reply = self.assistant.respond(self.session_id, frame["text"])
        if reply["intent"] == "out_of_scope":
            self.unanswered.append(frame["text"])
        return [reply_frame(frame["id"], self.session_id, reply)]

    def _error(self, error: ProtocolError) -> str:
        self.consecutive_errors += 1
        if self.consecutive_errors >= self.abuse_limit:
            self.closing = f"{self.consecutive_errors} bad frames in a row"
        return error_frame(error.code, error.message, error.in_reply_to)
