"""Parts of the brain's build that run alongside the rest of it, on the machine's other cores.

A job is a function and its arguments whose result is a plain, picklable value (a fitted intent
classifier). Most of building is Python, which one process runs on one core at a time (the GIL),
so a job runs in a forked child process that writes its result, pickled, into an unnamed temporary
file the parent reads when it needs the value (through a pipe, a child with megabytes to send would
wait, 64 KB at a time, for the parent to read, and so hold its finish until then); the child starts
with everything the parent has imported and built so far, so it pays for no import.

Forking is only safe while this process runs a single thread (a lock another thread holds at the
fork stays held in the child forever) and with the system's own fork: a server builds its brain
before it starts any thread, so it forks; elsewhere (a test process full of server threads, a
gevent worker whose fork is gevent's), or where there is no fork, a job runs on a thread of this
process, which still overlaps the parts of a fit that release the GIL.
A child that fails to send a result (killed, out of memory) costs nothing but time: the job is
then run here. An exception in the job is raised by `result()`, as it would be without a child.
"""
from __future__ import annotations

import os
import pickle
import tempfile
import threading
from concurrent.futures import Future


# A child yields the core to the parent when they compete: the parent's own part of the build is
# the longest (it waits for the jobs only at its end), so it must not be slowed down by them.
NICENESS = 10


def can_fork() -> bool:
    """Whether forking is safe here: the system's own fork (not one a library replaced, such as
    gevent's under gunicorn's gevent worker, whose hub the child would share), and a single thread."""
    try:
        import posix
    except ImportError:                           # no fork on this system
        return False
    return getattr(os, "fork", None) is getattr(posix, "fork", None) and threading.active_count() == 1


class BuildJobs:
    """Start jobs with `start(function, *args)`; `result()` on what it returns waits for the value.
    Used as a context manager: leaving it ends and reaps any child whose result was not taken."""

    def __init__(self):
        self._jobs: list[_Job] = []

    def forking(self) -> bool:
        """Whether the next job would start in a child process (else on a thread)."""
        return can_fork()

    def start(self, function, *args) -> "_Job":
        job = None
        if can_fork():
            try:
                job = _ChildJob(function, args)
            except OSError:                       # no memory or descriptors for a child: a thread then
                job = None
        job = job or _ThreadJob(function, args)
        self._jobs.append(job)
        return job

    def __enter__(self) -> "BuildJobs":
        return self

    def __exit__(self, *exc) -> None:
        for job in self._jobs:
            job.close()


class _Job:
    def result(self):
        raise NotImplementedError

    def close(self) -> None:
        pass


class _ThreadJob(_Job):
    def __init__(self, function, args):
        self._future: Future = Future()
        self._thread = threading.Thread(target=self._run, args=(function, args), name="brain-build-job", daemon=True)
        self._thread.start()

    def _run(self, function, args) -> None:
        try:
            self._future.set_result(function(*args))
        except BaseException as error:  # noqa: BLE001 - handed to result()
            self._future.set_exception(error)

    def result(self):
        return self._future.result()

    def close(self) -> None:
        self._thread.join()


class _ChildJob(_Job):
    def __init__(self, function, args):
        self._function, self._args = function, args
        self._file = tempfile.TemporaryFile()
        try:
            self._pid = os.fork()
        except OSError:
            self._file.close()
            raise
        if self._pid == 0:                       # the child: compute, write, leave without cleanup
            try:
                os.nice(NICENESS)
                try:
                    payload = pickle.dumps((True, function(*args)), protocol=pickle.HIGHEST_PROTOCOL)
                except BaseException as error:  # noqa: BLE001 - sent to the parent
                    payload = pickle.dumps((False, error), protocol=pickle.HIGHEST_PROTOCOL)
                self._file.write(payload)
                self._file.flush()
            finally:
                os._exit(0)
        self._done = False
        self._value = None

    def result(self):
        if not self._done:
            self._reap()                          # the child has written all it will
            self._done = True
            try:
                self._file.seek(0)
                payload = self._file.read()
                self._value = pickle.loads(payload) if payload else None
            except Exception:                     # noqa: BLE001 - a result that cannot be read
                self._value = None
            self._file.close()
        if self._value is None:                  # the child sent nothing usable: run the job here
            self._value = (True, self._function(*self._args))
        ok, value = self._value
        if not ok:
            raise value
        return value

    def _reap(self) -> None:
        if self._pid:
            try:
                os.waitpid(self._pid, 0)
            except ChildProcessError:
                pass
            self._pid = 0

    def close(self) -> None:
        if not self._done and self._pid:         # result never taken (the build failed): stop the child
            try:
                os.kill(self._pid, 9)
            except ProcessLookupError:
                pass
        self._reap()
        self._file.close()
