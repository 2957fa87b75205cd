"""Reply latency of a fixed 50-message mix, in-process, over HTTP and over one websocket.

Run from the project root:  python bench/latency.py [--passes 10]

The mix is played as conversations (follow-ups reuse the conversation's session). After one
warm-up pass, the mix is repeated --passes times per transport (10 passes = 500 samples each).
HTTP uses urllib (one TCP connection per request, as urllib does); the websocket run uses a single
connection and starts each conversation with a {"type": "hello"} frame (not timed). The server is
`python run.py` on a free 127.0.0.1 port with the per-session rate limit disabled.
Because the passes repeat the mix, recent readings and rankings come from the memo (setting
memo_entries); the "memo off" rows time every message read and ranked afresh.
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load_env import NO_LIMITS  # noqa: E402

# One client address (127.0.0.1) plays every visitor here: lift the per-address limits.

ROOT = Path(__file__).resolve().parent.parent

CONVERSATIONS = [
    ["best python course for beginners", "only free ones", "compare the first two",
     "tell me more about the second one", "show me more"],
    ["free sql courses on edx", "show me more", "tell me more about the second one", "compare the first two"],
    ["do I need a degree?", "what math do I need?"],
    ["compare Python for Everybody and Python Data Structures", "tell me more about the second one"],
    ["what's the weather in Paris", "book a flight"],
    ["hi", "machine learning courses", "only free ones", "show me more", "compare the first two"],
    ["data science for beginners", "tell me more about the second one", "only free ones"],
    ["do I need a degree?", "best python course for beginners", "compare the first two"],
    ["excel courses", "show me more", "tell me more about the second one", "only free ones"],
    ["deep learning with pytorch", "only free ones", "compare the first two", "what math do I need?"],
    ["what's the weather in Paris", "free sql courses on edx", "only free ones"],
    ["javascript web development courses", "show me more", "tell me more about the second one"],
    ["compare Python for Everybody and Python Data Structures", "do I need a degree?"],
    ["book a flight", "best python course for beginners", "show me more", "only free ones"],
    ["what math do I need?", "statistics courses", "compare the first two", "thanks"],
]
MIX_SIZE = sum(len(c) for c in CONVERSATIONS)
assert MIX_SIZE == 50, MIX_SIZE


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, memo_entries: int | None = None) -> subprocess.Popen:
    env = dict(os.environ, **NO_LIMITS)
    if memo_entries is not None:
        env["COURSE_ASSISTANT_MEMO_ENTRIES"] = str(memo_entries)
    proc = subprocess.Popen([sys.executable, "run.py", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 90
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not become ready in 90 s")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def run_inprocess(bot, passes: int):
    samples, by_intent = [], defaultdict(list)
    for _ in range(passes):
        for conversation in CONVERSATIONS:
            sid = None
            for text in conversation:
                t0 = time.perf_counter()
                sid, reply = bot.respond(sid, text)
                dt = (time.perf_counter() - t0) * 1000
                samples.append(dt)
                by_intent[reply["intent"]].append(dt)
    return samples, by_intent


def run_http(port: int, passes: int):
    url = f"http://127.0.0.1:{port}/api/chat"
    samples = []
    for _ in range(passes):
        for conversation in CONVERSATIONS:
            sid = None
            for text in conversation:
                body = {"message": text}
                if sid:
                    body["session_id"] = sid
                req = urllib.request.Request(url, data=json.dumps(body).encode(),
                                             headers={"Content-Type": "application/json"})
                t0 = time.perf_counter()
                with urllib.request.urlopen(req, timeout=10) as r:
                    data = json.loads(r.read())
                samples.append((time.perf_counter() - t0) * 1000)
                if r.status != 200 or "reply" not in data:
                    raise RuntimeError(f"bad HTTP answer: {r.status} {data}")
                sid = data["session_id"]
    return samples


def run_ws(port: int, passes: int):
    import websocket  # websocket-client
    # As in ws_throughput.py: websocket-client's pure-Python UTF-8 check would time the client.
    ws = websocket.create_connection(f"ws://127.0.0.1:{port}/ws", timeout=10, skip_utf8_validation=True)
    ws.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    welcome = json.loads(ws.recv())
    assert welcome["type"] == "welcome", welcome
    samples, n = [], 0
    try:
        for _ in range(passes):
            for conversation in CONVERSATIONS:
                ws.send(json.dumps({"type": "hello"}))          # new conversation, not timed
                assert json.loads(ws.recv())["type"] == "welcome"
                for text in conversation:
                    n += 1
                    cid = f"c{n}"
                    t0 = time.perf_counter()
                    ws.send(json.dumps({"type": "message", "id": cid, "text": text}))
                    frame = json.loads(ws.recv())
                    samples.append((time.perf_counter() - t0) * 1000)
                    if frame.get("type") != "reply" or frame.get("in_reply_to") != cid:
                        raise RuntimeError(f"unexpected frame: {frame}")
    finally:
        ws.close()
    return samples


def summary(samples):
    a = np.asarray(samples)
    return (len(a), np.percentile(a, 50), np.percentile(a, 90), np.percentile(a, 99), a.mean())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passes", type=int, default=10, help="timed passes over the 50-message mix")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from assistant.engine import Assistant

    print(f"mix: {MIX_SIZE} messages in {len(CONVERSATIONS)} conversations; "
          f"{args.passes} timed passes per transport after 1 warm-up pass")
    results = {}

    t0 = time.perf_counter()
    bot = Assistant.load()
    print(f"Assistant.load(): {time.perf_counter() - t0:.1f} s")
    run_inprocess(bot, 1)
    samples, by_intent = run_inprocess(bot, args.passes)
    results["in-process"] = summary(samples)
    # The timed passes repeat the mix, so the memo (memo_entries) answers most readings and
    # rankings; with it off, every message is read and ranked afresh like a new question.
    bot.brain.keep_recent(0)
    samples_cold, by_intent_cold = run_inprocess(bot, args.passes)
    results["in-process, memo off"] = summary(samples_cold)
    del bot

    port = free_port()
    proc = start_server(port)
    try:
        run_http(port, 1)
        results["HTTP POST /api/chat"] = summary(run_http(port, args.passes))
        run_ws(port, 1)
        results["websocket /ws (1 conn)"] = summary(run_ws(port, args.passes))
    finally:
        stop(proc)
    port = free_port()
    proc = start_server(port, memo_entries=0)
    try:
        run_ws(port, 1)
        results["websocket, memo off"] = summary(run_ws(port, args.passes))
    finally:
        stop(proc)

    print()
    print(f"{'transport':<26}{'n':>6}{'p50 ms':>10}{'p90 ms':>10}{'p99 ms':>10}{'mean ms':>10}")
    print("-" * 72)
    for name, (n, p50, p90, p99, mean) in results.items():
        print(f"{name:<26}{n:>6}{p50:>10.2f}{p90:>10.2f}{p99:>10.2f}{mean:>10.2f}")

    for title, table in (("in-process latency by intent", by_intent),
                         ("in-process latency by intent, memo off", by_intent_cold)):
        print()
        print(title)
        print(f"{'intent':<16}{'n':>6}{'p50 ms':>10}{'p90 ms':>10}{'max ms':>10}")
        print("-" * 52)
        for intent, values in sorted(table.items(), key=lambda kv: -len(kv[1])):
            a = np.asarray(values)
            print(f"{intent:<16}{len(a):>6}{statistics.median(values):>10.2f}"
                  f"{np.percentile(a, 90):>10.2f}{a.max():>10.2f}")
    return 0


if __name__ == "__main__":
    status = main()
    print("load average (1, 5, 15 min) at the end: %.2f %.2f %.2f on %d CPUs"
          % (*os.getloadavg(), os.cpu_count()))
    raise SystemExit(status)
