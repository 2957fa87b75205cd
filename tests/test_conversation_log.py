"""The conversation log for real: conversations with the real server over the websocket and HTTP,
then the rows in the database, SQLite (the default) and PostgreSQL (a server these tests start);
votes and course clicks; privacy; failures of the database that never break a reply; start-up
with a corrupted file; migrations and retention; the review command."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, ask, connect_ws, post_json, receive, running_server, server_environment
from log_support import PostgresCluster, postgres_missing, read_rows, wait_for_rows

from assistant.log_store import MIGRATIONS, SCHEMA_VERSION, SQLiteStore, StoreError, open_store
from assistant.turn_log import TurnLog

EMAIL_QUESTION = "I'm ana.perez@example.org, can you mail me the best python course for beginners?"
PHONE_QUESTION = "call me on +1 415 555 0134 about data science courses"
REFUSED = "how do I bake sourdough bread"


@pytest.fixture(scope="module")
def pg_cluster():
    missing = postgres_missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the PostgreSQL tests, but {missing} is missing", pytrace=False)
        pytest.skip(f"PostgreSQL tests need {missing}")
    with PostgresCluster() as cluster:
        yield cluster


@pytest.fixture(params=["sqlite", "postgresql"])
def log_db(request, tmp_path):
    """(settings naming the log's database, the location to read rows from) for each backend."""
    if request.param == "sqlite":
        return {"data_dir": str(tmp_path)}, str(tmp_path / "conversations.sqlite3")
    cluster = request.getfixturevalue("pg_cluster")
    url = cluster.new_database(request.node.name.split("[")[0][:40].lower())
    return {"database_url": url}, url


def vote(ws, turn_id, value, frame_id="v1") -> dict:
    ws.send(json.dumps({"type": "feedback", "id": frame_id, "turn_id": turn_id, "vote": value}))
    return receive(ws)


def test_a_websocket_conversation_is_logged_turn_by_turn_with_votes_and_clicks(log_db):
    settings, location = log_db
    with running_server(settings) as url:
        ws, welcome = connect_ws(url)
        try:
            first = ask(ws, EMAIL_QUESTION, "c1")
            free = ask(ws, "only free ones", "c2")
            refused = ask(ws, REFUSED, "c3")
            phoned = ask(ws, PHONE_QUESTION, "c4")
            turn_ids = [frame["turn_id"] for frame in (first, free, refused, phoned)]
            assert len(set(turn_ids)) == 4 and all(isinstance(t, str) and t for t in turn_ids)
            assert vote(ws, turn_ids[0], "up") == {"type": "noted", "in_reply_to": "v1", "of": "feedback",
                                                   "logged": True}
            vote(ws, turn_ids[0], "down", "v2")                  # changed: one vote per reply, the last
            vote(ws, turn_ids[2], "down", "v3")
            course = first["reply"]["courses"][0]["id"]
            ws.send(json.dumps({"type": "course_click", "id": "k1", "turn_id": turn_ids[0], "course_id": course}))
            assert receive(ws)["type"] == "noted"
            assert ask(ws, "thanks", "c5")["type"] == "reply"    # the connection goes on as before
        finally:
            ws.close()
        turns = wait_for_rows(location, "turns", 5)
        votes = wait_for_rows(location, "feedback", 2)
        clicks = wait_for_rows(location, "course_clicks", 1)
        log = url.read_log()
    by_id = {row["turn_id"]: row for row in turns}
    assert set(turn_ids) <= set(by_id)
    assert all(row["conversation"] == welcome["session_id"] for row in turns)
    row = by_id[turn_ids[0]]
    assert "ana.perez@example.org" not in row["message"] and "[email]" in row["message"]
    assert row["intent"] == "recommend" and row["kind"] == "courses" and row["transport"] == "ws"
    assert json.loads(row["courses"]) == [c["id"] for c in first["reply"]["courses"]]
    assert "python" in json.loads(row["subjects"]) and row["latency_ms"] > 0
    assert json.loads(by_id[turn_ids[1]]["filters"]).get("free") is True
    assert by_id[turn_ids[2]]["kind"] == "refused" and by_id[turn_ids[2]]["message"] == REFUSED
    assert "415" not in by_id[turn_ids[3]]["message"] and "[phone]" in by_id[turn_ids[3]]["message"]
    assert {(v["turn_id"], v["vote"]) for v in votes} == {(turn_ids[0], "down"), (turn_ids[2], "down")}
    assert [(c["turn_id"], c["course_id"]) for c in clicks] == [(turn_ids[0], course)]
    columns = set(turns[0])
    assert not {"ip", "address", "remote_addr", "user_agent"} & columns
    assert "127.0.0.1" not in json.dumps(turns + votes + clicks, default=str)
    assert "Traceback" not in log


def test_http_turns_and_feedback_are_logged_and_bad_feedback_gets_a_clear_error(log_db):
    settings, location = log_db
    with running_server(settings) as url:
        status, body, _ = post_json(url + "/api/chat", {"message": "compare data science courses"})
        assert status == 200 and body["turn_id"]
        session, turn = body["session_id"], body["turn_id"]
        status, noted, _ = post_json(url + "/api/feedback", {"session_id": session, "turn_id": turn, "vote": "up"})
        assert (status, noted) == (200, {"noted": "feedback", "logged": True})
        for bad, code in (({"session_id": session, "turn_id": turn, "vote": "meh"}, "bad_vote"),
                          ({"session_id": session, "vote": "up"}, "bad_turn"),
                          ({"turn_id": turn, "vote": "up"}, "bad_session")):
            status, error, _ = post_json(url + "/api/feedback", bad)
            assert status == 400 and error["error"]["code"] == code, error
        status, error, _ = post_json(url + "/api/course_click", {"session_id": session, "turn_id": turn})
        assert status == 400 and error["error"]["code"] == "bad_course"
        # Someone else's conversation cannot change this vote (its own is kept apart, and not counted).
        post_json(url + "/api/feedback", {"session_id": "someone-else", "turn_id": turn, "vote": "down"})
        turns = wait_for_rows(location, "turns", 1)
        votes = wait_for_rows(location, "feedback", 2)
    assert turns[0]["transport"] == "http" and turns[0]["turn_id"] == turn
    assert {(v["turn_id"], v["vote"], v["conversation"]) for v in votes} == {(turn, "up", session),
                                                                             (turn, "down", "someone-else")}


def test_the_review_command_reads_the_same_database_and_groups_unanswered_questions(log_db):
    settings, location = log_db
    questions = ["photoshop tutorials?", "any photoshop course", "Photoshop classes for beginners please",
                 "what's the weather in Paris", "how do I bake sourdough bread", "how to bake bread at home"]
    with running_server(settings) as url:
        for question in questions:
            post_json(url + "/api/chat", {"message": question})
        wait_for_rows(location, "turns", len(questions))
    env = server_environment(settings)
    result = subprocess.run([sys.executable, "-m", "assistant", "review", "--since", "1d", "--json"], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    review = json.loads(result.stdout)
    assert review["messages"] == len(questions)
    groups = review["groups"]
    assert [g["count"] for g in groups] == sorted((g["count"] for g in groups), reverse=True)
    bread = [g for g in groups if "bread" in g["example"].lower()]
    assert len(bread) == 1 and bread[0]["count"] == 2 and bread[0]["example_reply"]
    text = subprocess.run([sys.executable, "-m", "assistant", "review", "--since", "7d"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert text.returncode == 0 and f"{len(questions)} messages" in text.stdout and "bread" in text.stdout


def test_with_logging_off_nothing_is_kept_and_replies_carry_no_turn_id(tmp_path):
    with running_server({"data_dir": str(tmp_path), "log_conversations": "false"}) as url:
        ws, _ = connect_ws(url)
        try:
            frame = ask(ws, "best python course", "c1")
            assert "turn_id" not in frame and frame["reply"]["courses"]
            assert vote(ws, "abc", "up")["logged"] is False
        finally:
            ws.close()
        status, body, _ = post_json(url + "/api/chat", {"message": "best python course"})
        assert status == 200 and "turn_id" not in body
        page = urlopen_text(url + "/")
    assert not list(tmp_path.iterdir())
    assert "keeps no log of conversations" in page


def test_the_demo_page_says_what_is_kept(server):
    page = urlopen_text(server + "/")
    assert "30 days" in page and "masked" in page and "IP address" in page


def urlopen_text(url: str) -> str:
    import urllib.request
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode()


# ---------------------------------------------------------------- a failing database

def test_a_locked_sqlite_database_never_delays_a_reply_and_writing_resumes(tmp_path):
    path = tmp_path / "conversations.sqlite3"
    with running_server({"data_dir": str(tmp_path)}) as url:
        ws, _ = connect_ws(url)
        try:
            ask(ws, "best python course", "c0")
            wait_for_rows(str(path), "turns", 1)
            blocker = sqlite3.connect(path, isolation_level=None)
            blocker.execute("BEGIN EXCLUSIVE")                  # nobody else may write (or read) now
            slowest = 0.0
            for n in range(6):
                started = time.perf_counter()
                frame = ask(ws, f"free machine learning course number {n}", f"c{n + 1}")
                slowest = max(slowest, time.perf_counter() - started)
                assert frame["type"] == "reply" and frame["turn_id"]
                time.sleep(0.3)
            time.sleep(2.5)                                     # the writer's 2 s busy timeout runs out
            blocker.execute("ROLLBACK")
            blocker.close()
            rows = wait_for_rows(str(path), "turns", 7, timeout=20)
        finally:
            ws.close()
        log = url.read_log()
    assert slowest < 1.5, f"a reply took {slowest:.2f}s while the database was locked"
    assert len(rows) == 7
    assert log.count("cannot write to") == 1 and "writing to" in log and "again" in log
    assert "Traceback" not in log


class FaultySQLite(SQLiteStore):
    """A real SQLite database that can be made full or read-only (PRAGMA on every connection)."""

    fault = None

    def connect(self):
        connection = super().connect()
        if self.fault == "full":
            pages = connection.execute("PRAGMA page_count").fetchone()[0]
            connection.execute(f"PRAGMA max_page_count = {pages}")
        elif self.fault == "read-only":
            connection.execute("PRAGMA query_only = ON")
        return connection


def turn_json(n: int) -> str:
    return json.dumps({"intent": "recommend", "confidence": 0.8, "text": "x" * 500, "courses": [{"id": f"c{n}"}]})


@pytest.mark.parametrize("fault", ["full", "read-only"])
def test_a_full_or_read_only_database_keeps_rows_warns_once_and_writes_them_when_it_is_back(tmp_path, fault, caplog):
    store = FaultySQLite(tmp_path / "log.sqlite3")
    store.migrate()
    log = TurnLog(store, linger=0.01)
    try:
        log.record("s1", "first", turn_json(0), 0.001)
        assert log.flush(10)
        store.fault = fault
        store.reset()
        with caplog.at_level("WARNING", logger="course_assistant.turn_log"):
            started = time.perf_counter()
            for n in range(1, 400):
                log.record("s1", f"question {n} " + "y" * 300, turn_json(n), 0.001)
            assert time.perf_counter() - started < 0.5          # the reply path only queues
            time.sleep(2)
            assert not log.flush(0.2)                           # not written: the database refuses
            store.fault = None
            assert log.flush(20)
        warnings = [r.getMessage() for r in caplog.records if "cannot write" in r.getMessage()]
        assert len(warnings) == 1, warnings
        assert any("again" in r.getMessage() for r in caplog.records)
    finally:
        log.close()
    assert len(read_rows(str(tmp_path / "log.sqlite3"), "turns")) == 400


def test_an_unreachable_postgresql_never_breaks_a_reply_and_writing_resumes(pg_cluster):
    with PostgresCluster() as own:
        location = own.new_database("flaky")
        with running_server({"database_url": location}) as url:
            ws, _ = connect_ws(url)
            try:
                ask(ws, "best python course", "c0")
                wait_for_rows(location, "turns", 1)
                own.stop()
                for n in range(4):
                    started = time.perf_counter()
                    frame = ask(ws, f"data science course {n}", f"c{n + 1}")
                    assert frame["type"] == "reply" and time.perf_counter() - started < 3
                time.sleep(1)
                own.start()
                assert ask(ws, "thanks", "c9")["type"] == "reply"
                rows = wait_for_rows(location, "turns", 6, timeout=30)
            finally:
                ws.close()
            log = url.read_log()
    assert len(rows) == 6
    assert log.count("cannot write to") == 1 and "Traceback" not in log


def test_a_server_starts_and_answers_with_postgresql_down_then_logs_once_it_is_up(pg_cluster):
    with PostgresCluster() as own:
        location = own.new_database("late")
        own.stop()
        with running_server({"database_url": location}) as url:
            status, body, _ = post_json(url + "/api/chat", {"message": "best python course"})
            assert status == 200 and body["reply"]["courses"]
            own.start()
            rows = wait_for_rows(location, "turns", 1, timeout=30)
    assert rows[0]["turn_id"] == body["turn_id"]


# ---------------------------------------------------------------- start-up, migrations, retention

def start_and_fail(settings: dict) -> str:
    env = server_environment({**settings, "port": 0})
    result = subprocess.run([sys.executable, "run.py"], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=180)
    assert result.returncode == 2, result.stdout + result.stderr
    return result.stderr


def test_a_corrupted_sqlite_file_stops_start_up_naming_it_or_runs_without_a_log_if_asked(tmp_path):
    path = tmp_path / "conversations.sqlite3"
    path.write_bytes(b"this is not a database, just some bytes " * 200)
    message = start_and_fail({"data_dir": str(tmp_path)})
    assert str(path) in message and "not a usable SQLite database" in message and "Traceback" not in message
    with running_server({"data_dir": str(tmp_path), "log_optional": "true"}) as url:
        status, body, _ = post_json(url + "/api/chat", {"message": "best python course"})
        assert status == 200 and body["reply"]["courses"] and "turn_id" not in body
        assert "conversation log off" in url.read_log()
    assert path.read_bytes().startswith(b"this is not a database")     # left as it was


def test_a_database_newer_than_the_code_is_refused_with_a_clear_message(tmp_path):
    path = tmp_path / "conversations.sqlite3"
    SQLiteStore(path).migrate()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    message = start_and_fail({"data_dir": str(tmp_path)})
    assert f"schema version {SCHEMA_VERSION + 1}" in message and "upgrade course-assistant" in message


def test_an_older_schema_is_upgraded_in_place_keeping_its_rows(tmp_path):
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as connection:           # what the first release created
        connection.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        for statement in MIGRATIONS[0][1]:
            connection.execute(statement.format(id="INTEGER PRIMARY KEY AUTOINCREMENT"))
        connection.execute("INSERT INTO schema_version VALUES (1)")
        connection.execute("INSERT INTO feedback VALUES ('t1', 's1', 'up', 1.0)")
    store = open_store(str(path))
    assert store.migrate() == SCHEMA_VERSION
    store.write([], [], [(2.0, "s1", "t1", "course-1")])
    assert [v["vote"] for v in store.votes_since(0)] == ["up"]
    assert [c["course_id"] for c in store.clicks_since(0)] == ["course-1"]
    assert read_rows(str(path), "schema_version", "version") == [{"version": SCHEMA_VERSION}]


def test_rows_older_than_the_retention_are_deleted_by_the_writer(tmp_path):
    store = SQLiteStore(tmp_path / "log.sqlite3")
    store.migrate()
    old, recent = time.time() - 40 * 86400, time.time() - 5 * 86400
    rows = [{"turn_id": f"t{n}", "at": at, "conversation": "s", "message": "m", "intent": "faq", "confidence": 0.9,
             "act": None, "filters": {}, "kind": "answer", "courses": [], "subjects": [], "reply_text": "r",
             "latency_ms": 1.0, "transport": "ws"} for n, at in enumerate([old, recent])]
    store.write(rows, [("t0", "s", "down", old)], [(old, "s", "t0", "c")])
    log = TurnLog(store, retention_days=30)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and len(read_rows(str(tmp_path / "log.sqlite3"), "turns")) > 1:
            time.sleep(0.1)
    finally:
        log.close()
    assert [r["turn_id"] for r in read_rows(str(tmp_path / "log.sqlite3"), "turns")] == ["t1"]
    assert read_rows(str(tmp_path / "log.sqlite3"), "feedback") == []
    assert read_rows(str(tmp_path / "log.sqlite3"), "course_clicks") == []


def test_a_bad_database_url_is_refused_at_start_up(tmp_path):
    message = start_and_fail({"database_url": "mysql://somewhere/db"})
    assert "database_url" in message and "postgresql://" in message
    with pytest.raises(StoreError):
        open_store("redis://x")


def test_under_gunicorn_the_forked_worker_logs(tmp_path):
    """gunicorn.conf.py preloads the app before forking its worker: the worker writes the log."""
    path = tmp_path / "conversations.sqlite3"
    with running_server({"data_dir": str(tmp_path)}, gunicorn=True) as url:
        ws, welcome = connect_ws(url)
        try:
            frame = ask(ws, "free statistics course", "c1")
        finally:
            ws.close()
        rows = wait_for_rows(str(path), "turns", 1)
    assert rows[0]["turn_id"] == frame["turn_id"] and rows[0]["conversation"] == welcome["session_id"]


def test_the_review_command_says_when_there_is_no_log_where_the_settings_point(tmp_path):
    env = server_environment({"data_dir": str(tmp_path / "nowhere")})
    result = subprocess.run([sys.executable, "-m", "assistant", "review", "--since", "7d"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "no conversation log at" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "nowhere").exists()
