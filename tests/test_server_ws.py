"""The websocket /ws on the real server over a real socket: welcome, replies, resume, every bad
frame, limits, origins, keep-alive, and gunicorn. Asserts shapes, intents and ids, never wording."""
from __future__ import annotations

import json
import time

import pytest
import websocket

from conftest import (assert_error_frame, assert_reply, ask, connect_ws, receive, receive_close, running_server,
                      ws_url)


def say_hello(ws, session_id, frame_id=None) -> dict:
    ws.send(json.dumps({"type": "hello", "session_id": session_id, **({"id": frame_id} if frame_id else {})}))
    return receive(ws)


def hold_connections(url: str, count: int, patience: float = 10) -> list:
    """`count` open connections; retries while sockets of earlier tests are still being let go."""
    held, deadline = [], time.monotonic() + patience
    while len(held) < count:
        ws, first = connect_ws(url)
        if first["type"] == "welcome":
            held.append(ws)
            continue
        ws.close()
        assert time.monotonic() < deadline, first
        time.sleep(0.1)
    return held


# ---------------------------------------------------------------- conversation

def test_connect_gets_a_welcome_with_a_new_session_and_a_greeting(server):
    ws, welcome = connect_ws(server)
    ws.close()
    assert welcome["type"] == "welcome" and welcome["resumed"] is False
    assert isinstance(welcome["session_id"], str) and len(welcome["session_id"]) >= 16
    assert welcome["reply"]["intent"] == "greet" and welcome["reply"]["text"]
    other, second = connect_ws(server)
    other.close()
    assert second["session_id"] != welcome["session_id"]


def test_a_message_gets_a_reply_in_the_same_session_with_in_reply_to(server):
    ws, welcome = connect_ws(server)
    try:
        reply = assert_reply(ask(ws, "best python course for beginners", "q-1"), "q-1", welcome["session_id"])
        assert reply["intent"] == "recommend" and reply["courses"]
        assert all({"id", "title", "provider", "url"} <= set(course) for course in reply["courses"])
        assert_reply(ask(ws, "thanks", 7), 7, welcome["session_id"])               # integer ids are echoed
        ws.send(json.dumps({"type": "message", "text": "hello"}))                    # no id: in_reply_to null
        assert_reply(receive(ws), None, welcome["session_id"])
    finally:
        ws.close()


def test_ping_frames_get_a_pong(server):
    ws, _ = connect_ws(server)
    ws.send(json.dumps({"type": "ping", "id": "p1"}))
    assert receive(ws) == {"type": "pong", "in_reply_to": "p1"}
    ws.close()


def test_hello_resumes_the_session_and_its_memory_on_a_new_connection(server):
    first, welcome = connect_ws(server)
    shown = assert_reply(ask(first, "sql courses for beginners", "a1"), "a1")["courses"]
    first.close()
    assert len(shown) >= 2

    second, throwaway = connect_ws(server)
    resumed = say_hello(second, welcome["session_id"], "h1")
    assert resumed["type"] == "welcome" and resumed["resumed"] is True
    assert resumed["session_id"] == welcome["session_id"] != throwaway["session_id"]
    reply = assert_reply(ask(second, "compare the first two", "a2"), "a2", welcome["session_id"])
    second.close()
    assert reply["intent"] == "compare"          # "the first two" means the courses shown before the resume
    assert [c["id"] for c in reply["comparison"]["courses"]] == [c["id"] for c in shown[:2]]


def test_the_session_can_also_be_resumed_in_the_upgrade_url(server):
    first, welcome = connect_ws(server)
    assert_reply(ask(first, "data science courses", "a1"), "a1")
    first.close()
    second, resumed = connect_ws(server, query=f"?session_id={welcome['session_id']}")
    assert resumed["resumed"] is True and resumed["session_id"] == welcome["session_id"]
    assert_reply(ask(second, "only free ones", "a2"), "a2", welcome["session_id"])
    second.close()


@pytest.mark.parametrize("session_id", ["no-such-session", None, ""])
def test_hello_with_an_unknown_session_starts_a_new_one(server, session_id):
    ws, _ = connect_ws(server)
    welcome = say_hello(ws, session_id)
    assert welcome["type"] == "welcome" and welcome["resumed"] is False
    assert welcome["session_id"] and welcome["session_id"] != session_id
    assert_reply(ask(ws, "hi", "after"), "after", welcome["session_id"])
    ws.close()


# ---------------------------------------------------------------- bad frames

def message(frame_id="b1", **fields) -> str:
    return json.dumps({"type": "message", "id": frame_id, **fields})


BAD_FRAMES = [
    ("not json", "{oops", "bad_json", None),
    ("json array", "[1, 2, 3]", "not_object", None),
    ("json string", '"hello"', "not_object", None),
    ("unknown type", json.dumps({"type": "shout", "id": "b1"}), "unknown_type", "b1"),
    ("no type", json.dumps({"id": "b1", "text": "hi"}), "unknown_type", "b1"),
    ("missing text", message(), "missing_text", "b1"),
    ("empty text", message(text=""), "missing_text", "b1"),
    ("blank text", message(text="  \n "), "missing_text", "b1"),
    ("text not a string", message(text=["hi"]), "missing_text", "b1"),
    ("text too long", message(text="x" * 2001), "text_too_long", "b1"),
    ("id an object", json.dumps({"type": "message", "id": {"a": 1}, "text": "hi"}), "bad_id", None),
    ("id too long", message(frame_id="i" * 200, text="hi"), "bad_id", None),
    ("hello session not a string", json.dumps({"type": "hello", "id": "b1", "session_id": 5}), "bad_session", "b1"),
    ("oversized frame", message(text="x" * 70000), "frame_too_large", None),
    ("deeply nested", "[" * 100000 + "]" * 100000, "frame_too_large", None),
    ("binary frame", b"\x00\x01binary", "binary_frame", None),
]


@pytest.mark.parametrize("name,frame,code,in_reply_to", BAD_FRAMES, ids=[f[0] for f in BAD_FRAMES])
def test_bad_frames_get_a_structured_error_and_the_connection_keeps_working(server, name, frame, code,
                                                                           in_reply_to):
    ws, welcome = connect_ws(server)
    try:
        ws.send_binary(frame) if isinstance(frame, bytes) else ws.send(frame)
        assert_error_frame(receive(ws), code, in_reply_to)
        assert_reply(ask(ws, "best python course", "after"), "after", welcome["session_id"])
    finally:
        ws.close()


def test_a_frame_far_beyond_the_limit_is_closed_by_the_transport(limited_server):
    ws, _ = connect_ws(limited_server)          # max_frame_bytes 4096: 16 times that is not even read
    ws.send(message(text="x" * 70000))
    assert receive_close(ws)[0] == 1009
    for held in hold_connections(limited_server, 3):              # and its connection slot comes back
        held.close()


def test_limits_on_text_and_frames_follow_the_settings(limited_server):
    ws, _ = connect_ws(limited_server)
    try:
        assert_error_frame(ask(ws, "y" * 201, "long"), "text_too_long", "long")
        ws.send(message(frame_id="big", text="z" * 5000))
        assert_error_frame(receive(ws), "frame_too_large", None)
    finally:
        ws.close()


def test_a_client_that_keeps_sending_garbage_is_closed_with_a_reason(limited_server):
    ws, _ = connect_ws(limited_server)          # abuse_limit 5
    for _ in range(4):
        ws.send("garbage")
        assert_error_frame(receive(ws), "bad_json")
    assert_reply(ask(ws, "hello", "good"), "good")             # a good frame resets the count
    for _ in range(5):
        ws.send("garbage")
        assert_error_frame(receive(ws), "bad_json")
    code, reason = receive_close(ws)
    assert code == 1008 and "bad frames" in reason


# ---------------------------------------------------------------- rate limit and connection cap

def test_rate_limit_answers_with_an_error_frame_then_recovers(limited_server):
    ws, welcome = connect_ws(limited_server)    # 3 messages per 2 seconds
    try:
        for number in range(3):
            assert_reply(ask(ws, "hi", f"m{number}"), f"m{number}")
        limited = ask(ws, "hi", "m3")
        assert_error_frame(limited, "rate_limited", "m3")
        assert 0 < limited["retry_after"] <= 2
        ws.send(json.dumps({"type": "ping", "id": "p"}))         # the connection stays open meanwhile
        assert receive(ws)["type"] == "pong"
        time.sleep(limited["retry_after"] + 0.1)
        assert_reply(ask(ws, "hi", "m4"), "m4", welcome["session_id"])
    finally:
        ws.close()


def test_the_rate_limit_is_per_session_not_per_connection(limited_server):
    first, welcome = connect_ws(limited_server)
    second, _ = connect_ws(limited_server)
    try:
        for number in range(3):
            assert_reply(ask(first, "hi", number), number)
        assert say_hello(second, welcome["session_id"])["resumed"] is True
        assert_error_frame(ask(second, "hi", "x"), "rate_limited", "x")
        other, _ = connect_ws(limited_server)                      # another session is not limited
        assert_reply(ask(other, "hi", "y"), "y")
        other.close()
    finally:
        first.close()
        second.close()
    time.sleep(2.1)


def test_connections_beyond_the_cap_get_an_error_frame_and_are_closed(limited_server):
    held = hold_connections(limited_server, 3)                    # max_connections 3
    try:
        extra = websocket.create_connection(ws_url(limited_server), timeout=30, suppress_origin=True)
        assert_error_frame(receive(extra), "too_many_connections", None)
        assert receive_close(extra)[0] == 1013
        assert_reply(ask(held[0], "hi", "still"), "still")        # the held ones are unaffected
    finally:
        for ws in held:
            ws.close()
    hold_connections(limited_server, 1)[0].close()                # a slot frees when a client leaves


# ---------------------------------------------------------------- origins

def test_allowed_and_own_origins_may_open_the_socket(server):
    for origin in ("http://allowed.example", server):
        ws, welcome = connect_ws(server, origin=origin)
        ws.close()
        assert welcome["type"] == "welcome"


def test_other_origins_are_refused_with_403_and_a_json_error(server):
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        connect_ws(server, origin="http://evil.example")
    assert refused.value.status_code == 403
    body = json.loads(refused.value.resp_body)
    assert body["error"]["code"] == "origin_not_allowed" and "evil.example" in body["error"]["message"]


@pytest.fixture(scope="module")
def open_server():
    """allowed_origins = * and pings every half second."""
    with running_server({"allowed_origins": ["*"], "ping_interval": 0.5}) as url:
        yield url


def test_star_allows_any_origin(open_server):
    ws, welcome = connect_ws(open_server, origin="http://anywhere.example")
    assert welcome["type"] == "welcome"
    ws.close()


def test_the_server_sends_keep_alive_pings_and_answered_ones_keep_the_socket_open(open_server):
    ws, _ = connect_ws(open_server)                               # ping_interval 0.5
    try:
        for _ in range(4):                                        # websocket-client answers each with a pong
            opcode, _ = ws.recv_data(control_frame=True)
            assert opcode == websocket.ABNF.OPCODE_PING
        assert_reply(ask(ws, "hi", "alive"), "alive")
    finally:
        ws.close()


def test_a_client_that_stops_answering_pings_is_closed(open_server):
    ws, _ = connect_ws(open_server)
    time.sleep(1.6)                                               # reads nothing, so answers no ping
    frame = ws.recv_frame()                                       # raw frames: no automatic pongs
    while frame.opcode == websocket.ABNF.OPCODE_PING:
        frame = ws.recv_frame()
    assert frame.opcode == websocket.ABNF.OPCODE_CLOSE
    assert int.from_bytes(frame.data[:2], "big") == 1008 and b"Ping" in frame.data


# ---------------------------------------------------------------- production serving

def test_gunicorn_serves_a_websocket_conversation(gunicorn_server):
    ws, welcome = connect_ws(gunicorn_server)
    try:
        assert welcome["type"] == "welcome" and welcome["reply"]["intent"] == "greet"
        assert assert_reply(ask(ws, "compare data science courses", "g1"), "g1")["intent"] == "compare"
        ws.send("{oops")
        assert_error_frame(receive(ws), "bad_json")
        assert assert_reply(ask(ws, "thanks", "g2"), "g2", welcome["session_id"])["intent"] == "thanks"
    finally:
        ws.close()
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        connect_ws(gunicorn_server, origin="http://evil.example")
    assert refused.value.status_code == 403
