"""Websocket messages per second with the conversation log on and off, side by side.

Run from the project root:  python bench/log_throughput.py [--duration 6] [--rounds 3] [--levels 1,8,32]

Starts two `python run.py` servers on free ports, the same in all but `log_conversations`
(on: SQLite in a temporary data_dir; off), the per-session rate limit lifted. For each
concurrency level, N client threads (websocket-client), each on its own connection, send messages
from a list of varied visitor questions and wait for each answer, for --duration seconds; the
two servers take turns, --rounds times, so both see the same machine state. The table gives the
median round trips per second of each and the ratio on/off (the goal: on >= 0.90 x off), and the
server process's CPU time per reply (from /proc, all its threads, the log's writer included),
which a machine busy with other work disturbs less than the rates. After
the runs, the number of rows in the log is compared with the replies the logging server sent.
With --together the two servers are measured at the same time instead (each with the level's
clients), so that load from elsewhere on the machine falls on both alike. With --memo-off both
servers run with memo_entries=0, every reply computed afresh.
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from load_env import NO_LIMITS  # noqa: E402
from ws_throughput import free_port, stop, wait_ready  # noqa: E402

QUESTIONS = [
    "best python course for beginners", "only free ones", "something more advanced", "compare the first two",
    "do I need a degree to become an ML engineer", "how long does it take to learn machine learning",
    "deep learning course with a certificate", "what math do I need", "free statistics course",
    "tell me about the first one", "how do I bake bread", "sql for data analysis", "thanks",
    "is there a course on docker", "beginner friendly data science", "what does an ml engineer do",
]


def spawn(port: int, logging_on: bool, data_dir: str, memo_off: bool) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COURSE_ASSISTANT_")}
    env.update(NO_LIMITS)
    env.update(COURSE_ASSISTANT_DATA_DIR=data_dir,
               COURSE_ASSISTANT_LOG_CONVERSATIONS="true" if logging_on else "false")
    if memo_off:
        env["COURSE_ASSISTANT_MEMO_ENTRIES"] = "0"
    proc = subprocess.Popen([sys.executable, "run.py", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_ready(proc, port, "logging " + ("on" if logging_on else "off"))
    return proc


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used (Linux /proc), its threads included."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(port: int, clients: int, duration: float, pid: int) -> tuple[float, int, float]:
    """(round trips per second, replies, server CPU ms per reply) with `clients` connections
    looping for `duration` s."""
    import websocket

    connections = []
    for _ in range(clients):
        ws = websocket.create_connection(f"ws://127.0.0.1:{port}/ws", timeout=30, skip_utf8_validation=True)
        ws.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        assert json.loads(ws.recv())["type"] == "welcome"
        connections.append(ws)
    counts = [0] * clients
    start = threading.Barrier(clients + 1)
    deadline = [0.0]

    def client(i: int, ws) -> None:
        n = i * 5                   # each client starts elsewhere in the list
        start.wait()
        while time.perf_counter() < deadline[0]:
            n += 1
            ws.send(json.dumps({"type": "message", "id": n, "text": QUESTIONS[n % len(QUESTIONS)]}))
            frame = json.loads(ws.recv())
            if frame.get("type") == "reply" and frame.get("in_reply_to") == n:
                counts[i] += 1

    threads = [threading.Thread(target=client, args=(i, ws), daemon=True) for i, ws in enumerate(connections)]
    for t in threads:
        t.start()
    cpu0 = cpu_seconds(pid)
    t0 = time.perf_counter()
    deadline[0] = t0 + duration
    start.wait()
    for t in threads:
        t.join(duration + 30)
    elapsed = time.perf_counter() - t0
    cpu = cpu_seconds(pid) - cpu0
    for ws in connections:
        ws.close()
    return sum(counts) / elapsed, sum(counts), 1000 * cpu / max(1, sum(counts))


def count_rows(path: Path, expected: int, wait: float = 20) -> int:
    deadline = time.monotonic() + wait
    rows = 0
    while time.monotonic() < deadline:
        with sqlite3.connect(path) as connection:
            rows = connection.execute("SELECT count(*) FROM turns").fetchone()[0]
        if rows >= expected:
            break
        time.sleep(0.2)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=6.0, help="seconds per run")
    parser.add_argument("--rounds", type=int, default=3, help="runs per server and level, taking turns")
    parser.add_argument("--levels", default="1,8,32", help="comma-separated client counts")
    parser.add_argument("--memo-off", action="store_true", help="both servers with memo_entries=0")
    parser.add_argument("--together", action="store_true",
                        help="measure both servers at the same time (each with the level's clients) "
                             "instead of taking turns: steadier on a machine busy with other work")
    args = parser.parse_args()
    levels = [int(x) for x in args.levels.split(",")]
    folder = Path(tempfile.mkdtemp(prefix="course-assistant-bench-"))
    ports = {"on": free_port(), "off": free_port()}
    procs = {}
    replies_logged = 0
    try:
        procs["on"] = spawn(ports["on"], True, str(folder / "on"), args.memo_off)
        procs["off"] = spawn(ports["off"], False, str(folder / "off"), args.memo_off)
        how = "both at once" if args.together else "taking turns"
        print(f"{len(QUESTIONS)} varied questions; {args.duration:g} s per run, {args.rounds} rounds {how}; "
              f"memo {'off' if args.memo_off else 'on'}; client threads in one process on the same machine")
        for clients in levels:
            rates, cpus = {"on": [], "off": []}, {"on": [], "off": []}
            for round_number in range(args.rounds):
                if args.together:
                    # Both servers at once, each with `clients` connections: whatever else the
                    # machine is doing slows both alike.
                    results = {}
                    threads = [threading.Thread(target=lambda n=name: results.__setitem__(
                        n, measure(ports[n], clients, args.duration, procs[n].pid))) for name in ("off", "on")]
                    for t in threads:
                        t.start()
                    for t in threads:
                        t.join()
                else:
                    results = {}
                    for name in (("off", "on") if round_number % 2 == 0 else ("on", "off")):
                        results[name] = measure(ports[name], clients, args.duration, procs[name].pid)
                for name, (rate, replies, cpu) in results.items():
                    rates[name].append(rate)
                    cpus[name].append(cpu)
                    if name == "on":
                        replies_logged += replies
            on, off = statistics.median(rates["on"]), statistics.median(rates["off"])
            cpu_on, cpu_off = statistics.median(cpus["on"]), statistics.median(cpus["off"])
            print(f"  {clients:>3} clients: logging off {off:7.0f} msg/s  on {on:7.0f} msg/s  on/off {on / off:5.3f}"
                  f"  | server CPU per reply: off {cpu_off:.3f} ms  on {cpu_on:.3f} ms  on/off {cpu_on / cpu_off:5.3f}",
                  flush=True)
            paired = statistics.median(a / b for a, b in zip(rates["on"], rates["off"]))
            print(f"       median of the rounds' own on/off ratios (each round's two runs back to back): {paired:5.3f}")
            print(f"       runs off {', '.join(f'{r:.0f}' for r in rates['off'])}; "
                  f"on {', '.join(f'{r:.0f}' for r in rates['on'])}", flush=True)
        rows = count_rows(folder / "on" / "conversations.sqlite3", replies_logged)
        print(f"rows in the log: {rows} for {replies_logged} replies sent by the logging server")
    finally:
        for proc in procs.values():
            stop(proc)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
