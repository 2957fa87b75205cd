"""Helpers for the conversation-log tests: a private PostgreSQL server (Debian's postgresql
package) started and stopped by the tests, and readers of the log's rows in either database.

    with PostgresCluster() as cluster:          # initdb in a temp folder, pg_ctl start on a free port
        url = cluster.new_database("t1")         # postgresql://... of a fresh database

Without Debian's PostgreSQL binaries or psycopg, `postgres_missing()` says what is missing:
tests skip with that reason locally and fail under CI (the CI environment variable).
"""
from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

from conftest import free_port


def postgres_bin() -> Path | None:
    """The newest /usr/lib/postgresql/<version>/bin holding initdb and pg_ctl."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[4]))
    return Path(found[-1]).parent if found else None


def postgres_missing() -> str | None:
    if postgres_bin() is None:
        return "PostgreSQL server binaries (apt-get install postgresql)"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg (pip install 'psycopg[binary]')"
    return None


class PostgresCluster:
    """A throw-away PostgreSQL server on 127.0.0.1:<free port>, trust authentication."""

    def __init__(self):
        self.bin = postgres_bin()
        self.folder = Path(tempfile.mkdtemp(prefix="course-assistant-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.as_root = os.geteuid() == 0

    def _run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        if self.as_root:       # PostgreSQL refuses to run as root: run it as the postgres user
            command = ("runuser", "-u", "postgres", "--", *command)
        return subprocess.run(command, capture_output=True, text=True, check=check, timeout=120)

    def start(self) -> "PostgresCluster":
        if self.as_root:
            shutil.chown(self.folder, "postgres", "postgres")
        if not self.data.exists():
            self._run(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
                      "--no-sync", "-E", "UTF8")
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "server.log"), "-w",
                  "-o", f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start")
        return self

    def stop(self):
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def new_database(self, name: str) -> str:
        import psycopg
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


def read_rows(location: str, table: str, order: str = "at") -> list[dict]:
    """Every row of a log table, straight from the database (not through the project's code)."""
    if location.startswith("postgresql://"):
        import psycopg
        from psycopg.rows import dict_row
        with psycopg.connect(location, row_factory=dict_row) as connection:
            return list(connection.execute(f"SELECT * FROM {table} ORDER BY {order}"))
    connection = sqlite3.connect(location)
    connection.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in connection.execute(f"SELECT * FROM {table} ORDER BY {order}")]
    finally:
        connection.close()


def wait_for_rows(location: str, table: str, count: int, timeout: float = 15, until=None) -> list[dict]:
    """The table's rows once it has at least `count` (the writer batches off the reply path), and
    `until(rows)` holds when given (a vote changed after its first write is written again later)."""
    deadline = time.monotonic() + timeout
    rows: list[dict] = []
    while time.monotonic() < deadline:
        try:
            rows = read_rows(location, table)
        except Exception:           # not created yet, or the server is still migrating
            rows = []
        if len(rows) >= count and (until is None or until(rows)):
            return rows
        time.sleep(0.1)
    raise AssertionError(f"{table} has {len(rows)} rows after {timeout}s, expected {count}"
                         f"{' and the condition' if until else ''}: {rows[-3:]}")


def wait_for_messages(location: str, messages: list[str], timeout: float = 15) -> list[dict]:
    """The turns once every one of `messages` has been logged."""
    deadline = time.monotonic() + timeout
    rows: list[dict] = []
    while time.monotonic() < deadline:
        try:
            rows = read_rows(location, "turns")
        except Exception:
            rows = []
        if set(messages) <= {row["message"] for row in rows}:
            return rows
        time.sleep(0.1)
    raise AssertionError(f"not all of {messages} logged after {timeout}s: {[r['message'] for r in rows][-5:]}")
