"""Websocket throughput with varied questions in fresh conversations, memo on vs off, side by side.

Run from the project root:
    python bench/ws_varied.py [--baseline main] [--code DIR ...] [--levels 1,8] [--passes 3] [--quick] [--json FILE]

The question pool is the one of bench/understanding.py (bench/question_pool.py): the real questions
of ../shared/data/real-questions/dev.yaml (skipped with a message when absent) and every utterance
of tests/data/eval*.yaml. From it a fixed script of conversations is drawn (--seed): each has 1-4
messages, the first a pool question, each later one a pool question or (with --follow-up-share,
default 0.3) one of "only free ones", "compare the first two", "tell me more about the second one",
"show me more". Pool questions come from a shuffled deck, so none repeats before every question
was asked once; by default (--cycles 1) the script holds each pool question exactly once, so no
question is ever repeated, and --cycles N plays the deck N times (from the second cycle on,
every question has been asked before: what a memo is for).

For each pass and level, fresh servers are started (`python run.py` in the tree, on a free port,
rate limit off, COURSE_ASSISTANT_RATE_LIMIT_MESSAGES=1000000, the tree's own build cache): per
tree, one with the memo on (the default memo_entries) and one with it off
(COURSE_ASSISTANT_MEMO_ENTRIES=0; a tree whose settings have no memo_entries gets only the default
one). Each answers a few warm-up conversations of our own phrasings. Then the script is played in
chunks of --chunk conversations (default 12, at least 5 per client; a fraction of a second): each chunk on every server in turn,
the order rotated per chunk, so load changes on this shared machine hit every server alike; each
server still gets the whole script once, in order. A chunk is played by N client threads
(websocket-client, one process): a client takes the next conversation, opens a connection, reads
the welcome, sends {"type": "hello"} without a session id (a fresh conversation), reads its
welcome, sends each message {"type": "message", "id": ..., "text": ...} and waits for its reply
frame, closes, and takes the next. Messages per second = messages answered / time spent playing
that server's chunks (connections and hellos included).
The table gives msg/s over all passes, the memo's gain (on/off) per tree and level, and each tree
over the reference (the baseline when given, else the first --code); each ratio is the median over
chunks of the two servers' msg/s on the same conversations, a paired figure that a load change
between chunks does not move. A chunk has at least 5 conversations per client.
"""
from __future__ import annotations

import argparse
import itertools
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
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from code_trees import add_arguments, code_trees  # noqa: E402
from load_env import NO_LIMITS  # noqa: E402
from question_pool import FOLLOW_UPS, load_pool, warm_up_texts  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def conversation_script(texts: list[str], cycles: int, follow_up_share: float, seed: int) -> list[list[str]]:
    """Conversations of 1-4 messages drawing every pool text exactly `cycles` times (a reshuffled
    deck per cycle), with follow-ups mixed in after the first message."""
    rng = random.Random(seed)
    deck = []
    for _ in range(cycles):
        cycle = texts[:]
        rng.shuffle(cycle)
        deck += cycle
    deck.reverse()
    script = []
    while deck:
        conversation = [deck.pop()]
        for _ in range(rng.randint(1, 4) - 1):
            if rng.random() < follow_up_share:
                conversation.append(rng.choice(FOLLOW_UPS))
            elif deck:
                conversation.append(deck.pop())
        script.append(conversation)
    return script


class Server:
    def __init__(self, tree, memo: bool):
        self.port = free_port()
        extra = dict(NO_LIMITS)
        if not memo:
            extra["COURSE_ASSISTANT_MEMO_ENTRIES"] = "0"
        self.log = tempfile.TemporaryFile("w+")       # a file, not a pipe: request logs never block the server
        self.proc = subprocess.Popen([sys.executable, "run.py", "--port", str(self.port)], cwd=tree.path,
                                     env=tree.env(**extra), stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 180         # a first start builds the tree's cache
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.log.seek(0)
                raise SystemExit(f"{tree.label}: run.py exited with code {self.proc.returncode}: "
                                 f"{self.log.read()[-2000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise SystemExit(f"{tree.label}: run.py did not answer /health in 180 s")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def play(port: int, script: list[list[str]], clients: int) -> dict:
    """Play the whole script with `clients` threads, each conversation on a new connection."""
    import websocket  # websocket-client

    cursor = itertools.count()
    lock = threading.Lock()
    counts = [0] * clients
    problems: list[str] = []
    start = threading.Barrier(clients + 1)

    def expect(ws, kind: str, in_reply_to=None) -> dict:
        frame = json.loads(ws.recv())
        if frame.get("type") != kind or (in_reply_to is not None and frame.get("in_reply_to") != in_reply_to):
            raise RuntimeError(f"expected {kind} {in_reply_to or ''}, got {str(frame)[:200]}")
        return frame

    def client(i: int) -> None:
        start.wait()
        while True:
            with lock:
                n = next(cursor)
            if n >= len(script):
                return
            try:
                # skip_utf8_validation: websocket-client's pure-Python UTF-8 check would time the
                # client, not the server (see bench/ws_throughput.py).
                ws = websocket.create_connection(f"ws://127.0.0.1:{port}/ws", timeout=60, skip_utf8_validation=True)
                ws.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                try:
                    expect(ws, "welcome")
                    ws.send(json.dumps({"type": "hello"}))
                    if expect(ws, "welcome").get("resumed"):
                        raise RuntimeError("hello without a session id resumed a session")
                    for m, text in enumerate(script[n]):
                        cid = f"c{n}.{m}"
                        ws.send(json.dumps({"type": "message", "id": cid, "text": text}))
                        expect(ws, "reply", cid)
                        counts[i] += 1
                finally:
                    ws.close()
            except Exception as error:  # noqa: BLE001 - counted and reported; the run goes on
                with lock:
                    problems.append(f"conversation {n}: {type(error).__name__}: {error}")

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    total = sum(counts)
    return {"msgs": total, "conversations": len(script), "elapsed": elapsed, "rate": total / elapsed,
            "errors": len(problems), "problems": problems[:5]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser)
    parser.add_argument("--levels", default="1,8", help="comma-separated concurrent clients (default 1,8)")
    parser.add_argument("--passes", type=int, default=3, help="runs per tree, memo setting and level (default 3)")
    parser.add_argument("--cycles", type=int, default=1, help="times the script asks each pool question (default 1)")
    parser.add_argument("--follow-up-share", type=float, default=0.3,
                        help="chance that a later message of a conversation is a follow-up (default 0.3)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--chunk", type=int, default=12,
                        help="conversations played on one server before the next server plays the same ones "
                             "(default 12; at least 5 per client)")
    parser.add_argument("--quick", action="store_true", help="1 pass; the dev set and the first 40 of each eval set")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args()
    levels = [int(x) for x in args.levels.split(",")]
    passes = 1 if args.quick else args.passes

    questions, notes = load_pool(per_eval_set=40 if args.quick else None)
    for note in notes:
        print(note)
    texts = list(dict.fromkeys(q.text for q in questions))
    if not texts:
        print("no questions to ask")
        return 1
    script = conversation_script(texts, args.cycles, args.follow_up_share, args.seed)
    n_msgs = sum(len(c) for c in script)
    n_follow = sum(t in FOLLOW_UPS for c in script for t in c)
    warm_up = [[t, "show me more"] for t in warm_up_texts(questions)]
    load_before = os.getloadavg()
    print("load average (1, 5, 15 min) before: %.2f %.2f %.2f on %d CPUs" % (*load_before, os.cpu_count()))
    print(f"pool: {len(texts)} distinct questions; script: {len(script)} conversations, {n_msgs} messages "
          f"({n_follow} follow-ups), each pool question asked {args.cycles}x; levels {levels}, {passes} passes; "
          f"a fresh server per run")

    with code_trees(args) as trees:
        settings = []
        for tree in trees:
            settings.append((tree, True))
            if tree.has_setting("memo_entries"):
                settings.append((tree, False))
            else:
                print(f"  {tree.label}: no memo_entries setting; only its default run")
        name = {(t.label, memo): f"{t.label}, memo {'on' if memo else 'off'}" for t, memo in settings}
        rates: dict = {(t.label, memo, c): [] for t, memo in settings for c in levels}
        paired: dict = {c: [] for c in levels}      # per chunk: msg/s of every server on the same conversations
        runs = []
        for p in range(passes):
            for clients in levels:
                servers = {}
                try:
                    for tree, memo in settings:
                        servers[(tree.label, memo)] = server = Server(tree, memo)
                        play(server.port, warm_up, 1)
                    totals = {key: {"msgs": 0, "elapsed": 0.0, "errors": 0, "problems": []} for key in servers}
                    size = max(args.chunk, 5 * clients)   # enough conversations that N clients end together
                    for c, k in enumerate(range(0, len(script), size)):
                        chunk_rates = {}
                        start = (p + c) % len(settings)
                        for tree, memo in settings[start:] + settings[:start]:
                            r = play(servers[(tree.label, memo)].port, script[k:k + size], clients)
                            chunk_rates[(tree.label, memo)] = r["rate"]
                            total = totals[(tree.label, memo)]
                            for field in ("msgs", "elapsed", "errors", "problems"):
                                total[field] += r[field]
                        paired[clients].append(chunk_rates)
                finally:
                    for server in servers.values():
                        server.stop()
                for (label, memo), r in totals.items():
                    r["rate"] = r["msgs"] / r["elapsed"]
                    rates[(label, memo, clients)].append((r["msgs"], r["elapsed"]))
                    runs.append({"pass": p + 1, "code": label, "memo": memo, "clients": clients, **r})
                    print(f"  pass {p + 1} {name[(label, memo)]:<40} {clients:>2} clients: {r['rate']:7.1f} msg/s "
                          f"({r['msgs']} msgs in {r['elapsed']:.1f} s, {r['errors']} errors)"
                          + (f" {r['problems'][:3]}" if r["errors"] else ""), flush=True)
        labels = [t.label for t in trees]

    rate = {key: sum(m for m, _ in v) / sum(e for _, e in v) for key, v in rates.items()}

    def ratio(clients, a, b):
        """Median over chunks of a's msg/s over b's on the same conversations (paired, so a load
        change between chunks cancels), or None."""
        values = [c[a] / c[b] for c in paired[clients] if a in c and b in c]
        return statistics.median(values) if values else None

    def cell(value, width):
        return f"{value:>{width}.2f}" if value is not None else f"{'-':>{width}}"

    reference = labels[0]
    print()
    header = (f"{'code':<34}{'clients':>8}{'memo on msg/s':>15}{'memo off msg/s':>16}{'on/off':>8}"
              f"{'on/ref on':>11}{'off/ref off':>12}")
    print(header)
    print("-" * len(header))
    figures = []
    for clients in levels:
        for label in labels:
            on, off = rate.get((label, True, clients)), rate.get((label, False, clients))
            gain = ratio(clients, (label, True), (label, False))
            cells = [f"{on:>15.1f}", f"{off:>16.1f}" if off else f"{'-':>16}", cell(gain, 8)]
            vs_ref_on = vs_ref_off = None
            if label != reference:
                vs_ref_on = ratio(clients, (label, True), (reference, True))
                vs_ref_off = ratio(clients, (label, False), (reference, False))
                cells += [cell(vs_ref_on, 11), cell(vs_ref_off, 12)]
            print(f"{label[:33]:<34}{clients:>8}" + "".join(cells))
            figures.append({"code": label, "clients": clients, "memo_on_msg_s": on, "memo_off_msg_s": off,
                            "on_over_off": gain, "on_over_ref_on": vs_ref_on, "off_over_ref_off": vs_ref_off})
    print(f"msg/s: all {passes} passes together; ratios: median over chunks of the paired msg/s on the same "
          f"conversations. on/off over 1.20 means the memo gains 20% or more; ref = {reference}")
    total_errors = sum(r["errors"] for r in runs)
    print(f"errors (wrong or missing frames, broken connections): {total_errors}")
    load_after = os.getloadavg()
    print("load average (1, 5, 15 min) after: %.2f %.2f %.2f on %d CPUs" % (*load_after, os.cpu_count()))
    if args.json:
        Path(args.json).write_text(json.dumps({
            "reference": reference, "levels": levels, "passes": passes, "cycles": args.cycles, "seed": args.seed,
            "script": {"conversations": len(script), "messages": n_msgs, "follow_ups": n_follow},
            "notes": notes, "load_before": load_before, "load_after": load_after,
            "figures": figures, "runs": runs}, indent=1), encoding="utf-8")
        print(f"wrote {args.json}")
    return 1 if total_errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
