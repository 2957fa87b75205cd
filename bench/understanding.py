"""Speed of understanding questions never seen before: in-process, all caches off, side by side.

Run from the project root:
    python bench/understanding.py [--baseline main] [--code DIR ...] [--passes 3] [--quick] [--json FILE]

Questions: the 70 real questions of ../shared/data/real-questions/dev.yaml (read at run time; skipped
with a message when absent) and every utterance of tests/data/eval.yaml, eval_fresh.yaml,
eval_faq_unseen.yaml and eval_faq_after.yaml (of this project, so every tree gets the same ones).

Each code tree (--code DIR, repeatable, default the project root; --baseline REF, a git ref
extracted to a temporary folder, see bench/code_trees.py) runs in its own worker subprocess with
PYTHONPATH and cwd set to that tree, so it uses its own code and knowledge/ and its own build
cache. A worker loads `Assistant.load(memo_entries=0)` (no memo of readings or rankings and no
reply memo; a tree whose Assistant has no memo_entries is loaded plainly and says so), answers
the warm-up phrasings of bench/question_pool.py, then per pass asks every question once, each in a
NEW session (`respond(None, text)`), timed with time.perf_counter_ns around respond alone. Before
each question every functools.lru_cache found in the tree's assistant.* modules is cleared (not
timed), since such a cache would answer a repeated text; --keep-lru leaves them. At the end each
worker lists those caches and any memo (an object with `capacity` and `hits`) that had hits.

Trees are interleaved: each pass (its order of questions shuffled with --seed) goes in chunks of
--chunk questions (default 25, a few tens of ms), each chunk asked of tree A then B, the next of B
then A, and so on, so load changes on this shared machine hit every tree alike.
The table gives p50/p90/p99/mean/max in ms per question set and overall, with each tree's p50 and
p99 over the reference's (the baseline when given, else the first --code): the ratio after/before;
and "paired", the median over questions and passes of the tree's time over the reference's for
the same question asked moments apart, which load changes move least. With 2 passes or more, a
second table takes per question the fastest of its passes (a pause of the process on a busy
machine drops out), the closest figure to what the code itself costs.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from code_trees import ROOT, add_arguments, code_trees  # noqa: E402
from question_pool import load_pool, warm_up_texts  # noqa: E402


# ---------------------------------------------------------------- worker (runs inside one code tree)

def _lru_caches() -> dict:
    """Every functools.lru_cache in the loaded assistant.* modules (functions and class methods)."""
    found = {}
    for name, module in list(sys.modules.items()):
        if not name.startswith("assistant") or module is None:
            continue
        for attr, value in list(vars(module).items()):
            candidates = [(f"{name}.{attr}", value)]
            if isinstance(value, type) and value.__module__ == name:
                candidates += [(f"{name}.{attr}.{a}", v) for a, v in vars(value).items()]
            for label, obj in candidates:
                obj = getattr(obj, "__func__", obj)
                if callable(getattr(obj, "cache_clear", None)) and callable(getattr(obj, "cache_info", None)):
                    found.setdefault(id(obj), (label, obj))
    return {label: obj for label, obj in found.values()}


def _memos() -> list[dict]:
    """Objects that look like a memo (a `capacity` and a `hits` count), with their counts."""
    memos = []
    for obj in gc.get_objects():
        try:
            capacity, hits = obj.__dict__["capacity"], obj.__dict__["hits"]
        except (AttributeError, KeyError, TypeError):
            continue
        if isinstance(hits, int):
            memos.append({"type": type(obj).__name__, "capacity": capacity, "hits": hits,
                          "misses": obj.__dict__.get("misses")})
    return memos


def worker(keep_lru: bool) -> int:
    channel = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)                                   # anything the code prints goes to the log, not the channel
    import inspect

    t0 = time.perf_counter()
    import assistant
    from assistant.engine import Assistant
    memo_off = "memo_entries" in inspect.signature(Assistant.__init__).parameters
    bot = Assistant.load(memo_entries=0) if memo_off else Assistant.load()
    caches = _lru_caches()
    channel.write(json.dumps({"ready": True, "load_s": time.perf_counter() - t0, "code": assistant.__file__,
                              "memo_entries_0": memo_off, "lru_caches": sorted(caches)}) + "\n")
    used = {name: [0, 0] for name in caches}         # hits, misses over the run (a clear resets cache_info)

    def clear_caches():
        for name, c in caches.items():
            info = c.cache_info()
            used[name][0] += info.hits
            used[name][1] += info.misses
            c.cache_clear()
    for line in sys.stdin:
        command = json.loads(line)
        if command["cmd"] == "ask":
            times, errors = [], []
            for qid, text in command["items"]:
                if not keep_lru:
                    clear_caches()
                start = time.perf_counter_ns()
                try:
                    bot.respond(None, text)
                except Exception as error:  # noqa: BLE001 - a failing question is reported, the run goes on
                    errors.append(f"{qid}: {type(error).__name__}: {error}")
                times.append(time.perf_counter_ns() - start)
            channel.write(json.dumps({"times_ns": times, "errors": errors}) + "\n")
        elif command["cmd"] == "reset":           # after the warm-up: count the measured questions only
            clear_caches()
            for counts in used.values():
                counts[:] = [0, 0]
            channel.write("{}\n")
        elif command["cmd"] == "stats":
            clear_caches()
            missed = sorted(set(_lru_caches()) - set(caches))
            channel.write(json.dumps({
                "lru": {name: {"hits": h, "misses": m} for name, (h, m) in used.items()},
                "lru_not_cleared": missed,
                "memos_with_hits": [m for m in _memos() if m["hits"]],
                "sessions": len(getattr(bot.sessions, "_sessions", ()) or ())}) + "\n")
        elif command["cmd"] == "quit":
            break
    return 0


# ---------------------------------------------------------------- parent

class Worker:
    def __init__(self, tree, keep_lru: bool):
        self.tree = tree
        self.log = tempfile.NamedTemporaryFile("w+", prefix="bench-understanding-", suffix=".log", delete=False)
        cmd = [sys.executable, str(Path(__file__).resolve()), "--worker"] + (["--keep-lru"] if keep_lru else [])
        self.proc = subprocess.Popen(cmd, cwd=tree.path, env=tree.env(), stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.log, text=True, bufsize=1)
        self.info = self.read()
        code = Path(self.info["code"]).resolve()
        if tree.path.resolve() not in code.parents:
            raise SystemExit(f"{tree.label}: the worker imported {code}, not the tree's own code")

    def read(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            self.log.seek(0)
            tail = self.log.read()[-3000:]
            raise SystemExit(f"worker for {self.tree.label} stopped (code {self.proc.poll()}):\n{tail}")
        return json.loads(line)

    def call(self, **command) -> dict:
        self.proc.stdin.write(json.dumps(command) + "\n")
        return self.read()

    def close(self):
        try:
            self.proc.stdin.write(json.dumps({"cmd": "quit"}) + "\n")
            self.proc.stdin.close()
            self.proc.wait(30)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        self.log.close()
        os.unlink(self.log.name)


def summary(ms: list[float]) -> dict:
    a = np.asarray(ms)
    return {"n": len(a), "p50": float(np.percentile(a, 50)), "p90": float(np.percentile(a, 90)),
            "p99": float(np.percentile(a, 99)), "mean": float(a.mean()), "max": float(a.max())}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser)
    parser.add_argument("--passes", type=int, default=3, help="timed passes over every question (default 3)")
    parser.add_argument("--seed", type=int, default=11, help="seed of the per-pass shuffles")
    parser.add_argument("--chunk", type=int, default=25,
                        help="questions asked of one tree before the next tree takes the same ones (default 25)")
    parser.add_argument("--quick", action="store_true", help="1 pass; the dev set and the first 40 of each eval set")
    parser.add_argument("--keep-lru", action="store_true", help="do not clear the lru_caches before each question")
    parser.add_argument("--json", metavar="FILE", help="also write the figures and samples as JSON")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.keep_lru)
    passes = 1 if args.quick else args.passes

    questions, notes = load_pool(per_eval_set=40 if args.quick else None)
    for note in notes:
        print(note)
    if not questions:
        print("no questions to ask")
        return 1
    load_before = os.getloadavg()
    print("load average (1, 5, 15 min) before: %.2f %.2f %.2f on %d CPUs" % (*load_before, os.cpu_count()))
    sets = list(dict.fromkeys(q.source for q in questions))
    print(f"{len(questions)} questions (" + ", ".join(f"{s} {sum(q.source == s for q in questions)}" for s in sets)
          + f"), {passes} passes, each question in a new session")

    with code_trees(args) as trees:
        workers = []
        try:
            for tree in trees:
                w = Worker(tree, args.keep_lru)
                workers.append(w)
                print(f"  {tree.label}: {tree.path}, loaded in {w.info['load_s']:.1f} s, "
                      + ("memo_entries=0" if w.info["memo_entries_0"] else "Assistant has no memo_entries (loaded plainly)"))
                print(f"    lru_caches in its assistant.* modules ({'kept' if args.keep_lru else 'cleared before each question'}): "
                      + (", ".join(w.info["lru_caches"]) or "none"))
            warm = [[f"warm{i}", t] for i, t in enumerate(warm_up_texts(questions))]
            for w in workers:
                w.call(cmd="ask", items=warm * 2)
                w.call(cmd="reset")
            samples = {w.tree.label: {q.id: [] for q in questions} for w in workers}
            errors = {w.tree.label: [] for w in workers}
            rng = random.Random(args.seed)
            for p in range(passes):
                order = questions[:]
                rng.shuffle(order)
                for k in range(0, len(order), args.chunk):
                    chunk = order[k:k + args.chunk]
                    start = (p + k // args.chunk) % len(workers)
                    for w in workers[start:] + workers[:start]:
                        result = w.call(cmd="ask", items=[[q.id, q.text] for q in chunk])
                        for q, ns in zip(chunk, result["times_ns"]):
                            samples[w.tree.label][q.id].append(ns / 1e6)
                        errors[w.tree.label] += result["errors"]
                print(f"  pass {p + 1}/{passes} done", flush=True)
            stats = {w.tree.label: w.call(cmd="stats") for w in workers}
        finally:
            for w in workers:
                w.close()
        labels = [t.label for t in trees]

    by_id = {q.id: q for q in questions}
    figures, fastest = {}, {}       # all samples; per question the fastest of its passes
    for label in labels:
        for s in sets + ["all"]:
            ms = [x for qid, xs in samples[label].items() if s in ("all", by_id[qid].source) for x in xs]
            figures[(label, s)] = summary(ms)
            if passes > 1:
                best = [min(xs) for qid, xs in samples[label].items() if s in ("all", by_id[qid].source)]
                fastest[(label, s)] = summary(best)

    reference = labels[0]
    for label in labels:
        for s in sets + ["all"]:
            # paired: the same question in the same pass, asked of both trees within one chunk
            ratios = [x / r for qid, xs in samples[label].items() if s in ("all", by_id[qid].source)
                      for x, r in zip(xs, samples[reference][qid])]
            figures[(label, s)]["paired"] = float(np.median(ratios))
    print()
    header = (f"{'code':<34}{'set':<17}{'n':>6}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'mean ms':>9}"
              f"{'max ms':>9}{'p50/ref':>9}{'p99/ref':>9}{'paired':>8}")
    print(header)
    print("-" * len(header))
    for s in sets + ["all"]:
        for label in labels:
            f, ref = figures[(label, s)], figures[(reference, s)]
            ratio = "" if label == reference else (f"{f['p50'] / ref['p50']:>9.2f}{f['p99'] / ref['p99']:>9.2f}"
                                                   f"{f['paired']:>8.2f}")
            print(f"{label[:33]:<34}{s:<17}{f['n']:>6}{f['p50']:>9.2f}{f['p90']:>9.2f}{f['p99']:>9.2f}"
                  f"{f['mean']:>9.2f}{f['max']:>9.2f}{ratio}")
    print(f"(ref = {reference}; a ratio under 1 means faster than the reference; paired: the median over "
          f"questions and passes of this tree's time over the reference's for the same question, asked "
          f"moments apart)")

    if fastest:
        print(f"\nper question, the fastest of its {passes} passes (a pause of the process by a busy machine "
              f"drops out; what the code costs):")
        print(f"{'code':<34}{'set':<17}{'n':>6}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'mean ms':>9}"
              f"{'max ms':>9}{'p50/ref':>9}{'p99/ref':>9}")
        for s in sets + ["all"]:
            for label in labels:
                f, ref = fastest[(label, s)], fastest[(reference, s)]
                ratio = "" if label == reference else f"{f['p50'] / ref['p50']:>9.2f}{f['p99'] / ref['p99']:>9.2f}"
                print(f"{label[:33]:<34}{s:<17}{f['n']:>6}{f['p50']:>9.2f}{f['p90']:>9.2f}{f['p99']:>9.2f}"
                      f"{f['mean']:>9.2f}{f['max']:>9.2f}{ratio}")

    for label in labels:
        slowest = sorted(samples[label].items(), key=lambda kv: -float(np.median(kv[1])))[:10]
        print(f"\n10 slowest questions, {label} (median over passes, ms): "
              + ", ".join(f"{qid} {np.median(xs):.1f}" for qid, xs in slowest))
    for label in labels:
        st = stats[label]
        lru = {name: info for name, info in st["lru"].items() if info["hits"] or info["misses"]}
        if lru:
            print(f"\n{label}: lru_caches used during the run (within questions when cleared): "
                  + "; ".join(f"{n} hits {i['hits']} misses {i['misses']}" for n, i in lru.items()))
        if st["lru_not_cleared"]:
            print(f"{label}: WARNING lru_caches that appeared after loading, not cleared: {st['lru_not_cleared']}")
        if st["memos_with_hits"]:
            print(f"{label}: WARNING memos with hits (a cache left on): {st['memos_with_hits']}")
        if errors[label]:
            print(f"{label}: {len(errors[label])} questions raised: {errors[label][:5]}")
    total_errors = sum(len(e) for e in errors.values())
    load_after = os.getloadavg()
    print("\nload average (1, 5, 15 min) after: %.2f %.2f %.2f on %d CPUs" % (*load_after, os.cpu_count()))

    if args.json:
        Path(args.json).write_text(json.dumps({
            "trees": [{"label": t.label, "path": str(t.path)} for t in trees], "reference": reference,
            "passes": passes, "seed": args.seed, "keep_lru": args.keep_lru, "notes": notes,
            "load_before": load_before, "load_after": load_after,
            "figures": [{"code": label, "set": s, **f} for (label, s), f in figures.items()],
            "fastest_of_passes": [{"code": label, "set": s, **f} for (label, s), f in fastest.items()],
            "samples_ms": samples, "errors": errors, "stats": stats}, indent=1), encoding="utf-8")
        print(f"wrote {args.json}")
    return 1 if total_errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
