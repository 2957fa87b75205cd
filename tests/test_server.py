"""The real server over a real socket: HTTP API, websocket protocol, limits and origins."""
from __future__ import annotations

import json
import time
import urllib.request

import pytest
import websocket

from conftest import post_json, running_server, ws_url


def connect(base_url: str, origin: str | None = None, path: str = ""):
    if origin:
        ws = websocket.create_connection(ws_url(base_url) + path, timeout=30, origin=origin)
    else:
        ws = websocket.create_connection(ws_url(base_url) + path, timeout=30, suppress_origin=True)
    welcome = json.loads(ws.recv())
    return ws, welcome


def ask(ws, text: str, frame_id: str = "c1") -> dict:
    ws.send(json.dumps({"type": "message", "id": frame_id, "text": text}))
    return json.loads(ws.recv())


def assert_error(frame: dict, code: str, in_reply_to=None):
    assert frame["type"] == "error", frame
    assert frame["code"] == code, frame
    assert frame["in_reply_to"] == in_reply_to
    assert isinstance(frame["message"], str) and frame["message"]


# ---------------------------------------------------------------- HTTP

def test_health_answers_once_the_knowledge_is_loaded(server):
    with urllib.request.urlopen(server + "/health") as response:
        body = json.loads(response.read())
    assert response.status == 200 and body["status"] == "ok" and body["courses"] > 5000


def test_chat_over_http_keeps_the_conversation(server):
    status, body, _ = post_json(server + "/api/chat", {"message": "python courses for beginners"})
    assert status == 200 and body["reply"]["intent"] == "recommend"
    assert set(body["reply"]) >= {"intent", "confidence", "text", "courses", "comparison", "suggestions", "sources"}
    status, body2, _ = post_json(server + "/api/chat", {"message": "only free ones", "session_id": body["session_id"]})
    assert body2["session_id"] == body["session_id"]
    assert body2["reply"]["filters"]["free"] is True and body2["reply"]["filters"]["level"] == "Beginner"


BAD_BODIES = [
    ("not json", None, b"this is not json", 400, "bad_json"),
    ("array", [1, 2], None, 400, "not_object"),
    ("no message", {"session_id": "x"}, None, 400, "missing_message"),
    ("empty message", {"message": "   "}, None, 400, "missing_message"),
    ("message not text", {"message": 42}, None, 400, "missing_message"),
    ("session not text", {"message": "hi", "session_id": ["x"]}, None, 400, "bad_session"),
    ("message too long", {"message": "a" * 2001}, None, 413, "text_too_long"),
    ("body too large", None, b'{"message": "' + b"a" * 70000 + b'"}', 413, "body_too_large"),
]


@pytest.mark.parametrize("name,body,raw,status,code", BAD_BODIES, ids=[b[0] for b in BAD_BODIES])
def test_bad_http_input_gets_a_clear_error(server, name, body, raw, status, code):
    got_status, got, _ = post_json(server + "/api/chat", body, raw=raw)
    assert got_status == status
    assert got["error"]["code"] == code and got["error"]["message"]


def test_widget_script_is_served_for_any_origin(server):
    with urllib.request.urlopen(server + "/widget.js") as response:
        assert response.headers["Content-Type"].startswith("text/javascript")
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert b"CourseAssistant" in response.read()
    with urllib.request.urlopen(server + "/") as response:
        page = response.read().decode()
    assert 'src="/widget.js"' in page and 'id="how-long"' in page


# ---------------------------------------------------------------- websocket protocol

def test_welcome_then_reply_with_in_reply_to(server):
    ws, welcome = connect(server)
    assert welcome["type"] == "welcome" and welcome["session_id"] and welcome["reply"]["intent"] == "greet"
    reply = ask(ws, "best python course for beginners", "q-1")
    assert reply["type"] == "reply" and reply["in_reply_to"] == "q-1"
    assert reply["reply"]["intent"] == "recommend" and len(reply["reply"]["courses"]) == 3
    ws.close()


BAD_FRAMES = [
    ("not json", "{oops", "bad_json", None),
    ("not an object", "[1, 2, 3]", "not_object", None),
    ("unknown type", json.dumps({"type": "shout", "id": "b1"}), "unknown_type", "b1"),
    ("missing text", json.dumps({"type": "message", "id": "b2"}), "missing_text", "b2"),
    ("empty text", json.dumps({"type": "message", "id": "b3", "text": "  "}), "missing_text", "b3"),
    ("text not a string", json.dumps({"type": "message", "id": "b4", "text": ["hi"]}), "missing_text", "b4"),
    ("text too long", json.dumps({"type": "message", "id": "b5", "text": "x" * 2001}), "text_too_long", "b5"),
    ("bad id", json.dumps({"type": "message", "id": {"a": 1}, "text": "hi"}), "bad_id", None),
    ("frame too large", json.dumps({"type": "message", "id": "b6", "text": "x" * 70000}), "frame_too_large", None),
    ("deeply nested", "[" * 100000 + "]" * 100000, "frame_too_large", None),
]


@pytest.mark.parametrize("name,frame,code,in_reply_to", BAD_FRAMES, ids=[f[0] for f in BAD_FRAMES])
def test_bad_frames_get_structured_errors_and_the_connection_keeps_working(server, name, frame, code, in_reply_to):
    ws, _ = connect(server)
    ws.send(frame)
    assert_error(json.loads(ws.recv()), code, in_reply_to)
    assert ask(ws, "hello", "after")["in_reply_to"] == "after"
    ws.close()


def test_binary_frames_are_refused_politely(server):
    ws, _ = connect(server)
    ws.send_binary(b"\x00\x01binary")
    assert_error(json.loads(ws.recv()), "binary_frame")
    assert ask(ws, "thanks")["reply"]["intent"] == "thanks"
    ws.close()


def test_hello_resumes_a_session_on_a_new_connection(server):
    first, welcome = connect(server)
    ask(first, "sql courses for beginners")
    first.close()
    second, _ = connect(server)
    second.send(json.dumps({"type": "hello", "session_id": welcome["session_id"]}))
    resumed = json.loads(second.recv())
    assert resumed["type"] == "welcome" and resumed["resumed"] is True
    assert resumed["session_id"] == welcome["session_id"]
    reply = ask(second, "only free ones")
    assert reply["reply"]["filters"]["topics"] == ["sql"] and reply["reply"]["filters"]["free"] is True
    second.close()
    third, resumed_by_url = connect(server, path=f"?session_id={welcome['session_id']}")
    assert resumed_by_url["resumed"] is True and resumed_by_url["session_id"] == welcome["session_id"]
    third.close()


def test_hello_with_an_unknown_session_starts_a_new_one(server):
    ws, _ = connect(server)
    ws.send(json.dumps({"type": "hello", "session_id": "no-such-session"}))
    welcome = json.loads(ws.recv())
    assert welcome["resumed"] is False and welcome["session_id"] != "no-such-session"
    ws.close()


# ---------------------------------------------------------------- origins

def test_origins_are_checked_for_websockets_and_http(server):
    ws, welcome = connect(server, origin="http://allowed.example")
    assert welcome["type"] == "welcome"
    ws.close()
    ws, _ = connect(server, origin=server)    # the site's own origin
    ws.close()
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        connect(server, origin="http://evil.example")
    assert refused.value.status_code == 403
    status, body, _ = post_json(server + "/api/chat", {"message": "hi"}, headers={"Origin": "http://evil.example"})
    assert status == 403 and body["error"]["code"] == "origin_not_allowed"
    status, _, headers = post_json(server + "/api/chat", {"message": "hi"}, headers={"Origin": "http://allowed.example"})
    assert status == 200 and headers["Access-Control-Allow-Origin"] == "http://allowed.example"


def test_star_allows_any_origin():
    with running_server({"allowed_origins": ["*"]}) as url:
        ws, welcome = connect(url, origin="http://anywhere.example")
        assert welcome["type"] == "welcome"
        ws.close()


# ---------------------------------------------------------------- limits

def test_rate_limit_answers_with_an_error_frame_then_recovers(limited_server):
    ws, _ = connect(limited_server)
    for number in range(3):
        assert ask(ws, "hi", f"m{number}")["type"] == "reply"
    assert_error(ask(ws, "hi", "m3"), "rate_limited", "m3")
    time.sleep(2.1)
    assert ask(ws, "hi", "m4")["type"] == "reply"
    ws.close()


def test_limits_on_text_and_frames_follow_the_settings(limited_server):
    ws, _ = connect(limited_server)
    assert_error(ask(ws, "y" * 201, "long"), "text_too_long", "long")
    ws.send(json.dumps({"type": "message", "id": "big", "text": "z" * 5000}))
    assert_error(json.loads(ws.recv()), "frame_too_large")
    ws.close()


def test_connections_beyond_the_cap_are_refused_clearly(limited_server):
    held = [connect(limited_server)[0] for _ in range(3)]
    extra = websocket.create_connection(ws_url(limited_server), timeout=30, suppress_origin=True)
    try:
        assert_error(json.loads(extra.recv()), "too_many_connections")
        opcode, data = extra.recv_data(control_frame=True)
        assert opcode == websocket.ABNF.OPCODE_CLOSE and int.from_bytes(data[:2], "big") == 1013
    finally:
        for ws in held:
            ws.close()
    time.sleep(0.5)
    ws, welcome = connect(limited_server)
    assert welcome["type"] == "welcome"
    ws.close()


def test_a_client_that_keeps_sending_garbage_is_closed(limited_server):
    ws, _ = connect(limited_server)
    for _ in range(5):
        ws.send("garbage")
        assert_error(json.loads(ws.recv()), "bad_json")
    opcode, data = ws.recv_data(control_frame=True)
    assert opcode == websocket.ABNF.OPCODE_CLOSE
    assert int.from_bytes(data[:2], "big") == 1008


# ---------------------------------------------------------------- production serving

def test_gunicorn_serves_as_the_readme_says():
    with running_server(gunicorn=True) as url:
        status, body, _ = post_json(url + "/api/chat", {"message": "do I need a degree?"})
        assert status == 200 and body["reply"]["intent"] == "faq"
        ws, welcome = connect(url)
        assert ask(ws, "compare data science courses")["reply"]["intent"] == "compare"
        ws.close()
