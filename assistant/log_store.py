"""The conversation log's database: SQLite (stdlib sqlite3, WAL) or PostgreSQL (psycopg 3).

Both speak the same few statements, written once with `?` placeholders. The schema is versioned:
the table `schema_version` holds the version the database is at, `MIGRATIONS` the steps from each
version to the next, and `open()` applies the missing ones in order (each in a transaction) or
refuses a database newer than this code with a message saying so.

>>> store = open_store("sqlite:///:memory:")
>>> store.migrate()
2
>>> store.write([{"turn_id": "t1", "at": 1.0, "conversation": "s1", "message": "hi", "intent": "greet",
...               "confidence": 1.0, "act": None, "filters": {}, "kind": "small_talk", "courses": [],
...               "subjects": [], "reply_text": "Hello", "latency_ms": 2.5, "transport": "ws"}], [], [])
>>> [row["message"] for row in store.turns_since(0)]
['hi']
"""
from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

SCHEMA_VERSION = 2
ADVISORY_LOCK = 150015               # PostgreSQL: one server migrates at a time

# Each step: (version it brings the database to, statements). `{id}` is the dialect's
# auto-numbered key. Never edit a released step: add the next one.
MIGRATIONS = [
    (1, [
        "CREATE TABLE turns (id {id}, turn_id TEXT NOT NULL, at DOUBLE PRECISION NOT NULL, "
        "conversation TEXT NOT NULL, message TEXT NOT NULL, intent TEXT NOT NULL, confidence DOUBLE PRECISION, "
        "act TEXT, filters TEXT NOT NULL, kind TEXT NOT NULL, courses TEXT NOT NULL, subjects TEXT NOT NULL, "
        "reply_text TEXT NOT NULL, latency_ms DOUBLE PRECISION, transport TEXT NOT NULL)",
        "CREATE INDEX turns_at ON turns (at)",
        "CREATE TABLE feedback (turn_id TEXT NOT NULL, conversation TEXT NOT NULL, vote TEXT NOT NULL, "
        "at DOUBLE PRECISION NOT NULL, PRIMARY KEY (turn_id, conversation))",
        "CREATE INDEX feedback_at ON feedback (at)",
    ]),
    (2, [
        "CREATE TABLE course_clicks (id {id}, at DOUBLE PRECISION NOT NULL, conversation TEXT NOT NULL, "
        "turn_id TEXT NOT NULL, course_id TEXT NOT NULL)",
        "CREATE INDEX course_clicks_at ON course_clicks (at)",
    ]),
]
assert MIGRATIONS[-1][0] == SCHEMA_VERSION

TURN_COLUMNS = ("turn_id", "at", "conversation", "message", "intent", "confidence", "act", "filters", "kind",
                "courses", "subjects", "reply_text", "latency_ms", "transport")
JSON_COLUMNS = ("filters", "courses", "subjects")
INSERT_TURN = f"INSERT INTO turns ({', '.join(TURN_COLUMNS)}) VALUES ({', '.join('?' * len(TURN_COLUMNS))})"
UPSERT_VOTE = ("INSERT INTO feedback (turn_id, conversation, vote, at) VALUES (?, ?, ?, ?) "
               "ON CONFLICT (turn_id, conversation) DO UPDATE SET vote = excluded.vote, at = excluded.at")
INSERT_CLICK = "INSERT INTO course_clicks (at, conversation, turn_id, course_id) VALUES (?, ?, ?, ?)"


class StoreError(RuntimeError):
    """The database cannot be used for the log: the message names it and says what to do."""


class Store:
    """Common statements; subclasses connect and say how placeholders and keys are written."""

    dialect = ""
    auto_id = ""
    label = ""

    def __init__(self):
        self._connection = None
        self._lock = threading.Lock()          # one statement sequence at a time per store

    # -- connection
    def connect(self):
        raise NotImplementedError

    def connection(self):
        if self._connection is None:
            self._connection = self.connect()
        return self._connection

    def reset(self):
        """Drop the connection (after an error); the next call reconnects."""
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.close()
            except Exception:           # a broken connection may fail to close; it is gone anyway
                pass

    close = reset

    def forget_connection(self):
        """After a fork: drop the parent's connection without closing it (it is the parent's)."""
        self._connection = None
        self._lock = threading.Lock()

    def sql(self, statement: str) -> str:
        return statement

    def _run(self, work):
        with self._lock:
            connection = self.connection()
            try:
                result = work(connection)
                connection.commit()
                return result
            except BaseException:
                try:
                    connection.rollback()
                except Exception:
                    self.reset()
                raise

    # -- schema
    def version(self, connection) -> int:
        cursor = connection.cursor()
        cursor.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        cursor.execute("SELECT max(version) FROM schema_version")
        row = cursor.fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def lock_for_migration(self, connection):
        """Keep other servers from migrating at the same time (until the transaction ends)."""

    def migrate(self) -> int:
        """Bring the schema to SCHEMA_VERSION; the version it is at. StoreError for a newer one."""
        def work(connection):
            self.lock_for_migration(connection)
            version = self.version(connection)
            if version > SCHEMA_VERSION:
                raise StoreError(f"the conversation log {self.label} has schema version {version}, newer than this "
                                 f"version of course-assistant knows ({SCHEMA_VERSION}): upgrade course-assistant, "
                                 "or point data_dir / database_url elsewhere")
            cursor = connection.cursor()
            for target, statements in MIGRATIONS:
                if target <= version:
                    continue
                for statement in statements:
                    cursor.execute(statement.format(id=self.auto_id))
                cursor.execute("DELETE FROM schema_version")
                cursor.execute(self.sql("INSERT INTO schema_version (version) VALUES (?)"), (target,))
                version = target
            return version
        return self._run(work)

    # -- writing
    def write(self, turns: list, votes: list[tuple], clicks: list[tuple]):
        """One transaction: turns (dicts of TURN_COLUMNS, or tuples in their order with the lists
        as JSON text), votes (turn_id, conversation, vote, at;
        a later vote on the same turn from the same conversation replaces it; the inbox counts only
        votes from the turn's own conversation) and course clicks (at, conversation, turn_id, course_id)."""
        rows = [t if type(t) is tuple else
                tuple(json.dumps(t[c], ensure_ascii=False) if c in JSON_COLUMNS else t[c] for c in TURN_COLUMNS)
                for t in turns]

        def work(connection):
            cursor = connection.cursor()
            if rows:
                cursor.executemany(self.sql(INSERT_TURN), rows)
            if votes:
                cursor.executemany(self.sql(UPSERT_VOTE), votes)
            if clicks:
                cursor.executemany(self.sql(INSERT_CLICK), clicks)
        self._run(work)

    def delete_before(self, cutoff: float) -> int:
        """Delete every row older than `cutoff` (seconds since the epoch); how many turns went."""
        def work(connection):
            cursor = connection.cursor()
            cursor.execute(self.sql("DELETE FROM turns WHERE at < ?"), (cutoff,))
            gone = cursor.rowcount
            cursor.execute(self.sql("DELETE FROM feedback WHERE at < ?"), (cutoff,))
            cursor.execute(self.sql("DELETE FROM course_clicks WHERE at < ?"), (cutoff,))
            return gone
        return self._run(work)

    # -- reading (the inbox and the review command)
    def _select(self, statement: str, params=()) -> list[dict]:
        def work(connection):
            cursor = connection.cursor()
            cursor.execute(self.sql(statement), params)
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row)) for row in cursor.fetchall()]
        return self._run(work)

    def turns_since(self, since: float, limit: int = 200_000) -> list[dict]:
        rows = self._select(f"SELECT {', '.join(TURN_COLUMNS)} FROM turns WHERE at >= ? ORDER BY at LIMIT ?",
                            (since, limit))
        for row in rows:
            for column in JSON_COLUMNS:
                row[column] = json.loads(row[column])
        return rows

    def votes_since(self, since: float) -> list[dict]:
        return self._select("SELECT turn_id, conversation, vote, at FROM feedback WHERE at >= ? ORDER BY at", (since,))

    def clicks_since(self, since: float) -> list[dict]:
        return self._select("SELECT at, conversation, turn_id, course_id FROM course_clicks WHERE at >= ? "
                            "ORDER BY at", (since,))


class SQLiteStore(Store):
    dialect = "sqlite"
    auto_id = "INTEGER PRIMARY KEY"      # the rowid: no AUTOINCREMENT bookkeeping per insert

    def __init__(self, path: str | Path, busy_timeout: float = 2.0):
        super().__init__()
        self.path = str(path)
        self.label = "file " + self.path
        self.busy_timeout = busy_timeout

    def connect(self):
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=self.busy_timeout, check_same_thread=False,
                                     isolation_level="DEFERRED")
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.DatabaseError:
            connection.close()
            raise
        return connection

    def migrate(self) -> int:
        try:
            return super().migrate()
        except sqlite3.DatabaseError as error:
            if isinstance(error, sqlite3.OperationalError) and "locked" in str(error):
                raise
            self.reset()
            raise StoreError(f"the conversation log {self.path} is not a usable SQLite database ({error}); move it "
                             "away to start a new log, or set log_optional = true to run without a log") from None


class PostgresStore(Store):
    dialect = "postgresql"
    auto_id = "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"

    def __init__(self, url: str, connect_timeout: float = 3.0):
        super().__init__()
        try:
            import psycopg                          # noqa: F401  (only needed for PostgreSQL)
        except ImportError:
            raise StoreError("database_url names a PostgreSQL database, but psycopg is not installed: "
                             "pip install 'course-assistant[postgres]'") from None
        self.url = url
        self.label = "database " + redact_url(url)
        self.connect_timeout = connect_timeout

    def connect(self):
        import psycopg
        return psycopg.connect(self.url, connect_timeout=max(1, int(self.connect_timeout)),
                               application_name="course-assistant")

    def sql(self, statement: str) -> str:
        return statement.replace("?", "%s")

    def lock_for_migration(self, connection):
        connection.cursor().execute(f"SELECT pg_advisory_xact_lock({ADVISORY_LOCK})")


def redact_url(url: str) -> str:
    """The URL without its password, for messages."""
    from urllib.parse import urlsplit, urlunsplit
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(":" + parts.password + "@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def default_data_dir() -> Path:
    """The user's data folder: $XDG_DATA_HOME/course-assistant, else ~/.local/share/course-assistant."""
    import os
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "course-assistant"


def log_location(settings: dict) -> str:
    """The database the settings name: database_url, else data_dir's conversations.sqlite3."""
    if settings.get("database_url"):
        return settings["database_url"]
    data_dir = Path(settings.get("data_dir") or default_data_dir()).expanduser()
    return "sqlite:///" + str(data_dir / "conversations.sqlite3")


def open_store(location: str) -> Store:
    """A store for `sqlite:///PATH` (or a plain path) or `postgresql://...` (also `postgres://`)."""
    if location.startswith(("postgresql://", "postgres://")):
        return PostgresStore(location)
    if location.startswith("sqlite:///"):
        location = location[len("sqlite:///"):]
    elif "://" in location:
        raise StoreError(f"database_url {redact_url(location)!r}: use postgresql://... (or leave it empty for SQLite "
                         "in data_dir)")
    return SQLiteStore(location)
