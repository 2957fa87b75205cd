"""Cold and warm start, first reply, memory: time to the first 200 from /health, for code trees side by side.

Run from the project root:
    python bench/startup.py --baseline main [--code DIR] [--runs 5] [--sessions 10000] [--no-gunicorn]

For each code tree (`--code DIR`, repeatable, default the project root; `--baseline REF`, a git ref
extracted into a temporary folder: bench/code_trees.py), each of these starts is timed --runs times,
the trees and kinds taking turns within each round (so a change of machine load hits all alike):

- cold:  `python run.py --port N` with an empty private cache folder (COURSE_ASSISTANT_CACHE_DIR set to
         a new empty folder, removed afterwards): the knowledge is loaded, validated and indexed
         afresh and the cache written, as on a first start (the server is stopped once the cache
         file is there, so that writing it never overlaps the next start);
- warm:  the same with the tree's primed cache folder (the built brain loaded from it); a start that
         had to rebuild it is flagged;
- gunicorn: the production command (gunicorn.conf.py, COURSE_ASSISTANT_PORT=N) with the primed cache
         (--no-gunicorn leaves it out).

Timed: spawning the process to the first 200 from GET /health (polled every 10 ms), and for run.py
starts the first reply: one POST /api/chat {"message": "best python course for beginners"} right
after, timed by the client (anything built lazily on first use shows here). Median, min and max.
Then, on one more warm start of each kind of the last tree, resident memory (VmRSS from
/proc/<pid>/status; for gunicorn the master and its worker, which holds the conversations) right
after start and after --sessions POST /api/chat {"message": "hi"} without a session id (each
creates a conversation), sent by 4 client threads, and the "sessions" count that /health reports
(--sessions 0 skips this). The per-session rate limit is disabled; max_sessions keeps its default
(10,000), so the count cannot exceed it.
"""
from __future__ import annotations

import argparse
import json
import shutil
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from code_trees import CodeTree, add_arguments, code_trees  # noqa: E402
from load_env import NO_LIMITS  # noqa: E402

FIRST_QUESTION = "best python course for beginners"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def spawn(tree: CodeTree, kind: str, port: int, cache_dir: Path) -> subprocess.Popen:
    env = tree.env(COURSE_ASSISTANT_CACHE_DIR=str(cache_dir), **NO_LIMITS)     # one address plays every visitor
    if kind == "gunicorn":
        env["COURSE_ASSISTANT_PORT"] = str(port)
        cmd = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "assistant.web_app:create_app()"]
    else:
        cmd = [sys.executable, "run.py", "--port", str(port)]
    return subprocess.Popen(cmd, cwd=tree.path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def health(port: int, timeout: float = 1.0) -> dict | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=timeout) as r:
            if r.status == 200:
                return json.loads(r.read())
    except OSError:
        pass
    return None


def first_reply(port: int) -> float:
    """Seconds for one POST /api/chat, timed by the client."""
    body = json.dumps({"message": FIRST_QUESTION}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/chat", data=body,
                                     headers={"Content-Type": "application/json"})
    t0 = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as r:
        reply = json.loads(r.read())
    seconds = time.perf_counter() - t0
    if r.status != 200 or not (reply.get("reply") or {}).get("text"):
        raise RuntimeError(f"no reply to {FIRST_QUESTION!r}: {reply}")
    return seconds


def start_timed(tree: CodeTree, kind: str, cache_dir: Path) -> tuple[subprocess.Popen, int, float]:
    port = free_port()
    t0 = time.perf_counter()
    proc = spawn(tree, kind, port, cache_dir)
    while time.perf_counter() - t0 < 120:
        if proc.poll() is not None:
            raise RuntimeError(f"{tree.label} {kind} exited with code {proc.returncode}")
        if health(port, timeout=0.5) is not None:
            return proc, port, time.perf_counter() - t0
        time.sleep(0.01)
    stop(proc)
    raise RuntimeError(f"{tree.label} {kind} did not answer /health within 120 s")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def cache_files(folder: Path) -> dict:
    """The cache folder's files and their modification times (a rebuild changes them)."""
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} if folder.is_dir() else {}


def rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


def pss_kb(pid: int) -> int | None:
    """Proportional set size: shared pages (gunicorn's master and worker share most) split between sharers."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def children(pid: int) -> list[int]:
    out = []
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/children") as f:
                out += [int(x) for x in f.read().split()]
        except OSError:
            pass
    return out


def memory(kind: str, proc: subprocess.Popen) -> dict[str, int]:
    """Resident KB of the serving processes: run.py itself, or gunicorn's master and worker(s)."""
    if kind != "gunicorn":
        return {"process": (rss_kb(proc.pid), pss_kb(proc.pid))}
    result = {"master": (rss_kb(proc.pid), pss_kb(proc.pid))}
    for i, pid in enumerate(children(proc.pid)):
        result["worker" if i == 0 else f"worker{i}"] = (rss_kb(pid), pss_kb(pid))
    return result


def create_sessions(port: int, count: int, threads: int = 4) -> tuple[float, int]:
    url = f"http://127.0.0.1:{port}/api/chat"
    body = json.dumps({"message": "hi"}).encode()
    next_index = iter(range(count))
    lock = threading.Lock()
    failures = [0]

    def worker() -> None:
        while True:
            with lock:
                i = next(next_index, None)
            if i is None:
                return
            req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(req, timeout=30) as r:
                    data = json.loads(r.read())
                    if r.status != 200 or not data.get("session_id"):
                        raise RuntimeError(data)
            except Exception:  # noqa: BLE001 - counted and reported
                with lock:
                    failures[0] += 1

    t0 = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return time.perf_counter() - t0, failures[0]


def mb(kb: int | None) -> str:
    return "n/a" if kb is None else f"{kb / 1024:.1f}"


def one_start(tree: CodeTree, kind: str, wait_for_cache: bool = False) -> tuple[float, float | None, bool]:
    """(seconds to /health, seconds of the first reply or None, whether the cache was rebuilt);
    `wait_for_cache`: stop the server only once its cache folder holds a built brain (a server
    may write it after it starts answering)."""
    if kind == "cold":
        folder = Path(tempfile.mkdtemp(prefix="bench-startup-cold-"))
    else:
        folder = tree.path / ".cache"
    before = cache_files(folder)
    try:
        proc, port, seconds = start_timed(tree, kind, folder)
        try:
            reply = first_reply(port) if kind != "gunicorn" else None
            deadline = time.perf_counter() + 60
            while wait_for_cache and not list(folder.glob("brain-*.pickle")) and time.perf_counter() < deadline:
                time.sleep(0.05)
        finally:
            stop(proc)
        rebuilt = kind != "cold" and cache_files(folder) != before
    finally:
        if kind == "cold":
            shutil.rmtree(folder, ignore_errors=True)
    return seconds, reply, rebuilt


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser)
    parser.add_argument("--runs", type=int, default=5, help="timed starts of each kind per tree (default 5)")
    parser.add_argument("--sessions", type=int, default=10_000, help="sessions for the memory figures (0: skip)")
    parser.add_argument("--no-gunicorn", action="store_true")
    args = parser.parse_args()
    kinds = ["cold", "warm"] + ([] if args.no_gunicorn else ["gunicorn"])
    load_before = os.getloadavg()
    print("load average (1, 5, 15 min) before: %.2f %.2f %.2f on %d CPUs" % (*load_before, os.cpu_count()))
    with code_trees(args) as trees:
        for tree in trees:
            # code_trees primes the cache Assistant.load() uses; a server uses cache_dir (the
            # tree's .cache): one untimed start fills it, so that warm starts find it.
            seconds, _, _ = one_start(tree, "warm", wait_for_cache=True)
            print(f"  {tree.label}: {tree.path} (its .cache primed by one untimed start, {seconds:.1f} s)")
        starts = {(t.label, k): [] for t in trees for k in kinds}
        replies = {(t.label, k): [] for t in trees for k in kinds}
        rebuilt = {(t.label, k): 0 for t in trees for k in kinds}
        for round_ in range(args.runs):
            order = trees[round_ % len(trees):] + trees[:round_ % len(trees)]
            for tree in order:
                for kind in kinds:
                    # A cold start is stopped only once its cache is written (by a thread or a process
                    # of its own, after /health answers): that work must not overlap the next start.
                    seconds, reply, was_rebuilt = one_start(tree, kind, wait_for_cache=kind == "cold")
                    starts[tree.label, kind].append(seconds)
                    if reply is not None:
                        replies[tree.label, kind].append(reply)
                    rebuilt[tree.label, kind] += was_rebuilt
                    note = "  (cache rebuilt: code or knowledge changed since the last start)" if was_rebuilt else ""
                    first = f", first reply {reply * 1000:.0f} ms" if reply is not None else ""
                    print(f"  round {round_ + 1}: {tree.label:<28} {kind:<9} {seconds:.2f} s to /health{first}{note}",
                          flush=True)
        mem = measure_memory(trees[-1], kinds[1:], args.sessions) if args.sessions else {}

    print()
    print("start: spawn to first 200 from GET /health (s); first reply: one POST /api/chat right after (ms)")
    print(f"{'tree':<30}{'start':<10}{'runs':>5}{'median s':>10}{'min s':>8}{'max s':>8}{'rebuilt':>9}"
          f"{'reply median ms':>17}{'reply max ms':>14}")
    print("-" * 111)
    for (label, kind), times in starts.items():
        got = replies[label, kind]
        reply = (f"{statistics.median(got) * 1000:>17.0f}{max(got) * 1000:>14.0f}" if got else f"{'-':>17}{'-':>14}")
        print(f"{label:<30}{kind:<10}{len(times):>5}{statistics.median(times):>10.2f}{min(times):>8.2f}"
              f"{max(times):>8.2f}{('-' if kind == 'cold' else str(rebuilt[label, kind])):>9}{reply}")
    if len(trees) > 1:
        reference = trees[0].label
        print()
        for tree in trees[1:]:
            for kind in kinds:
                ratio = statistics.median(starts[tree.label, kind]) / statistics.median(starts[reference, kind])
                print(f"{tree.label} / {reference}, {kind}: median start x{ratio:.2f}")
    if mem:
        print_memory(mem, args.sessions)
    return 0


def measure_memory(tree: CodeTree, kinds, count):
    mem = {}
    for kind in kinds:
        proc, port, _ = start_timed(tree, kind, tree.path / ".cache")
        try:
            time.sleep(0.5)
            before = memory(kind, proc)
            seconds, failures = create_sessions(port, count)
            after = memory(kind, proc)
            sessions = (health(port, timeout=5) or {}).get("sessions")
        finally:
            stop(proc)
        mem[kind] = (before, after, seconds, failures, sessions)
        print(f"  {tree.label} {kind:<9} {count} session-creating requests in {seconds:.1f} s "
              f"({count / seconds:.0f} req/s), {failures} failures", flush=True)
    return mem


def print_memory(mem, count):
    print()
    print(f"resident memory (MB), after start and after {count} new sessions; "
          f"RSS = VmRSS, PSS = shared pages split between processes")
    print(f"{'server':<10}{'process':<9}{'RSS start':>10}{'RSS after':>10}{'growth':>8}{'KB/session':>11}"
          f"{'PSS start':>10}{'PSS after':>10}{'/health sessions':>17}")
    print("-" * 95)
    for kind, (before, after, _, _, sessions) in mem.items():
        for name, (rss0, pss0) in before.items():
            rss1, pss1 = after.get(name, (0, None))
            growth = rss1 - rss0
            print(f"{kind:<10}{name:<9}{mb(rss0):>10}{mb(rss1):>10}{mb(growth):>8}{growth / count:>11.2f}"
                  f"{mb(pss0):>10}{mb(pss1):>10}{str(sessions):>17}")


if __name__ == "__main__":
    status = main()
    print("load average (1, 5, 15 min) at the end: %.2f %.2f %.2f on %d CPUs"
          % (*os.getloadavg(), os.cpu_count()))
    raise SystemExit(status)
