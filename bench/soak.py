"""Soak: the production command under every hostile client at once, for minutes.

    python bench/soak.py [--duration 600] [--warmup 60] [--chatters 200] [--nonreaders 20]
                         [--slowloris 500] [--flood-rate 0]

Starts `gunicorn -c gunicorn.conf.py 'assistant.web_app:create_app()'` on a free 127.0.0.1 port
(`trusted_proxies = 127.0.0.1`, so each simulated visitor has its own X-Forwarded-For address) and
runs together:

- `--chatters` websocket clients, each from its own address, chatting with varied questions (a
  message every 1-4 s, under the per-session rate limit), each connection opened with a first-frame
  `hello` (as the widget does) and reconnecting every ~15 messages with one that must resume their
  session;
- `--nonreaders` clients that send frames as fast as they can and never read, reconnecting a
  second after the server cuts them off;
- `--slowloris` connections sending one header line every 4 s, reconnecting when cut;
- one address flooding `POST /api/chat` without a session (as fast as one thread can, or
  `--flood-rate` per second).

It prints the chatters' reply latency (p50/p90/p99/max), how many of their messages went
unanswered, the worker's RSS after warm-up, at the end and at its peak, and what happened to each
kind of attacker. It exits 1 unless every chatter message was answered, p99 < 1 s and the final
RSS is within 1.5 times the RSS after warm-up.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import websocket

ROOT = Path(__file__).resolve().parents[1]

TOPICS = ["python", "sql", "machine learning", "data analysis", "javascript", "excel", "statistics", "deep learning",
          "web development", "cloud computing", "tableau", "r programming", "java", "linux", "docker"]
ASKS = ["best {t} course", "{t} for beginners", "free {t} courses", "advanced {t}", "{t} with a certificate",
        "{t} under 10 hours", "short {t} course on coursera", "{t} on edx", "i want to learn {t}"]
FOLLOW_UPS = ["only free ones", "compare the first two", "tell me more about the second one", "show me more",
              "something more advanced", "do I need a degree?", "thanks", "what should I learn first?"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def worker_of(master: int) -> int:
    path = Path(f"/proc/{master}/task/{master}/children")
    kids = path.read_text().split() if path.exists() else []
    return int(kids[0]) if kids else master


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.unanswered: list[str] = []
        self.resumed = self.not_resumed = 0
        self.nonreader_cuts = self.nonreader_frames = 0
        self.slowloris_cuts = 0
        self.flood = {}

    def add(self, name, value=1):
        with self.lock:
            setattr(self, name, getattr(self, name) + value)


def chatter(url: str, number: int, stop: threading.Event, tally: Tally):
    rng = random.Random(number)
    address = f"10.{number // 250}.{number % 250}.{rng.randint(1, 250)}"
    session_id, sent = None, 0
    while not stop.is_set():
        try:
            ws = websocket.create_connection(url, timeout=15, suppress_origin=True,
                                             header=[f"X-Forwarded-For: {address}"], skip_utf8_validation=True)
            ws.send(json.dumps({"type": "hello", "id": "resume", **({"session_id": session_id} if session_id else {})}))
            welcome = json.loads(ws.recv())
            if welcome.get("type") == "welcome" and welcome.get("in_reply_to") != "resume":
                welcome = json.loads(ws.recv())     # welcomed before our hello was read: its answer follows
            if welcome.get("type") != "welcome":
                with tally.lock:
                    tally.unanswered.append(f"chatter {number}: connect got {welcome}")
                ws.close()
                stop.wait(5)
                continue
            if session_id:
                tally.add("resumed" if welcome["session_id"] == session_id else "not_resumed")
            session_id = welcome["session_id"]
            for _ in range(rng.randint(10, 20)):
                if stop.wait(rng.uniform(1, 4)):
                    break
                text = (rng.choice(ASKS).format(t=rng.choice(TOPICS)) if sent % 3 == 0 or rng.random() < 0.3
                        else rng.choice(FOLLOW_UPS))
                frame_id = f"{number}-{sent}"
                began = time.monotonic()
                ws.send(json.dumps({"type": "message", "id": frame_id, "text": text}))
                sent += 1
                answer = json.loads(ws.recv())
                elapsed = time.monotonic() - began
                if answer.get("type") == "reply" and answer.get("in_reply_to") == frame_id:
                    with tally.lock:
                        tally.latencies.append(elapsed)
                else:
                    with tally.lock:
                        tally.unanswered.append(f"chatter {number} {text!r}: {str(answer)[:200]}")
            ws.close()
        except Exception as error:  # noqa: BLE001 - counted and printed
            with tally.lock:
                tally.unanswered.append(f"chatter {number}: {error!r}")
            stop.wait(1)


def nonreader(url: str, number: int, stop: threading.Event, tally: Tally):
    frame = json.dumps({"type": "message", "text": "best python course for data analysis " * 40})
    while not stop.is_set():
        try:
            ws = websocket.create_connection(url, timeout=15, suppress_origin=True,
                                             header=[f"X-Forwarded-For: 192.0.2.{number + 1}"],
                                             sockopt=((socket.SOL_SOCKET, socket.SO_RCVBUF, 4096),))
            while not stop.is_set():
                ws.send(frame)
                tally.add("nonreader_frames")
        except Exception:  # noqa: BLE001 - being cut off is the point
            tally.add("nonreader_cuts")
        try:
            ws.shutdown()
        except Exception:  # noqa: BLE001
            pass
        stop.wait(1)


def slowloris(port: int, count: int, stop: threading.Event, tally: Tally):
    """`count` connections in one thread, each sending a header line every 4 s; cut ones reopen."""
    conns: dict[int, tuple[socket.socket, float, int]] = {}

    def open_one(slot):
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            sock.setblocking(False)
            sock.send(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            conns[slot] = (sock, time.monotonic() + 4, 0)
        except OSError:
            conns.pop(slot, None)

    for slot in range(count):
        open_one(slot)
    while not stop.wait(0.2):
        now = time.monotonic()
        for slot in range(count):
            entry = conns.get(slot)
            if entry is None:
                open_one(slot)
                continue
            sock, due, lines = entry
            try:
                if sock.recv(4096) == b"":
                    raise ConnectionResetError
            except BlockingIOError:
                pass
            except OSError:
                tally.add("slowloris_cuts")
                sock.close()
                open_one(slot)
                continue
            if now >= due:
                try:
                    sock.send(f"X-Slow-{lines}: keep-waiting\r\n".encode())
                    conns[slot] = (sock, now + 4, lines + 1)
                except OSError:
                    tally.add("slowloris_cuts")
                    sock.close()
                    open_one(slot)
    for sock, _, _ in conns.values():
        sock.close()


def flood(base: str, rate: float, stop: threading.Event, tally: Tally):
    body = json.dumps({"message": "hi"}).encode()
    while not stop.is_set():
        request = urllib.request.Request(base + "/api/chat", data=body, method="POST",
                                         headers={"X-Forwarded-For": "203.0.113.66", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        except OSError:
            status = "failed"
        with tally.lock:
            tally.flood[status] = tally.flood.get(status, 0) + 1
        if rate:
            stop.wait(1 / rate)


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=600)
    parser.add_argument("--warmup", type=float, default=60)
    parser.add_argument("--chatters", type=int, default=200)
    parser.add_argument("--nonreaders", type=int, default=20)
    parser.add_argument("--slowloris", type=int, default=500)
    parser.add_argument("--flood-rate", type=float, default=0, help="flood requests per second; 0: as fast as it goes")
    args = parser.parse_args()

    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("COURSE_ASSISTANT_")}
    env.update(COURSE_ASSISTANT_PORT=str(port), COURSE_ASSISTANT_TRUSTED_PROXIES="127.0.0.1", PYTHONUNBUFFERED="1")
    log = Path(tempfile.mkstemp(prefix="soak-", suffix=".log")[1])
    with log.open("w") as output:
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
                                   "assistant.web_app:create_app()"], cwd=ROOT, env=env, stdout=output,
                                  stderr=subprocess.STDOUT)
    base, url = f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}/ws"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(base + "/health", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    print(log.read_text()[-3000:])
                    return 2
                time.sleep(0.3)
        worker = worker_of(server.pid)
        tally, stop = Tally(), threading.Event()
        threads = [threading.Thread(target=chatter, args=(url, n, stop, tally), daemon=True)
                   for n in range(args.chatters)]
        threads += [threading.Thread(target=nonreader, args=(url, n, stop, tally), daemon=True)
                    for n in range(args.nonreaders)]
        threads.append(threading.Thread(target=slowloris, args=(port, args.slowloris, stop, tally), daemon=True))
        threads.append(threading.Thread(target=flood, args=(base, args.flood_rate, stop, tally), daemon=True))
        began = time.monotonic()
        for thread in threads:
            thread.start()
        time.sleep(args.warmup)
        warm_rss = rss_mib(worker)
        with tally.lock:
            tally.latencies.clear()                 # latency counted after warm-up
            warm_unanswered = len(tally.unanswered)
        peak_rss, probes = warm_rss, []
        print(f"warm-up done after {args.warmup:.0f} s: worker RSS {warm_rss:.0f} MiB", flush=True)
        while time.monotonic() - began < args.duration:
            time.sleep(10)
            peak_rss = max(peak_rss, rss_mib(worker))
            probe_began = time.monotonic()
            try:
                health = json.loads(urllib.request.urlopen(base + "/health", timeout=10).read())
                probes.append(time.monotonic() - probe_began)
            except OSError as error:
                health = {"error": repr(error)}
                probes.append(float("inf"))
            print(f"{time.monotonic() - began:5.0f} s  RSS {rss_mib(worker):6.0f} MiB  answered {len(tally.latencies):6d}"
                  f"  unanswered {len(tally.unanswered)}  health {health}", flush=True)
        stop.set()
        final_rss = rss_mib(worker)
        for thread in threads:
            thread.join(timeout=20)
        alive = server.poll() is None and worker_of(server.pid) == worker
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    lat = tally.latencies
    p99 = percentile(lat, 0.99)
    print()
    print(f"soak: {args.duration:.0f} s (warm-up {args.warmup:.0f} s), gunicorn worker {'alive' if alive else 'REPLACED'}; "
          f"load average {os.getloadavg()[0]:.1f} at the end")
    print(f"chatters ({args.chatters}): {len(lat)} replies after warm-up; p50 {percentile(lat, .5) * 1000:.0f} ms, "
          f"p90 {percentile(lat, .9) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, max {max(lat, default=0) * 1000:.0f} ms, "
          f"mean {statistics.fmean(lat) * 1000 if lat else 0:.0f} ms")
    print(f"  unanswered: {len(tally.unanswered)} ({warm_unanswered} during warm-up); resumed by hello "
          f"{tally.resumed}, not resumed {tally.not_resumed}")
    for line in tally.unanswered[:10]:
        print("   ", line)
    print(f"never-reading clients ({args.nonreaders}): cut off {tally.nonreader_cuts} times after "
          f"{tally.nonreader_frames} frames sent in all")
    print(f"slowloris ({args.slowloris} connections): cut off {tally.slowloris_cuts} times")
    print(f"session flood from one address: {dict(sorted(tally.flood.items(), key=str))}")
    print(f"/health probes every 10 s: max {max(probes, default=0) * 1000:.0f} ms")
    print(f"worker RSS: after warm-up {warm_rss:.0f} MiB, peak {peak_rss:.0f} MiB, end {final_rss:.0f} MiB "
          f"(end/warm {final_rss / warm_rss:.2f})")
    ok = alive and not tally.unanswered and p99 < 1 and final_rss <= 1.5 * warm_rss
    print("PASS" if ok else "FAIL")
    log.unlink(missing_ok=True)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
