"""The websocket protocol as plain functions: a frame in, the frames to send back out.

The socket handler only moves frames; everything the contract promises (welcome, in_reply_to,
structured errors after which the connection keeps working) is decided here and tested
without a server. docs/PROTOCOL.md describes every frame and error code.

>>> parse_frame('{"type": "message", "id": "c1", "text": "hi"}', max_chars=2000, max_bytes=65536)
{'type': 'message', 'id': 'c1', 'text': 'hi'}
>>> try:
...     parse_frame('[1]', max_chars=2000, max_bytes=65536)
... except ProtocolError as error:
...     print(error.code, error.in_reply_to)
not_object None
"""
from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass, field

from assistant.ratelimit import RateLimiter
from assistant.reply_json import encode, encode_reply_frame
from assistant.sessions import SessionsFull

MAX_ID_CHARS = 128
FRAME_TYPES = ("message", "hello", "ping", "feedback", "course_click")
VOTES = ("up", "down", "none")          # a feedback frame's vote; "none" takes a vote back


class ProtocolError(Exception):
    """A frame the server cannot act on: the error frame's code, message and in_reply_to."""

    def __init__(self, code: str, message: str, in_reply_to=None, **extra):
        super().__init__(message)
        self.code = code
        self.message = message
        self.in_reply_to = in_reply_to
        self.extra = extra

    def to_frame(self) -> str:
        return error_frame(self.code, self.message, self.in_reply_to, **self.extra)


def _dump(frame: dict) -> str:
    return encode(frame)        # compact JSON, course cards' fixed fields encoded once per course


def error_frame(code: str, message: str, in_reply_to=None, **extra) -> str:
    """`extra` keys extend the contract's error frame (e.g. `retry_after` for `rate_limited`)."""
    return _dump({"type": "error", "in_reply_to": in_reply_to, "code": code, "message": message, **extra})


def welcome_frame(session_id: str, reply: dict, resumed: bool, hello: dict | None = None) -> str:
    """A welcome; one answering a `hello` carries `in_reply_to` (its id, or null)."""
    answers = {"in_reply_to": hello["id"]} if hello is not None else {}
    return _dump({"type": "welcome", **answers, "session_id": session_id, "resumed": resumed, "reply": reply})


def reply_frame(in_reply_to, session_id: str, reply: dict) -> str:
    return _dump({"type": "reply", "in_reply_to": in_reply_to, "session_id": session_id, "reply": reply})


def pong_frame(in_reply_to) -> str:
    return _dump({"type": "pong", "in_reply_to": in_reply_to})


def _kind_of(value) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null",
            int: "a number", float: "a number"}.get(type(value), type(value).__name__)


def _read_id(frame: dict):
    """The client's id for in_reply_to, or ProtocolError when there is one the server cannot echo."""
    value = frame.get("id")
    if value is None:
        return None
    if (isinstance(value, (str, int)) and not isinstance(value, bool) and len(str(value)) <= MAX_ID_CHARS
            and not has_lone_surrogate(str(value))):
        return value
    raise ProtocolError("bad_id", f"'id' must be a string or integer of at most {MAX_ID_CHARS} characters; "
                                  f"got {_kind_of(value)}.")


def parse_frame(raw, *, max_chars: int, max_bytes: int) -> dict:
    """A validated client frame (`message`, `hello` or `ping`), or ProtocolError with the error code."""
    if isinstance(raw, (bytes, bytearray)):
        raise ProtocolError("binary_frame", f"Send JSON text frames, not binary ones (got {len(raw)} bytes).")
    size = len(raw.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise ProtocolError("frame_too_large", f"Frames are limited to {max_bytes} bytes; this one has {size}.")
    try:
        frame = json.loads(raw)
    except (ValueError, RecursionError) as error:
        where = f" ({error})" if isinstance(error, ValueError) else " (nested too deeply)"
        raise ProtocolError("bad_json", f"That frame is not valid JSON{where}.") from None
    if not isinstance(frame, dict):
        raise ProtocolError("not_object", f'A frame must be a JSON object like {{"type": "message", ...}}; '
                                          f"got {_kind_of(frame)}.")
    in_reply_to = _read_id(frame)
    kind = frame.get("type")
    if kind == "message":
        return {"type": "message", "id": in_reply_to, "text": _read_text(frame, max_chars, in_reply_to)}
    if kind == "hello":
        session_id = frame.get("session_id")
        if session_id is not None and (not isinstance(session_id, str) or len(session_id) > MAX_ID_CHARS
                                       or has_lone_surrogate(session_id)):
            raise ProtocolError("bad_session", f"'session_id' must be a string of at most {MAX_ID_CHARS} "
                                               f"characters; got {_kind_of(session_id)}.", in_reply_to)
        return {"type": "hello", "id": in_reply_to, "session_id": session_id}
    if kind == "ping":
        return {"type": "ping", "id": in_reply_to}
    if kind in ("feedback", "course_click"):
        return parse_feedback(frame, in_reply_to)
    shown = repr(kind)[:40] if isinstance(kind, str) else _kind_of(kind)
    raise ProtocolError("unknown_type", f"Unknown frame type {shown}; known types: {', '.join(FRAME_TYPES)}.",
                        in_reply_to)


def parse_feedback(frame: dict, in_reply_to=None) -> dict:
    """A `feedback` ({"turn_id", "vote": "up" | "down" | "none"}) or `course_click` ({"turn_id",
    "course_id"}) frame or HTTP body, checked; ProtocolError with the code otherwise."""
    kind = frame.get("type")
    turn_id = frame.get("turn_id")
    if (not isinstance(turn_id, str) or not turn_id or len(turn_id) > MAX_ID_CHARS
            or has_lone_surrogate(turn_id)):
        raise ProtocolError("bad_turn", f"'turn_id' must be the turn_id of a reply (a string of at most "
                                        f"{MAX_ID_CHARS} characters); got {_kind_of(turn_id)}.", in_reply_to)
    if kind == "feedback":
        vote = frame.get("vote")
        if vote is None:
            vote = "none"
        if vote not in VOTES:
            raise ProtocolError("bad_vote", f"'vote' must be one of {', '.join(VOTES)}; got "
                                            f"{repr(vote)[:40] if isinstance(vote, str) else _kind_of(vote)}.", in_reply_to)
        return {"type": "feedback", "id": in_reply_to, "turn_id": turn_id, "vote": vote}
    course_id = frame.get("course_id")
    if (not isinstance(course_id, str) or not course_id or len(course_id) > 300
            or has_lone_surrogate(course_id)):
        raise ProtocolError("bad_course", "'course_id' must be the id of a course card shown (a string); got "
                                          f"{_kind_of(course_id)}.", in_reply_to)
    return {"type": "course_click", "id": in_reply_to, "turn_id": turn_id, "course_id": course_id}


def noted_frame(in_reply_to, kind: str, logged: bool) -> str:
    """The answer to feedback and course_click frames; `logged` is false when the log is off."""
    return _dump({"type": "noted", "in_reply_to": in_reply_to, "of": kind, "logged": logged})


def has_lone_surrogate(text: str) -> bool:
    """True when `text` holds a surrogate code point (JSON's "\\ud800" escape allows one), which no
    UTF-8 text can carry: such text could not be answered or logged.

    >>> has_lone_surrogate("caf\\u00e9"), has_lone_surrogate("\\ud800")
    (False, True)
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _read_text(frame: dict, max_chars: int, in_reply_to) -> str:
    text = frame.get("text")
    if not isinstance(text, str) or not text.strip():
        got = "nothing" if text is None else ("blank text" if isinstance(text, str) else _kind_of(text))
        raise ProtocolError("missing_text", f"A message needs a non-empty 'text' string; got {got}.", in_reply_to)
    if has_lone_surrogate(text):
        raise ProtocolError("bad_text", "The text holds a lone surrogate (an escape like \\ud800 without its pair); "
                                        "send valid Unicode.", in_reply_to)
    if len(text) > max_chars:
        raise ProtocolError("text_too_long", f"Messages are limited to {max_chars} characters; "
                                             f"this one has {len(text)}.", in_reply_to)
    return text


@dataclass
class SocketConversation:
    """One websocket connection's protocol state: its session, and how many bad frames in a row."""

    assistant: object
    limiter: RateLimiter
    max_chars: int
    max_bytes: int
    abuse_limit: int
    session_id: str | None = None
    consecutive_errors: int = 0
    closing: str | None = None          # set when the connection should close, with the reason
    unanswered: list = field(default_factory=list)
    turn_log: object = None             # assistant/turn_log.py: TurnLog, or None for no log
    policy: object = None               # per-address limits (assistant/client_policy.py), if any
    address: str = ""                   # the client's address, for the policy
    close_code: int = 1008              # the close code when `closing` is set

    def start(self, first=None, url_session_id: str | None = None) -> list[str]:
        """The frames that open a connection: the welcome, resuming the session a first `hello`
        frame names (or, deprecated, the one the URL named), then the answer to a first frame
        that was not a hello."""
        if first is not None:
            try:
                frame = parse_frame(first, max_chars=self.max_chars, max_bytes=self.max_bytes)
            except ProtocolError:
                frame = None
            if frame is not None and frame["type"] == "hello":
                return [self.open(frame["session_id"] or url_session_id, hello=frame)]
        frames = [self.open(url_session_id)]
        if first is not None and not self.closing:
            frames += self.handle(first)
        return frames

    def open(self, session_id: str | None = None, hello: dict | None = None) -> str:
        """The welcome frame: the session `session_id` when it is alive (resumed), else a new one
        (when the client's address may start one)."""
        resumed = bool(session_id) and self.assistant.has_session(session_id)
        if not resumed and self.policy is not None:
            from assistant.client_policy import Refusal
            try:
                self.policy.check_new_session(self.address)
            except Refusal as refusal:
                if self.session_id is None:           # nothing to go on with: close, try later
                    self.closing, self.close_code = "too many new sessions", 1013
                return error_frame(refusal.code, refusal.message, hello and hello["id"],
                                   retry_after=round(refusal.retry_after, 3))
        try:
            self.session_id, greeting = self.assistant.welcome(session_id if resumed else None)
        except SessionsFull as full:
            return self._full(full, hello and hello["id"])
        return welcome_frame(self.session_id, greeting, resumed, hello)

    def _full(self, full: SessionsFull, in_reply_to) -> str:
        """A new conversation would evict one in use: refused; closed when there is none to go on with."""
        if self.session_id is None:
            self.closing, self.close_code = "the server is full", 1013
        return error_frame("too_many_connections", f"The assistant is holding {full.capacity} conversations in use; "
                                                   "try again in a minute.", in_reply_to,
                           retry_after=round(full.retry_after, 3))

    def handle(self, raw) -> list[str]:
        """The frames that answer one client frame."""
        try:
            frame = parse_frame(raw, max_chars=self.max_chars, max_bytes=self.max_bytes)
            if frame["type"] == "message":
                self._check_rate(frame["id"])
        except ProtocolError as error:
            return [self._refuse(error)]
        self.consecutive_errors = 0
        if frame["type"] == "ping":
            return [pong_frame(frame["id"])]
        if frame["type"] == "hello":
            return [self.open(frame["session_id"], hello=frame)]
        if frame["type"] in ("feedback", "course_click"):
            return [self._note(frame)]
        started = time.perf_counter()
        respond_json = getattr(self.assistant, "respond_json", None)
        try:
            if respond_json is not None:        # the reply as JSON text already
                self.session_id, intent, reply = respond_json(self.session_id, frame["text"])
            else:
                self.session_id, reply = self.assistant.respond(self.session_id, frame["text"])
                intent, reply = reply.get("intent"), encode(reply)
        except SessionsFull as full:            # the session expired, and a new one would evict one in use
            return [self._full(full, frame["id"])]
        if intent == "out_of_scope":
            self.unanswered.append(frame["text"])
        turn_id = None
        if self.turn_log is not None:
            turn_id = self.turn_log.record(self.session_id, frame["text"], reply, time.perf_counter() - started)
        return [encode_reply_frame(frame["id"], self.session_id, reply, turn_id)]

    def _note(self, frame: dict) -> str:
        """Record a vote or a course-card click in this conversation."""
        log, logged = self.turn_log, False
        if log is not None and self.session_id:
            if frame["type"] == "feedback":
                logged = log.vote(self.session_id, frame["turn_id"], frame["vote"])
            else:
                logged = log.course_click(self.session_id, frame["turn_id"], frame["course_id"])
        return noted_frame(frame["id"], frame["type"], bool(logged))

    def _check_rate(self, in_reply_to):
        # The message counts for its session and, when allowed there, for the client's address (all
        # its sessions together): one round trip when both windows are in Redis.
        policy = self.policy
        wait, address_wait = self.limiter.wait_times(self.session_id or "", policy.messages if policy else None,
                                                     policy.message_key(self.address) if policy else "")
        if wait:
            raise ProtocolError("rate_limited", f"Too many messages: at most {self.limiter.limit} every "
                                                f"{self.limiter.window:g} seconds. Try again in {math.ceil(wait)} s.",
                                in_reply_to, retry_after=round(wait, 3))
        if policy is not None:
            from assistant.client_policy import Refusal
            try:
                policy.check_message(self.address, address_wait)
            except Refusal as refusal:
                raise ProtocolError(refusal.code, refusal.message, in_reply_to,
                                    retry_after=round(refusal.retry_after, 3)) from None

    def _refuse(self, error: ProtocolError) -> str:
        self.consecutive_errors += 1
        if self.consecutive_errors >= self.abuse_limit:
            self.closing = f"{self.consecutive_errors} bad frames in a row"
        return error.to_frame()
