"""Websocket messages per second: the assistant against a bare flask-sock echo server.

Run from the project root:  python bench/ws_throughput.py [--duration 8] [--levels 1,8,64] [--no-gunicorn]

Starts three servers as subprocesses on free 127.0.0.1 ports, all with the per-session rate limit
disabled where it applies:
  - the assistant under `python run.py` (Flask's threaded development server),
  - bench/echo_server.py (same server, one flask-sock route echoing each frame),
  - the same echo server answering every frame with a frame as big as the assistant's reply to the
    question ("sized echo"): what the transport allows for replies of that size,
  - the assistant under `python run.py` with COURSE_ASSISTANT_MEMO_ENTRIES=0: every message is read,
    ranked and answered afresh (no kept reply either), as a question nobody asked before would be
    (unless --no-memo-off),
  - the assistant under gunicorn (gunicorn.conf.py: 1 worker, gthread), unless --no-gunicorn.
For each concurrency level, N client threads (websocket-client), each on its own connection,
send a message and wait for its answer in a loop for --duration seconds; the table gives
completed round trips per second. The clients run on the same 2-core machine, in one Python
process, so they share the CPU (and the GIL) with each other and with the server under test.
The clients skip websocket-client's pure-Python UTF-8 check (see measure()).
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load_env import NO_LIMITS  # noqa: E402

# One client address (127.0.0.1) plays every visitor here: lift the per-address limits.

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "best python course for beginners"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(proc: subprocess.Popen, port: int, what: str, timeout: float = 90) -> float:
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as r:
                if r.status == 200:
                    return time.perf_counter() - t0
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"{what} did not become ready in {timeout:.0f} s")


def reply_size(port: int) -> int:
    """Bytes of the assistant's reply frame to QUESTION."""
    import websocket  # websocket-client

    ws = websocket.create_connection(f"ws://127.0.0.1:{port}/ws", timeout=30)
    ws.recv()
    ws.send(json.dumps({"type": "message", "id": "c1", "text": QUESTION}))
    size = len(ws.recv().encode())
    ws.close()
    return size


def spawn(kind: str, port: int, reply_bytes: int = 0) -> subprocess.Popen:
    env = dict(os.environ, **NO_LIMITS)
    if kind == "assistant-no-memo":
        kind, env["COURSE_ASSISTANT_MEMO_ENTRIES"] = "assistant", "0"
    if kind == "assistant":
        cmd = [sys.executable, "run.py", "--port", str(port)]
    elif kind == "echo":
        cmd = [sys.executable, str(ROOT / "bench" / "echo_server.py"), "--port", str(port)]
        if reply_bytes:
            cmd += ["--reply-bytes", str(reply_bytes)]
    elif kind == "gunicorn":
        env["COURSE_ASSISTANT_PORT"] = str(port)
        cmd = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "assistant.web_app:create_app()"]
    else:
        raise ValueError(kind)
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_ready(proc, port, kind)
    return proc


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def measure(port: int, clients: int, duration: float, welcome: bool) -> dict:
    """Round trips per second with `clients` connections looping send/receive for `duration` s."""
    import websocket  # websocket-client

    connections = []
    for _ in range(clients):
        # skip_utf8_validation: websocket-client checks UTF-8 in pure Python, byte by byte, which
        # made the client (not the server) the bottleneck for the assistant's 2 KB replies and
        # so penalised the assistant against the echo's 60-byte frames; json.loads still decodes.
        ws = websocket.create_connection(f"ws://127.0.0.1:{port}/ws", timeout=30, skip_utf8_validation=True)
        ws.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if welcome:
            frame = json.loads(ws.recv())
            assert frame["type"] == "welcome", frame
        connections.append(ws)

    counts = [0] * clients
    errors = [0] * clients
    start = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def client(i: int, ws) -> None:
        n = 0
        start.wait()
        deadline = stop_at[0]
        try:
            while time.perf_counter() < deadline:
                n += 1
                cid = f"c{n}"
                ws.send(json.dumps({"type": "message", "id": cid, "text": QUESTION}))
                frame = json.loads(ws.recv())
                if welcome and (frame.get("type") != "reply" or frame.get("in_reply_to") != cid):
                    errors[i] += 1
                elif not welcome and frame.get("id") != cid:
                    errors[i] += 1
                else:
                    counts[i] += 1
        except Exception:  # noqa: BLE001 - a broken connection counts as an error, the run goes on
            errors[i] += 1

    threads = [threading.Thread(target=client, args=(i, ws), daemon=True) for i, ws in enumerate(connections)]
    for t in threads:
        t.start()
    t0 = time.perf_counter()
    stop_at[0] = t0 + duration
    start.wait()
    for t in threads:
        t.join(duration + 30)
    elapsed = time.perf_counter() - t0
    for ws in connections:
        try:
            ws.close()
        except Exception:  # noqa: BLE001
            pass
    total = sum(counts)
    return {"msgs": total, "rate": total / elapsed, "errors": sum(errors), "elapsed": elapsed}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=8.0, help="seconds per level and server")
    parser.add_argument("--levels", default="1,8,64", help="comma-separated client counts")
    parser.add_argument("--no-gunicorn", action="store_true", help="skip the gunicorn run")
    parser.add_argument("--no-memo-off", action="store_true",
                        help="skip the run.py server started with COURSE_ASSISTANT_MEMO_ENTRIES=0")
    args = parser.parse_args()
    levels = [int(x) for x in args.levels.split(",")]

    servers = {"assistant (run.py)": ("assistant", True), "echo (flask-sock)": ("echo", False),
               "sized echo": ("sized-echo", False)}
    if not args.no_memo_off:
        servers["run.py, memo off"] = ("assistant-no-memo", True)
    if not args.no_gunicorn:
        servers["assistant (gunicorn)"] = ("gunicorn", True)

    procs, ports = {}, {}
    try:
        size = 0
        for name, (kind, _) in servers.items():
            ports[name] = free_port()
            if kind == "sized-echo":
                procs[name] = spawn("echo", ports[name], reply_bytes=size)
            else:
                procs[name] = spawn(kind, ports[name])
            if kind == "assistant":
                size = reply_size(ports[name])
        print(f"message: {QUESTION!r}; {args.duration:g} s per level and server; client threads in one process")
        print(f"the assistant's reply frame: {size} bytes; the sized echo answers with frames of that size")
        results = {}
        for clients in levels:
            for name, (_, welcome) in servers.items():
                r = measure(ports[name], clients, args.duration, welcome)
                results[(name, clients)] = r
                print(f"  {name:<22} {clients:>3} clients: {r['rate']:8.0f} msg/s"
                      f"  ({r['msgs']} msgs, {r['errors']} errors)", flush=True)
    finally:
        for proc in procs.values():
            stop(proc)

    names = list(servers)
    others = [n for n in names if "echo" not in n]
    print()
    header = f"{'clients':>8}" + "".join(f"{n + ' msg/s':>28}" for n in names)
    header += "".join(f"{n.replace('assistant ', '') + '/echo':>24}" for n in others)
    print(header)
    print("-" * len(header))
    for clients in levels:
        row = f"{clients:>8}" + "".join(f"{results[(n, clients)]['rate']:>28.0f}" for n in names)
        echo = results[("echo (flask-sock)", clients)]["rate"]
        row += "".join(f"{results[(n, clients)]['rate'] / echo:>24.2f}" for n in others)
        print(row)
    print("\nagainst the sized echo (same reply size, no work): " + "; ".join(
        f"{clients} clients: " + ", ".join(
            f"{n} {results[(n, clients)]['rate'] / results[('sized echo', clients)]['rate']:.2f}" for n in others)
        for clients in levels))
    total_errors = sum(r["errors"] for r in results.values())
    print(f"\nerrors (wrong or missing answers, broken connections): {total_errors}")
    return 0


if __name__ == "__main__":
    status = main()
    print("load average (1, 5, 15 min) at the end: %.2f %.2f %.2f on %d CPUs"
          % (*os.getloadavg(), os.cpu_count()))
    raise SystemExit(status)
