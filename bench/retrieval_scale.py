"""TfidfRetriever at catalog scale (real, 50k, 200k documents) against bm25s and rank_bm25.

Competitors are not project dependencies; install them for this benchmark only:
    pip install bm25s rank_bm25
Run from the project root:  python bench/retrieval_scale.py [--sizes 50000,200000] [--queries 200]

The catalog (knowledge/catalog/courses.jsonl) is grown by copying the real courses with varied
titles (a word replaced and/or a word inserted, drawn from the catalog's own title vocabulary, plus
an edition number) and varied skills (shuffled, one replaced from the catalog's skill vocabulary,
sometimes one added), so no two copies are the same document. Every engine indexes the same
documents and answers the same fixed queries (seeded), tokenized with the project's tokenizer
(assistant.textnorm.tokenize), top 10:
  - ours: TfidfRetriever over fields title/skills/topics with weights 3/1.5/1.5;
  - bm25s (method "lucene", k1=1.5, b=0.75) and rank_bm25 (BM25Okapi) over title + skills + topics.
bm25s is timed two ways on the same index: its public retrieve(k=10), whose numpy top-k selection
(argpartition over every document's score, mostly zeros) dominates its time here, and
get_scores() followed by the same argpartition top 10 that rank_bm25's row uses.
Build time includes tokenization. Memory: tracemalloc peak while building (a separate build, since
tracemalloc slows allocation), and the bytes of the index's numpy arrays. Query latency includes
query tokenization and top-10 selection. rank_bm25 scores every document in Python for each
query term, so at the larger sizes it is measured on fewer queries (shown in the n column).
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import random
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from assistant.retriever import TfidfRetriever  # noqa: E402
from assistant.textnorm import tokenize  # noqa: E402

CATALOG = ROOT / "knowledge" / "catalog" / "courses.jsonl"
WEIGHTS = {"title": 3.0, "skills": 1.5, "topics": 1.5}
FIXED_QUERIES = [
    "python", "machine learning", "data science for beginners", "excel", "deep learning pytorch",
    "sql", "javascript", "web development", "statistics", "project management", "digital marketing",
    "finance", "cloud computing", "cybersecurity", "data analysis with python", "neural networks",
    "react", "java programming", "linear algebra", "business analytics", "public speaking",
    "graphic design", "leadership", "blockchain", "tableau dashboards", "r programming",
    "natural language processing", "computer vision", "aws", "agile scrum",
]
RANK_BM25_MAX_QUERIES = {50_000: 100, 200_000: 20}


# ---------------------------------------------------------------------------------------------
# corpus

def load_catalog():
    rows = [json.loads(line) for line in CATALOG.open(encoding="utf-8") if line.strip()]
    return ([r["title"] for r in rows], [list(r.get("skills") or []) for r in rows],
            [list(r.get("topics") or []) for r in rows])


def grow(titles, skills, topics, size: int, seed: int = 7):
    """`size` documents: the real ones first, then varied copies."""
    rng = random.Random(seed)
    title_vocab = sorted({w for t in titles for w in t.split() if len(w) >= 3 and w.isalpha()})
    skill_vocab = sorted({s for ss in skills for s in ss})
    out_t, out_s, out_p = list(titles[:size]), [list(s) for s in skills[:size]], [list(p) for p in topics[:size]]
    n = len(titles)
    copy = 0
    while len(out_t) < size:
        copy += 1
        for i in range(n):
            if len(out_t) >= size:
                break
            words = titles[i].split()
            if words and rng.random() < 0.7:
                words[rng.randrange(len(words))] = rng.choice(title_vocab)
            if rng.random() < 0.7:
                words.insert(rng.randrange(len(words) + 1), rng.choice(title_vocab))
            words.append(str(copy + 1))
            sk = list(skills[i])
            rng.shuffle(sk)
            if sk and rng.random() < 0.6:
                sk[rng.randrange(len(sk))] = rng.choice(skill_vocab)
            if rng.random() < 0.4:
                sk.append(rng.choice(skill_vocab))
            out_t.append(" ".join(words))
            out_s.append(sk)
            out_p.append(list(topics[i]))
    return out_t, out_s, out_p


def make_queries(titles, skills, count: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    vocab = sorted({w.lower() for t in titles for w in t.split() if len(w) >= 4 and w.isalpha()}
                   | {w.lower() for ss in skills for s in ss for w in s.split() if len(w) >= 4 and w.isalpha()})
    queries = list(FIXED_QUERIES[:count])
    while len(queries) < count:
        words = 2 if len(queries) % 2 == 0 else 4
        queries.append(" ".join(rng.sample(vocab, words)))
    return queries


# ---------------------------------------------------------------------------------------------
# engines: each has build(fields) -> index, search(index, query) -> [doc ids], arrays(index)

def ours_build(titles, skills, topics):
    return TfidfRetriever({"title": titles, "skills": [" ".join(s) for s in skills],
                           "topics": [" ".join(p) for p in topics]}, WEIGHTS)


def ours_search(index, query):
    return [d for d, _ in index.search(query, k=10)]


def ours_arrays(index) -> int:
    return sum(a.nbytes for a in (index._indptr, index._indices, index._data, index.idf_))


def combined_tokens(titles, skills, topics):
    return [tokenize(f"{t} {' '.join(s)} {' '.join(p)}") for t, s, p in zip(titles, skills, topics)]


def bm25s_build(titles, skills, topics):
    import bm25s
    retriever = bm25s.BM25(method="lucene", k1=1.5, b=0.75)
    retriever.index(combined_tokens(titles, skills, topics), show_progress=False)
    return retriever


def bm25s_search(index, query):
    vocab = index.vocab_dict
    tokens = [t for t in tokenize(query) if t in vocab]
    if not tokens:
        return []
    docs, _ = index.retrieve([tokens], k=min(10, index.scores["num_docs"]), show_progress=False, n_threads=0)
    return docs[0].tolist()


def bm25s_scores_search(index, query):
    """bm25s.get_scores, then our own argpartition top 10 (bm25s's retrieve selects over all documents)."""
    vocab = index.vocab_dict
    tokens = [t for t in tokenize(query) if t in vocab]
    if not tokens:
        return []
    scores = index.get_scores(tokens)
    top = np.argpartition(-scores, 9)[:10]
    return top[np.argsort(-scores[top])].tolist()


def bm25s_arrays(index) -> int:
    return sum(v.nbytes for v in index.scores.values() if isinstance(v, np.ndarray))


def rank_build(titles, skills, topics):
    from rank_bm25 import BM25Okapi
    return BM25Okapi(combined_tokens(titles, skills, topics))


def rank_search(index, query):
    scores = index.get_scores(tokenize(query))
    top = np.argpartition(-scores, 9)[:10]
    return top[np.argsort(-scores[top])].tolist()


ENGINES = {
    "ours (TfidfRetriever)": (ours_build, {"ours (TfidfRetriever)": ours_search}, ours_arrays, "assistant"),
    "bm25s": (bm25s_build, {"bm25s retrieve": bm25s_search, "bm25s get_scores+top10": bm25s_scores_search},
              bm25s_arrays, "bm25s"),
    "rank_bm25 (BM25Okapi)": (rank_build, {"rank_bm25 (BM25Okapi)": rank_search}, None, "rank_bm25"),
}


def available(module: str) -> bool:
    try:
        __import__(module)
        return True
    except ImportError:
        return False


def measure(name, corpus, queries, size):
    """One row per search variant of engine `name`: build time, memory, query latency."""
    build, searches, arrays, _ = ENGINES[name]
    gc.collect()
    t0 = time.perf_counter()
    index = build(*corpus)
    build_s = time.perf_counter() - t0
    array_bytes = arrays(index) if arrays else None

    n_queries = len(queries)
    if name.startswith("rank_bm25"):
        n_queries = min(n_queries, min((v for k, v in RANK_BM25_MAX_QUERIES.items() if size >= k), default=n_queries))
    qs = queries[:n_queries]
    latencies = {}
    for label, search in searches.items():
        for q in qs[:5]:
            search(index, q)                                 # warm-up
        times = []
        for q in qs:
            t = time.perf_counter()
            search(index, q)
            times.append((time.perf_counter() - t) * 1000)
        latencies[label] = np.asarray(times)
    del index
    gc.collect()

    peak = None
    if not name.startswith("rank_bm25"):
        tracemalloc.start()
        index = build(*corpus)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        del index
        gc.collect()
    return [(label, {"build_s": build_s, "peak": peak, "arrays": array_bytes, "n": len(a),
                     "p50": float(np.percentile(a, 50)), "p99": float(np.percentile(a, 99))})
            for label, a in latencies.items()]


def mb(value) -> str:
    return "n/a" if value is None else f"{value / 1e6:.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50000,200000", help="catalog sizes besides the real catalog")
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()

    titles, skills, topics = load_catalog()
    sizes = [len(titles)] + [int(s) for s in args.sizes.split(",")]
    queries = make_queries(titles, skills, args.queries)
    engines = []
    for name, (*_, module) in ENGINES.items():
        if available(module):
            engines.append(name)
        else:
            print(f"SKIPPED {name}: `import {module}` failed; pip install bm25s rank_bm25")
    print(f"real catalog: {len(titles)} courses; {len(queries)} queries "
          f"({len(FIXED_QUERIES)} fixed topics, then alternating 2- and 4-word queries from the catalog's vocabulary)")

    for name in engines:                                     # untimed: imports and first-call costs
        ENGINES[name][0](titles[:500], skills[:500], topics[:500])

    rows = []
    for size in sizes:
        t0 = time.perf_counter()
        corpus = grow(titles, skills, topics, size)
        distinct = len(set(zip(corpus[0], map(tuple, corpus[1]))))
        print(f"\n{size} documents ({distinct} distinct title+skills), generated in {time.perf_counter() - t0:.1f} s",
              flush=True)
        for engine in engines:
            for name, r in measure(engine, corpus, queries, size):
                rows.append((size, name, r))
                print(f"  {name:<24} build {r['build_s']:6.2f} s   p50 {r['p50']:8.3f} ms   p99 {r['p99']:8.3f} ms"
                      f"   (n={r['n']})", flush=True)
        del corpus
        gc.collect()

    print()
    header = (f"{'docs':>8}  {'engine':<24}{'build s':>9}{'peak MB':>9}{'arrays MB':>11}"
              f"{'n':>5}{'p50 ms':>10}{'p99 ms':>10}")
    print(header)
    print("-" * len(header))
    for size, name, r in rows:
        print(f"{size:>8}  {name:<24}{r['build_s']:>9.2f}{mb(r['peak']):>9}{mb(r['arrays']):>11}"
              f"{r['n']:>5}{r['p50']:>10.3f}{r['p99']:>10.3f}")
    print("peak MB = tracemalloc peak during a build; arrays MB = the index's numpy arrays "
          "(n/a: rank_bm25 keeps Python dicts)")

    if "bm25s" in engines:
        print()
        print(f"{'docs':>8}{'ours p50 / bm25s retrieve p50':>32}{'ours p50 / bm25s get_scores+top10 p50':>40}")
        for size in sizes:
            by = {name: r for s, name, r in rows if s == size}
            ours = by["ours (TfidfRetriever)"]["p50"]
            a, b = ours / by["bm25s retrieve"]["p50"], ours / by["bm25s get_scores+top10"]["p50"]
            print(f"{size:>8}{a:>20.4f} (1/{1 / a:.0f}){b:>28.4f} (1/{1 / b:.0f})")
    return 0


if __name__ == "__main__":
    status = main()
    print("load average (1, 5, 15 min) at the end: %.2f %.2f %.2f on %d CPUs"
          % (*os.getloadavg(), os.cpu_count()))
    raise SystemExit(status)
