"""Jobs of the brain's build (assistant/build_jobs.py): in a forked child when the process runs one
thread, else on a thread; the result, or the job's exception, either way.

The forking cases run in a fresh Python process of their own, single-threaded as a server is when
it builds its brain (this test process may hold threads of other tests).
"""
import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from assistant.build_jobs import BuildJobs

ROOT = Path(__file__).resolve().parents[1]


def run_alone(code: str) -> dict:
    """Run `code` in a new single-threaded Python process; the JSON it prints last."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_job_runs_in_a_child_process_and_gives_its_result_or_its_error():
    found = run_alone("""
        import json, os
        from assistant.build_jobs import BuildJobs

        def where(numbers):
            return {"pid": os.getpid(), "sum": sum(numbers), "nice": os.nice(0)}

        def fails():
            raise ValueError("bad knowledge line 3")

        def dies_in_child(parent):
            if os.getpid() != parent:
                os._exit(3)             # killed before it could send anything
            return "computed here"

        out = {"parent": os.getpid(), "nice": os.nice(0)}
        with BuildJobs() as jobs:
            first, second = jobs.start(where, [1, 2, 3]), jobs.start(where, range(10))
            failing = jobs.start(fails)
            dying = jobs.start(dies_in_child, os.getpid())
            out["first"], out["second"] = first.result(), second.result()
            try:
                failing.result()
            except ValueError as error:
                out["error"] = str(error)
            out["dying"] = dying.result()
            unread = jobs.start(where, [4])          # never asked for: ended and reaped on leaving
        try:
            os.waitpid(-1, os.WNOHANG)
            out["left"] = "a child"
        except ChildProcessError:
            out["left"] = "nothing"
        print(json.dumps(out))
    """)
    assert found["first"]["sum"] == 6 and found["second"]["sum"] == 45
    assert found["first"]["pid"] != found["parent"] and found["second"]["pid"] != found["parent"]
    assert found["first"]["pid"] != found["second"]["pid"]
    assert found["first"]["nice"] > found["nice"]           # a child yields the core to its parent
    assert found["error"] == "bad knowledge line 3"
    assert found["dying"] == "computed here"                # its child sent nothing: run in the parent
    assert found["left"] == "nothing"


def test_with_another_thread_running_a_job_runs_on_a_thread():
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        with BuildJobs() as jobs:
            job = jobs.start(lambda: (os.getpid(), threading.current_thread().name))
            failing = jobs.start(lambda: 1 / 0)
            pid, name = job.result()
            with pytest.raises(ZeroDivisionError):
                failing.result()
    finally:
        stop.set()
    assert pid == os.getpid() and name == "brain-build-job"


def test_the_brain_built_by_child_processes_is_the_one_built_on_threads():
    """The word indexes and the FAQ classifier come back from the children whole: every part of
    the brain equals the one a build on threads makes (the single-process way)."""
    found = run_alone("""
        import json, pickle, threading
        from assistant.knowledge import DEFAULT_KNOWLEDGE_DIR, load_knowledge
        from assistant.brain import Brain

        def same(x, y):
            # by value: a set read back from a pickle may list its members in another order
            if pickle.dumps(x) == pickle.dumps(y):
                return True
            if type(x) is not type(y):
                return False
            if isinstance(x, (list, tuple)):
                return len(x) == len(y) and all(same(a, b) for a, b in zip(x, y))
            if isinstance(x, dict):
                return x.keys() == y.keys() and all(same(x[k], y[k]) for k in x)
            if isinstance(x, (set, frozenset)):
                return x == y
            if hasattr(x, "__dict__"):
                return same(vars(x), vars(y))
            return False

        knowledge = load_knowledge(DEFAULT_KNOWLEDGE_DIR)
        forked = Brain(knowledge)
        stop = threading.Event()
        threading.Thread(target=stop.wait, daemon=True).start()
        threaded = Brain(knowledge)
        stop.set()
        differ = [name for name in vars(threaded)
                  if name not in ("readings", "answers") and not same(getattr(forked, name), getattr(threaded, name))]
        print(json.dumps({"missing": sorted(set(vars(threaded)) - set(vars(forked))), "differ": differ,
                          "forked_fit_here": hasattr(forked.faq_classifier, "model_"),
                          "threaded_fit_here": hasattr(threaded.faq_classifier, "model_")}))
    """)
    assert found["missing"] == [] and found["differ"] == []
    # the forked build's FAQ classifier came through a pickle (which leaves scikit-learn's objects out)
    assert found["forked_fit_here"] is False and found["threaded_fit_here"] is True


def test_no_fork_through_a_replaced_fork(monkeypatch):
    """gevent's worker replaces os.fork (its hub would come along into the child): jobs then run on
    threads, as where other threads run."""
    import assistant.build_jobs as build_jobs
    monkeypatch.setattr(build_jobs.threading, "active_count", lambda: 1)
    assert build_jobs.can_fork() is (hasattr(os, "fork") and sys.platform != "win32")
    monkeypatch.setattr(os, "fork", lambda: pytest.fail("forked through a replaced fork"))
    assert build_jobs.can_fork() is False
    with BuildJobs() as jobs:
        assert jobs.start(os.getpid).result() == os.getpid()
