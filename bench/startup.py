"""Cold start and memory: time to the first 200 from /health, resident memory before and after 10,000 sessions.

Run from the project root:  python bench/startup.py [--runs 5] [--sessions 10000] [--no-gunicorn]

For `python run.py --port N` (with the built-index cache as it is, and with
COURSE_ASSISTANT_CACHE_DIR=off when this version has that setting) and for gunicorn (gunicorn.conf.py with COURSE_ASSISTANT_PORT=N),
each started --runs times (--cold-runs with the cache off) on a free 127.0.0.1 port; the
cached starts use a private cache folder filled by one untimed start first, and a start that had
to rebuild it (the code or knowledge changed meanwhile) is flagged: the time from spawning the process to the first
200 from GET /health (polled every 10 ms), median, min and max. Then, on one more start of each,
resident memory (VmRSS from /proc/<pid>/status; for gunicorn the master and its worker, which
holds the conversations) right after start and after --sessions POST /api/chat {"message": "hi"}
without a session id (each creates a conversation), sent by 4 client threads, and the "sessions"
count that /health reports. The per-session rate limit is disabled; max_sessions keeps its
default (10,000), so the count cannot exceed it.
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

# One client address (127.0.0.1) plays every visitor here: lift the per-address limits.
ONE_ADDRESS_IS_MANY = {"COURSE_ASSISTANT_ADDRESS_RATE_LIMIT_MESSAGES": "1000000",
                       "COURSE_ASSISTANT_ADDRESS_NEW_SESSIONS": "1000000",
                       "COURSE_ASSISTANT_MAX_CONNECTIONS_PER_ADDRESS": "100000"}

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cache_setting_exists() -> bool:
    sys.path.insert(0, str(ROOT))
    try:
        from assistant.settings import BY_NAME
    except ImportError:
        return False
    return "cache_dir" in BY_NAME


CACHE_DIR: str | None = None      # a private cache folder, set in main() when the setting exists


def cache_files() -> dict:
    """The private cache folder's files and their modification times (a rebuild changes them)."""
    if not CACHE_DIR:
        return {}
    return {p.name: p.stat().st_mtime_ns for p in Path(CACHE_DIR).iterdir()}


def spawn(kind: str, port: int) -> subprocess.Popen:
    env = dict(os.environ, COURSE_ASSISTANT_RATE_LIMIT_MESSAGES="1000000", **ONE_ADDRESS_IS_MANY)
    if kind == "run.py, cache off":
        env["COURSE_ASSISTANT_CACHE_DIR"] = "off"
    elif CACHE_DIR:
        env["COURSE_ASSISTANT_CACHE_DIR"] = CACHE_DIR
    if kind.startswith("run.py"):
        cmd = [sys.executable, "run.py", "--port", str(port)]
    else:
        env["COURSE_ASSISTANT_PORT"] = str(port)
        cmd = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "assistant.web_app:create_app()"]
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def health(port: int, timeout: float = 1.0) -> dict | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=timeout) as r:
            if r.status == 200:
                return json.loads(r.read())
    except OSError:
        pass
    return None


def start_timed(kind: str) -> tuple[subprocess.Popen, int, float]:
    port = free_port()
    t0 = time.perf_counter()
    proc = spawn(kind, port)
    while time.perf_counter() - t0 < 120:
        if proc.poll() is not None:
            raise RuntimeError(f"{kind} exited with code {proc.returncode}")
        if health(port, timeout=0.5) is not None:
            return proc, port, time.perf_counter() - t0
        time.sleep(0.01)
    stop(proc)
    raise RuntimeError(f"{kind} did not answer /health within 120 s")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


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
    if kind.startswith("run.py"):
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cold-runs", type=int, default=3, help="runs with the cache off (each indexes afresh)")
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--no-gunicorn", action="store_true")
    args = parser.parse_args()
    kinds = ["run.py"] + ([] if args.no_gunicorn else ["gunicorn"])
    start_kinds = list(kinds)
    global CACHE_DIR
    if cache_setting_exists():
        start_kinds.insert(1, "run.py, cache off")   # COURSE_ASSISTANT_CACHE_DIR=off: knowledge indexed afresh
        CACHE_DIR = tempfile.mkdtemp(prefix="bench-startup-cache-")
        t0 = time.perf_counter()
        proc, _, _ = start_timed("run.py")                # untimed: fills the private cache
        stop(proc)
        print(f"  private cache {CACHE_DIR} primed by one untimed start ({time.perf_counter() - t0:.1f} s)")
    else:
        print("  (no cache_dir setting in this version: cache-off start not measured)")

    starts, rebuilt, hits = {}, {}, {}
    try:
        for kind in start_kinds:
            times = []
            for i in range(args.cold_runs if kind == "run.py, cache off" else args.runs):
                files = cache_files()
                proc, _, seconds = start_timed(kind)
                stop(proc)
                times.append(seconds)
                note = ""
                if kind != "run.py, cache off" and cache_files() != files:
                    rebuilt[kind] = rebuilt.get(kind, 0) + 1
                    note = "  (cache rebuilt: code or knowledge changed since the last start)"
                elif kind != "run.py, cache off":
                    hits.setdefault(kind, []).append(seconds)
                print(f"  {kind:<18} start {i + 1}: {seconds:.2f} s to first /health 200{note}", flush=True)
            starts[kind] = times
        mem = measure_memory(kinds, args.sessions)
    finally:
        if CACHE_DIR:
            shutil.rmtree(CACHE_DIR, ignore_errors=True)

    print()
    print("cold start: spawn to first 200 from GET /health")
    print(f"{'server':<19}{'runs':>6}{'median s':>10}{'min s':>8}{'max s':>8}{'cache rebuilt':>15}"
          f"{'median of cache hits s':>24}")
    print("-" * 90)
    for kind, times in starts.items():
        off = kind.endswith("cache off")
        hit = "-" if off else (f"{statistics.median(hits[kind]):.2f}" if hits.get(kind) else "none")
        print(f"{kind:<19}{len(times):>6}{statistics.median(times):>10.2f}{min(times):>8.2f}{max(times):>8.2f}"
              f"{('-' if off else str(rebuilt.get(kind, 0))):>15}{hit:>24}")
    print_memory(mem, args.sessions)
    return 0


def measure_memory(kinds, count):
    mem = {}
    for kind in kinds:
        proc, port, _ = start_timed(kind)
        try:
            time.sleep(0.5)
            before = memory(kind, proc)
            seconds, failures = create_sessions(port, count)
            after = memory(kind, proc)
            sessions = (health(port, timeout=5) or {}).get("sessions")
        finally:
            stop(proc)
        mem[kind] = (before, after, seconds, failures, sessions)
        print(f"  {kind:<9} {count} session-creating requests in {seconds:.1f} s "
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
