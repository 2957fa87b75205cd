"""A cache of the built Brain, so a restart on unchanged knowledge starts in a fraction of the time.

The cache file's name is a fingerprint of every knowledge file and of the assistant's own code:
any edit makes a new fingerprint, so the knowledge is loaded, validated and indexed afresh. An
unreadable cache is rebuilt; a cache that cannot be written is skipped. A freshly built Brain is
written by a process or a thread of its own, so a first start answers without waiting for it. The cache is pickled, so
it lives in a folder only this server's user writes (`cache_dir` setting; by default the user's
cache folder, ~/.cache/course-assistant on Linux: assistant/paths.py).
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
import threading
from pathlib import Path

from assistant.brain import Brain
from assistant.build_jobs import can_fork
from assistant.knowledge import DEFAULT_KNOWLEDGE_DIR, load_knowledge
from assistant.paths import user_cache_dir

DEFAULT_CACHE_DIR = user_cache_dir()
_CODE_DIR = Path(__file__).resolve().parent


def fingerprint(knowledge_dir: Path) -> str:
    digest = hashlib.sha256(sys.version.encode())
    for folder in (_CODE_DIR, knowledge_dir):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in (".py", ".md", ".yaml", ".yml", ".jsonl"):
                digest.update(str(path.relative_to(folder)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:24]


def load_brain(knowledge_dir: str | Path | None = None, cache_dir: str | Path | None = None) -> Brain:
    """The Brain for this knowledge: from the cache when it is current, else built (and cached)."""
    knowledge_dir = Path(knowledge_dir) if knowledge_dir else DEFAULT_KNOWLEDGE_DIR
    if cache_dir == "off":
        return Brain(load_knowledge(knowledge_dir))
    cache = Path(cache_dir) if cache_dir else DEFAULT_CACHE_DIR
    if not knowledge_dir.is_dir():
        return Brain(load_knowledge(knowledge_dir))      # raises the clear error
    path = cache / f"brain-{fingerprint(knowledge_dir)}.pickle"
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        pass
    brain = Brain(load_knowledge(knowledge_dir))
    _save_meanwhile(brain, knowledge_dir, cache)
    return brain


def _save_meanwhile(brain: Brain, knowledge_dir: Path, cache: Path) -> None:
    """Write the cache while the server starts answering. Pickling 19 MB takes a fifth of a second
    and holds the GIL all along, so it is done by a forked child process when this process runs a
    single thread (as a server does while it starts: see assistant/build_jobs.py), which leaves
    this one free to start serving; else by a thread. Neither is waited for, and neither dies with a
    short-lived process (`course-assistant ask`): the child outlives it, the thread is no daemon.
    The Brain's memos pickle as empty ones (assistant/memo.py), so answering meanwhile changes
    nothing that is written."""
    if can_fork():
        try:
            pid = os.fork()
        except OSError:                                   # no memory for a child: a thread then
            pid = None
        if pid == 0:
            try:
                _save_quietly(brain, knowledge_dir, cache)
            finally:
                os._exit(0)
        if pid is not None:
            threading.Thread(target=_reap, args=(pid,), name="brain-cache-reaper", daemon=True).start()
            return
    threading.Thread(target=_save_quietly, args=(brain, knowledge_dir, cache), name="brain-cache-writer").start()


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:                             # reaped already (gunicorn's master reaps every child)
        pass


def _save_quietly(brain: Brain, knowledge_dir: Path, cache: Path) -> None:
    try:
        save_brain(brain, knowledge_dir, cache)
    except OSError:
        pass                                              # a read-only install still runs


def save_brain(brain: Brain, knowledge_dir: str | Path | None = None, cache_dir: str | Path | None = None) -> Path:
    """Write `brain` as the cache for this knowledge and code (replacing older caches); its path.
    Raises OSError when the folder cannot be written."""
    knowledge_dir = Path(knowledge_dir) if knowledge_dir else DEFAULT_KNOWLEDGE_DIR
    cache = Path(cache_dir) if cache_dir else DEFAULT_CACHE_DIR
    path = cache / f"brain-{fingerprint(knowledge_dir)}.pickle"
    cache.mkdir(parents=True, exist_ok=True)
    for old in cache.glob("brain-*.pickle"):
        old.unlink(missing_ok=True)
    handle, temporary = tempfile.mkstemp(dir=cache, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            pickle.dump(brain, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return path
