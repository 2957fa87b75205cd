"""Redis round trips and CPU per websocket message, in-process, for code trees side by side.

Run from the project root:  python bench/redis_per_message.py --baseline main [--code DIR] [--conversations 60] [--rounds 3]

For each code tree (--code DIR, repeatable, default the project root; --baseline REF: bench/code_trees.py)
a worker subprocess builds the app with `redis_url` pointing at one private redis-server (Debian's, a
free port, no persistence) and plays --conversations websocket conversations through the protocol
layer the socket handler uses (SocketConversation with the app's per-address policy, as the socket
handler makes it: hello, then 6 messages each: a request, follow-ups, thanks), with the rate limits on
(1,000,000 messages a window, for the session and for the address). The trees take turns, --rounds times.
Per message: Redis commands sent (counted by the client: a script call is one) and the CPU time of the
worker plus redis-server (from /proc), which on this virtual machine is mostly the round trips' system
calls. No network, no websocket transport: what the shared state costs a message, and nothing else.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from code_trees import add_arguments, code_trees  # noqa: E402

SCRIPT = ["{topic} courses", "only free ones", "compare the first two", "tell me more about the second one",
          "something more advanced", "thanks"]
TOPICS = ["python", "machine learning", "sql", "statistics", "excel", "javascript", "deep learning", "tableau",
          "cloud computing", "data engineering", "nlp", "calculus"]


def cpu_ticks(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def worker(redis_url: str, redis_pid: int, conversations: int) -> None:
    import redis as redis_py
    from redis import Redis
    sent = []
    original = Redis.execute_command

    def counting(self, *args, **options):
        sent.append(args[0])
        return original(self, *args, **options)

    Redis.execute_command = counting
    from assistant.protocol import SocketConversation
    from assistant.settings import load_settings
    from assistant.web_app import create_app
    settings = load_settings(environ={}, overrides={"redis_url": redis_url, "rate_limit_messages": 1_000_000,
                                                    "address_rate_limit_messages": 1_000_000})
    app = create_app(settings)
    parts = app.extensions["course_assistant"]

    def play(count, offset):
        frames = 0
        for n in range(count):
            conversation = SocketConversation(parts["assistant"], parts["limiter"], settings["max_message_chars"],
                                              settings["max_frame_bytes"], settings["abuse_limit"],
                                              policy=parts["policy"], address="127.0.0.1")   # as ws_handler makes it
            conversation.handle(json.dumps({"type": "hello"}))
            topic = TOPICS[(n + offset) % len(TOPICS)]
            for number, text in enumerate(SCRIPT):
                conversation.handle(json.dumps({"type": "message", "id": number, "text": text.format(topic=topic)}))
                frames += 1
        return frames

    play(len(TOPICS), 0)                      # warm up: memos, scripts loaded
    for line in sys.stdin:
        offset = int(line)
        sent.clear()
        before = time.process_time(), cpu_ticks(redis_pid)
        messages = play(conversations, offset)
        used = time.process_time() - before[0], cpu_ticks(redis_pid) - before[1]
        commands = {}
        for name in sent:
            commands[name] = commands.get(name, 0) + 1
        print(json.dumps({"messages": messages, "commands": commands, "worker_cpu_s": used[0],
                          "redis_cpu_s": used[1]}), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser)
    parser.add_argument("--conversations", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker[0], int(args.worker[1]), args.conversations)
        return 0
    program = shutil.which("redis-server")
    if not program:
        print("needs redis-server (Debian's redis-server package)")
        return 1
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    folder = tempfile.mkdtemp()
    redis = subprocess.Popen([program, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                              "--dir", folder], stdout=subprocess.DEVNULL)
    time.sleep(0.5)
    print("load average (1, 5, 15 min) before: %.2f %.2f %.2f on %d CPUs" % (*os.getloadavg(), os.cpu_count()))
    workers, results = {}, {}
    try:
        with code_trees(args) as trees:
            for tree in trees:
                workers[tree.label] = subprocess.Popen(
                    [sys.executable, __file__, "--worker", f"redis://127.0.0.1:{port}/0", str(redis.pid),
                     "--conversations", str(args.conversations)],
                    cwd=tree.path, env=tree.env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
                results[tree.label] = []
            for round_ in range(args.rounds):
                for tree in trees[round_ % len(trees):] + trees[:round_ % len(trees)]:
                    w = workers[tree.label]
                    w.stdin.write(f"{round_ * 5}\n")
                    w.stdin.flush()
                    line = w.stdout.readline()
                    if not line:
                        raise SystemExit(f"{tree.label}: the worker stopped")
                    results[tree.label].append(json.loads(line))
            labels = [t.label for t in trees]
    finally:
        for w in workers.values():
            w.stdin.close()
            w.wait()
        redis.terminate()
        shutil.rmtree(folder, ignore_errors=True)
    print(f"\n{args.conversations} conversations x {len(SCRIPT)} messages per round, {args.rounds} rounds, trees taking turns")
    print("CPU: median over the rounds (min in brackets)")
    print(f"{'tree':<30}{'commands/msg':>13}{'worker CPU ms/msg':>19}{'redis CPU ms/msg':>18}{'total ms/msg':>20}  commands")
    totals = {}
    for label in labels:
        rows = results[label]
        messages = sum(r["messages"] for r in rows)
        commands = {}
        for r in rows:
            for name, n in r["commands"].items():
                commands[name] = commands.get(name, 0) + n
        per_round = [(r["worker_cpu_s"] + r["redis_cpu_s"]) * 1000 / r["messages"] for r in rows]
        worker_ms = statistics.median(r["worker_cpu_s"] * 1000 / r["messages"] for r in rows)
        redis_ms = statistics.median(r["redis_cpu_s"] * 1000 / r["messages"] for r in rows)
        totals[label] = statistics.median(per_round)
        detail = ", ".join(f"{name} {n / messages:.2f}" for name, n in sorted(commands.items()))
        total = f"{totals[label]:.2f} ({min(per_round):.2f})"
        print(f"{label:<30}{sum(commands.values()) / messages:>13.2f}{worker_ms:>19.2f}{redis_ms:>18.2f}"
              f"{total:>20}  {detail}")
    if len(labels) > 1:
        for label in labels[1:]:
            print(f"{label} / {labels[0]}: CPU per message x{totals[label] / totals[labels[0]]:.2f}")
    print("load average (1, 5, 15 min) at the end: %.2f %.2f %.2f" % os.getloadavg())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
