"""Worker models and workers, measured side by side in one run: gunicorn's gthread against gevent,
and one worker against two sharing a Redis.

Run from the project root:
    python bench/worker_models.py [--idle 5000] [--chatters 8] [--duration 10] [--models gthread,gevent]
                                  [--no-idle] [--no-scale]

Each server is the production command (gunicorn -c python:assistant.gunicorn_conf ...) in a
subprocess, rate limit and pings off. The load generator is another process (asyncio +
websockets), so it never shares the server's cores' interpreter. For each worker model (1 worker):
  - messages/s: `--chatters` clients, one websocket each, send varied messages back to back for
    `--duration` s (new requests from 13 modifiers x 25 topics, and follow-ups, in a different order
    for each client: few are met again in the same conversation state, so the reply memo rarely
    answers; a 2 s warm-up with other conversations first);
  - idle: `--idle` websockets opened (250 at a time, for at most --idle-budget s) and held; the worker's RSS, threads and file descriptors
    before and after (per connection: the difference / the count); then the chatters talk for
    `--duration` s while they are held: p50/p99 reply latency and messages/s.
Then (unless --no-scale) messages/s with `--chatters` x 2 clients for 1 worker against 2 workers
sharing a real redis-server (Debian's), same model (--scale-model, gevent), same questions, with the CPU
per message of the workers, of redis-server and of the load generator (which shares the cores).
Needs `pip install websockets psutil` (the `bench` extra) and redis-server for the scale part.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from load_env import NO_LIMITS  # noqa: E402

IDLE_BUDGET = 120
TOPICS = ["python", "machine learning", "deep learning", "sql", "statistics", "data visualization", "nlp",
          "computer vision", "reinforcement learning", "linear algebra", "r programming", "tensorflow", "pytorch",
          "data engineering", "mlops", "excel", "javascript", "cloud computing", "spark", "tableau", "calculus",
          "time series", "recommender systems", "generative ai", "probability"]
MODIFIERS = ["", "free", "beginner", "advanced", "short", "best", "cheap", "intermediate", "popular",
             "highly rated", "edx", "coursera", "udemy"]
FOLLOW_UPS = ["only free ones", "something more advanced", "compare the first two", "tell me more about the second one",
              "show me more", "something shorter", "with a certificate", "go back", "under 10 hours", "thanks",
              "do I need a degree?", "what math do I need?"]


def questions(seed: int):
    """Varied messages, as many learners would send: new requests (a modifier and a topic) and
    follow-ups, in a different order for each client, so few are met again in the same state."""
    rng = random.Random(seed)
    while True:
        if rng.random() < 0.5:
            yield f"{rng.choice(MODIFIERS)} {rng.choice(TOPICS)} courses".strip()
        else:
            yield rng.choice(FOLLOW_UPS)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# ------------------------------------------------------------------ the load generator (own process)

async def _chatter(url: str, seed: int, deadline: float, latencies: list):
    import websockets
    texts = questions(seed)
    async with websockets.connect(url, ping_interval=None, max_size=None, open_timeout=60) as ws:
        await ws.recv()
        number = 0
        while time.perf_counter() < deadline:
            text = next(texts)
            number += 1
            began = time.perf_counter()
            await ws.send(json.dumps({"type": "message", "id": str(number), "text": text}))
            while True:
                frame = json.loads(await asyncio.wait_for(ws.recv(), 60))
                if frame.get("in_reply_to") == str(number):
                    break
            if frame["type"] != "reply":
                raise RuntimeError(f"not a reply: {frame}")
            latencies.append(time.perf_counter() - began)


async def _chat(url: str, chatters: int, duration: float, seed: int = 0) -> dict:
    latencies: list[float] = []
    began = time.perf_counter()
    deadline = began + duration
    outcomes = await asyncio.gather(*(_chatter(url, seed * 1000 + n, deadline, latencies) for n in range(chatters)),
                                    return_exceptions=True)
    elapsed = time.perf_counter() - began
    failed = [repr(o) for o in outcomes if isinstance(o, BaseException)]
    latencies.sort()
    if not latencies:
        return {"messages": 0, "per_second": 0, "p50_ms": None, "p99_ms": None, "chatters_failed": failed}
    pick = lambda q: round(latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000, 1)
    return {"messages": len(latencies), "per_second": round(len(latencies) / elapsed, 1),
            "p50_ms": pick(0.5), "p99_ms": pick(0.99), "chatters_failed": len(failed)}


async def _open_idle(url: str, count: int, budget: float) -> list:
    """Open up to `count` websockets, 250 at a time, for at most `budget` seconds."""
    import websockets
    held, failures = [], 0
    began = time.perf_counter()

    async def one():
        nonlocal failures
        try:
            ws = await websockets.connect(url, ping_interval=None, max_size=None, open_timeout=60)
            frame = json.loads(await asyncio.wait_for(ws.recv(), 60))
            if frame.get("type") != "welcome":
                failures += 1
                await ws.close()
                return
            held.append(ws)
        except Exception:
            failures += 1

    for first in range(0, count, 250):
        if time.perf_counter() - began > budget:
            break
        await asyncio.gather(*(one() for _ in range(first, min(count, first + 250))))
    return held, failures, time.perf_counter() - began


async def _client(args) -> None:
    url = args.url
    if args.idle:
        held, failures, took = await _open_idle(url, args.idle, args.idle_budget)
        print(json.dumps({"idle_open": len(held), "idle_failed": failures, "idle_seconds": round(took, 1)}), flush=True)
        sys.stdin.readline()                       # the parent has measured the server
        result = await _chat(url, args.chatters, args.duration, args.seed)
        result["idle_still_open"] = sum(1 for ws in held if ws.state.name == "OPEN")
        print(json.dumps(result), flush=True)
        await asyncio.gather(*(ws.close() for ws in held), return_exceptions=True)
    else:
        print(json.dumps(await _chat(url, args.chatters, args.duration, args.seed)), flush=True)


# ------------------------------------------------------------------ servers and measurements

def wait_ready(process, port, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server not ready")


def start_server(model: str, workers: int, redis_url: str = "", max_connections: int = 8000):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("COURSE_ASSISTANT_")}
    env.update(NO_LIMITS)
    env.update({"COURSE_ASSISTANT_PORT": str(port), "COURSE_ASSISTANT_WORKER_CLASS": model,
                "COURSE_ASSISTANT_WORKERS": str(workers),
                "COURSE_ASSISTANT_PING_INTERVAL": "0", "COURSE_ASSISTANT_MAX_CONNECTIONS": str(max_connections)})
    if redis_url:
        env["COURSE_ASSISTANT_REDIS_URL"] = redis_url
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "python:assistant.gunicorn_conf",
                                "assistant.web_app:create_app()"], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_ready(process, port)
    return process, port


def worker_figures(master_pid: int) -> dict:
    import psutil
    workers = psutil.Process(master_pid).children()
    return {"rss_mb": sum(w.memory_info().rss for w in workers) / 2**20,
            "threads": sum(w.num_threads() for w in workers), "fds": sum(w.num_fds() for w in workers)}


def cpu_seconds(*pids) -> float:
    """User + system CPU time of these processes and their children (the workers), so far."""
    import psutil
    total = 0.0
    for pid in pids:
        process = psutil.Process(pid)
        for each in [process, *process.children(recursive=True)]:
            times = each.cpu_times()
            total += times.user + times.system
    return total


def run_client(port: int, chatters: int, duration: float, idle: int = 0, on_idle=None, seed: int = 1) -> dict:
    """The load generator's figures; each `seed` gives other conversations (a warm-up uses 0)."""
    command = [sys.executable, __file__, "--client", f"ws://127.0.0.1:{port}/ws", "--chatters", str(chatters),
               "--seed", str(seed),
               "--duration", str(duration), "--idle", str(idle), "--idle-budget", str(IDLE_BUDGET)]
    used_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    client = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    result = {}
    for line in client.stdout:
        data = json.loads(line)
        if "idle_open" in data:
            result.update(data)
            time.sleep(2)
            if on_idle:
                result.update(on_idle())
            client.stdin.write("go\n")
            client.stdin.flush()
        else:
            result.update(data)
    client.wait()
    # The load generator's own CPU (its process has exited, so it counts among reaped children;
    # the servers are still running and do not).
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    spent = used.ru_utime - used_before.ru_utime + used.ru_stime - used_before.ru_stime
    result["client_cpu_ms"] = round(spent * 1000 / max(result.get("messages", 0), 1), 2)
    return result


def stop(process):
    """Stop the master and make sure no worker outlives it (a worker stuck under load would)."""
    import psutil
    workers = psutil.Process(process.pid).children(recursive=True)
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    for worker in workers:
        try:
            worker.wait(timeout=5)
        except psutil.TimeoutExpired:
            worker.kill()
        except psutil.NoSuchProcess:
            pass


def measure_model(model: str, args) -> dict:
    process, port = start_server(model, 1, max_connections=args.idle + 1000)
    try:
        run_client(port, args.chatters, 2, seed=0)                       # warm up
        before = cpu_seconds(process.pid)
        busy = run_client(port, args.chatters, args.duration, seed=1)
        busy["cpu_ms"] = round((cpu_seconds(process.pid) - before) * 1000 / max(busy["messages"], 1), 2)
        row = {"model": model, "busy": busy}
        if args.idle:
            before = worker_figures(process.pid)
            held = run_client(port, args.chatters, args.duration, idle=args.idle, seed=2,
                              on_idle=lambda: {"after": worker_figures(process.pid)})
            row.update(before=before, held=held)
        return row
    finally:
        stop(process)


def start_redis():
    program = shutil.which("redis-server") or "/usr/bin/redis-server"
    port = free_port()
    folder = tempfile.mkdtemp()
    process = subprocess.Popen([program, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
                                "no", "--dir", folder], stdout=subprocess.DEVNULL)
    time.sleep(0.5)
    return process, f"redis://127.0.0.1:{port}/0"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--client", help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--idle", type=int, default=5000)
    parser.add_argument("--chatters", type=int, default=8)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--models", default="gthread,gevent")
    parser.add_argument("--idle-budget", type=float, default=120, help="seconds to open the idle websockets")
    parser.add_argument("--no-idle", action="store_true")
    parser.add_argument("--no-scale", action="store_true")
    parser.add_argument("--scale-model", default="gevent", help="worker model of the 1-against-2-workers part")
    args = parser.parse_args()
    if args.client:
        args.url = args.client
        asyncio.run(_client(args))
        return
    if args.no_idle:
        args.idle = 0
    global IDLE_BUDGET
    IDLE_BUDGET = args.idle_budget
    rows = [measure_model(model, args) for model in args.models.split(",")]
    print(f"\nworker models, 1 worker each; {args.chatters} chatters, {args.duration:g} s; load {os.getloadavg()}")
    print("| model | msg/s | p50 ms | p99 ms | CPU ms/msg | idle held | RSS +MB | KB per idle conn | threads +"
          " | fds + | msg/s while held | p99 ms while held |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        busy = row["busy"]
        if args.idle:
            b, a, h = row["before"], row["held"]["after"], row["held"]
            per = (a["rss_mb"] - b["rss_mb"]) * 1024 / max(h["idle_open"], 1)
            print(f"| {row['model']} | {busy['per_second']} | {busy['p50_ms']} | {busy['p99_ms']} | {busy['cpu_ms']} | "
                  f"{h['idle_open']} in {h['idle_seconds']} s ({h['idle_failed']} failed, {h.get('idle_still_open')} open at the end) | "
                  f"{a['rss_mb'] - b['rss_mb']:.0f} | {per:.1f} | {a['threads'] - b['threads']} | {a['fds'] - b['fds']} | "
                  f"{h['per_second']} | {h['p99_ms']} |")
        else:
            print(f"| {row['model']} | {busy['per_second']} | {busy['p50_ms']} | {busy['p99_ms']} | {busy['cpu_ms']} | - | - | - | - | - | - | - |")
    if args.no_scale:
        return
    model = args.scale_model
    redis, url = start_redis()
    try:
        figures = []
        for workers, shared in ((1, ""), (1, url), (2, url)):
            process, port = start_server(model, workers, shared)
            try:
                run_client(port, args.chatters * 2, 2, seed=0)
                before = cpu_seconds(process.pid), cpu_seconds(redis.pid)
                figure = run_client(port, args.chatters * 2, args.duration, seed=1)
                workers_used = cpu_seconds(process.pid) - before[0]
                redis_used = cpu_seconds(redis.pid) - before[1]
                count = max(figure["messages"], 1)
                figure["cpu_ms"] = round((workers_used + redis_used) * 1000 / count, 2)
                figure["workers_cpu_ms"] = round(workers_used * 1000 / count, 2)
                figure["redis_cpu_ms"] = round(redis_used * 1000 / count, 2)
                figures.append(figure)
            finally:
                stop(process)
    finally:
        redis.terminate()
    print(f"\n{model}, {args.chatters * 2} chatters, {args.duration:g} s: 1 worker (memory) against 2 workers + Redis")
    print("| workers | msg/s | p50 ms | p99 ms | server CPU ms per message (workers + redis-server) | workers | redis-server"
          " | load generator CPU ms per message |\n|---|---|---|---|---|---|---|---|")
    for label, figure in zip(("1", "1 + Redis", "2 + Redis"), figures):
        print(f"| {label} | {figure['per_second']} | {figure['p50_ms']} | {figure['p99_ms']} | {figure['cpu_ms']} | "
              f"{figure['workers_cpu_ms']} | {figure['redis_cpu_ms']} | {figure['client_cpu_ms']} |")
    print(f"ratio 2 + Redis / 1: {figures[2]['per_second'] / figures[0]['per_second']:.2f}; load {os.getloadavg()}")


if __name__ == "__main__":
    main()
