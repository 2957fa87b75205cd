"""Load on the real server over loopback: many concurrent clients, idle connections, slow
clients. Bounded in count and time; run against python run.py and against gunicorn."""
from __future__ import annotations

import json
import resource
import threading
import time

import pytest
import websocket

from conftest import running_server, ws_url

pytestmark = pytest.mark.load

# Two sockets per connection (client and server ends) for 1,000+ connections.
_soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(_hard, 65536) if _hard != resource.RLIM_INFINITY else 65536, _hard))

MIX = ["best python course for beginners", "only free ones", "compare the first two", "do I need a degree?",
       "tell me more about the second one", "show me more", "sql courses on edx", "thanks",
       "what's the weather in Paris", "something more advanced"]
LOAD_SETTINGS = {"rate_limit_messages": 1_000_000, "max_connections": 3000, "max_sessions": 20000,
                 "address_new_sessions": 1_000_000, "address_rate_limit_messages": 1_000_000,
                 "max_connections_per_address": 100_000,
                 "hello_wait": 0}      # these clients never send a first hello: welcome them at once


@pytest.fixture(scope="module", params=["run.py", "gunicorn"])
def loaded_server(request):
    settings = dict(LOAD_SETTINGS)
    if request.param == "gunicorn":
        settings["threads"] = 1300     # one thread per open websocket (see docs/SERVING.md)
    with running_server(settings, gunicorn=request.param == "gunicorn") as url:
        yield url


def chat(url: str, client: int, messages: int, results: dict, errors: list, start: threading.Barrier):
    try:
        ws = websocket.create_connection(ws_url(url), timeout=120, suppress_origin=True)
        welcome = json.loads(ws.recv())
        assert welcome["type"] == "welcome"
        start.wait(timeout=120)
        answered = []
        for number in range(messages):
            frame_id = f"{client}-{number}"
            ws.send(json.dumps({"type": "message", "id": frame_id, "text": MIX[(client + number) % len(MIX)]}))
            reply = json.loads(ws.recv())
            answered.append((frame_id, reply.get("type"), reply.get("in_reply_to")))
        ws.close()
        results[client] = answered
    except Exception as exc:  # collected and reported by the test
        errors.append(f"client {client}: {exc!r}")


def run_clients(url: str, clients: int, messages: int) -> tuple[dict, list, float]:
    results, errors = {}, []
    start = threading.Barrier(clients)
    threads = [threading.Thread(target=chat, args=(url, n, messages, results, errors, start)) for n in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    return results, errors, time.monotonic() - began


def test_500_clients_20_messages_each_answered_once_in_order(loaded_server):
    results, errors, seconds = run_clients(loaded_server, clients=500, messages=20)
    assert errors == []
    assert len(results) == 500
    for client, answered in results.items():
        assert [a[0] for a in answered] == [a[2] for a in answered]        # in_reply_to, in order
        assert all(kind == "reply" for _, kind, _ in answered)
    total = sum(len(a) for a in results.values())
    assert total == 10_000
    print(f"\n10,000 messages from 500 concurrent clients in {seconds:.1f} s ({total / seconds:.0f} msg/s)")


def test_1000_idle_connections_while_50_others_chat(loaded_server):
    idle = []
    try:
        for _ in range(1000):
            ws = websocket.create_connection(ws_url(loaded_server), timeout=120, suppress_origin=True)
            assert json.loads(ws.recv())["type"] == "welcome"
            idle.append(ws)
        results, errors, seconds = run_clients(loaded_server, clients=50, messages=10)
        assert errors == [] and len(results) == 50
        assert all(len(a) == 10 and all(k == "reply" for _, k, _ in a) for a in results.values())
        # The idle ones are still alive and answer.
        for ws in idle[::100]:
            ws.send(json.dumps({"type": "ping", "id": "still-there"}))
            assert json.loads(ws.recv())["in_reply_to"] == "still-there"
        print(f"\n50 clients x 10 messages beside 1,000 idle connections in {seconds:.1f} s")
    finally:
        for ws in idle:
            ws.close()


def test_a_slow_client_does_not_block_the_others(loaded_server):
    slow = websocket.create_connection(ws_url(loaded_server), timeout=120, suppress_origin=True)
    slow.recv()
    try:
        for number in range(300):     # sends without ever reading the replies
            slow.send(json.dumps({"type": "message", "id": f"s{number}", "text": "python courses for beginners"}))
    except OSError:
        pass                          # cut off already: more than max_queued_frames were waiting
    began = time.monotonic()
    results, errors, _ = run_clients(loaded_server, clients=5, messages=5)
    assert errors == [] and len(results) == 5
    assert time.monotonic() - began < 60
    codes = []                        # what the slow client finds when it reads at last: replies, then 1008
    try:
        while True:
            opcode, data = slow.recv_data(control_frame=True)
            if opcode == websocket.ABNF.OPCODE_CLOSE:
                codes.append(int.from_bytes(data[:2], "big"))
                break
    except (OSError, websocket.WebSocketException):
        pass
    slow.shutdown()
    assert codes in ([1008], []), codes   # [] when the close frame was lost with the reset connection
