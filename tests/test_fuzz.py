"""Fuzzing the real server with hypothesis: over 10,000 websocket frames and HTTP bodies of every
odd shape. Every frame gets exactly one structured answer, the server stays up, and its memory
does not keep growing."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import websocket
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ONE_ADDRESS_IS_MANY, post_json, running_server, ws_url

FUZZ_SETTINGS = {"rate_limit_messages": 1_000_000, "abuse_limit": 1_000_000, "max_sessions": 500,
                 "max_message_chars": 500, "max_frame_bytes": 8192, **ONE_ADDRESS_IS_MANY,
                 "ping_interval": 0}   # the fixture socket idles (unread) through the HTTP phase: no ping timeout

odd_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | odd_text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(odd_text, children, max_size=4),
    max_leaves=12)
frame_objects = st.fixed_dictionaries(
    {},
    optional={"type": st.sampled_from(["message", "hello", "ping", "MESSAGE", "", "other"]) | json_values,
              "id": st.text(max_size=200) | st.integers() | json_values,
              "text": odd_text | json_values,
              "session_id": odd_text | json_values})
text_frames = (
    frame_objects.map(json.dumps)
    | json_values.map(json.dumps)
    | odd_text
    | st.integers(min_value=1, max_value=5000).map(lambda n: "[" * n + "]" * n)
    | st.integers(min_value=9000, max_value=20000).map(lambda n: json.dumps({"type": "message", "id": "big", "text": "x" * n}))
)
frames = text_frames | st.binary(max_size=300)


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


@pytest.fixture(scope="module")
def fuzz_server():
    with running_server(FUZZ_SETTINGS) as url:
        with urllib.request.urlopen(url + "/health") as response:
            assert response.status == 200
        yield url


@pytest.fixture(scope="module")
def socket_to(fuzz_server):
    ws = websocket.create_connection(ws_url(fuzz_server), timeout=60, suppress_origin=True)
    ws.recv()
    yield ws
    ws.close()


def check_answer(sent, answer: dict):
    assert answer["type"] in ("reply", "error", "welcome", "pong"), answer
    if answer["type"] == "error":
        assert isinstance(answer["code"], str) and isinstance(answer["message"], str)
        assert "in_reply_to" in answer
    if answer["type"] == "reply":
        assert set(answer["reply"]) >= {"intent", "text", "courses", "suggestions"}


@settings(max_examples=8000, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(frame=frames)
def test_websocket_frames(socket_to, frame):
    if isinstance(frame, bytes):
        socket_to.send_binary(frame)
    else:
        socket_to.send(frame)
    answer = json.loads(socket_to.recv())
    check_answer(frame, answer)


@settings(max_examples=2500, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(body=json_values.map(json.dumps).map(str.encode) | st.binary(max_size=300)
       | frame_objects.map(lambda f: json.dumps({"message": f.get("text"), "session_id": f.get("session_id")}).encode()))
def test_http_bodies(fuzz_server, body):
    status, answer, _ = post_json(fuzz_server + "/api/chat", None, raw=body)
    if status == 200:
        assert set(answer) == {"session_id", "turn_id", "reply"}       # turn_id: the conversation log is on
    else:
        assert 400 <= status < 500, (status, answer)
        assert isinstance(answer["error"]["code"], str) and answer["error"]["message"]


def test_server_survives_and_memory_stays_bounded(fuzz_server, socket_to):
    pid = fuzz_server.pid
    before = rss_kib(pid)
    for round_number in range(3):
        for number in range(400):
            socket_to.send("not json" if number % 2 else json.dumps({"type": "message", "id": number, "text": "hi"}))
            socket_to.recv()
        for number in range(200):
            post_json(fuzz_server + "/api/chat", {"message": f"python course {number}"})
    after = rss_kib(pid)
    with urllib.request.urlopen(fuzz_server + "/health") as response:
        health = json.loads(response.read())
    assert health["status"] == "ok" and health["sessions"] <= FUZZ_SETTINGS["max_sessions"]
    assert after - before < 40 * 1024, f"RSS grew from {before} KiB to {after} KiB"
