"""The production command (gunicorn with the packaged configuration) on every core: several
workers only with shared state, conversations and rate limits that hold across workers and
restarts."""
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ONE_ADDRESS_IS_MANY, ROOT, free_port, post_json, running_server, server_environment

PRODUCTION = [sys.executable, "-m", "gunicorn", "-c", "python:assistant.gunicorn_conf", "assistant.web_app:create_app()"]


@pytest.mark.parametrize("how", ["-w 2", "GUNICORN_CMD_ARGS", "workers setting"])
def test_more_than_one_worker_without_redis_is_refused_in_one_line(how, tmp_path):
    settings = {"port": free_port(), **({"workers": 2} if how == "workers setting" else {})}
    env = server_environment(settings)
    command = PRODUCTION + (["-w", "2"] if how == "-w 2" else [])
    if how == "GUNICORN_CMD_ARGS":
        env["GUNICORN_CMD_ARGS"] = "--workers 2"
    result = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    refusals = [line for line in result.stderr.splitlines() if "course-assistant:" in line]
    assert refusals == ["Error: course-assistant: 2 workers need shared state: without the redis_url setting "
                        "(COURSE_ASSISTANT_REDIS_URL) each worker keeps its own conversations and rate limits; "
                        "set redis_url or run one worker"], result.stderr[-2000:]
    assert "Traceback" not in result.stderr


def worker_pids(server) -> list[int]:
    return [int(pid) for pid in Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()]


def chat(server, text, session_id=None):
    status, body, _ = post_json(server + "/api/chat", {"message": text, "session_id": session_id})
    return status, body


# Every request here comes from 127.0.0.1, and the per-address limits live in the one Redis these
# tests share: let that address do what many visitors would (test_hostile_clients.py checks them).

def test_with_redis_every_core_gets_a_worker_and_conversations_keep_their_context(redis_url):
    with running_server({"redis_url": redis_url, **ONE_ADDRESS_IS_MANY}, gunicorn=True) as server:
        deadline = time.monotonic() + 60          # /health answers as soon as the first worker is up
        while len(worker_pids(server)) < os.cpu_count() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(worker_pids(server)) == os.cpu_count()
        for _ in range(30):                        # the kernel spreads them over the workers
            status, first = chat(server, "machine learning courses")
            assert status == 200
            status, second = chat(server, "tell me more about the second one", first["session_id"])
            assert status == 200 and second["session_id"] == first["session_id"]
            assert second["reply"]["intent"] == "course_info"
            assert second["reply"]["courses"][0]["id"] == first["reply"]["courses"][1]["id"]


def test_the_rate_limit_is_the_same_whichever_worker_counts(redis_url):
    with running_server({"redis_url": redis_url, "workers": 2, "rate_limit_messages": 3,
                         "rate_limit_window": 30, **ONE_ADDRESS_IS_MANY}, gunicorn=True) as server:
        refused = 0
        for _ in range(5):
            status, first = chat(server, "python courses")
            statuses = [chat(server, "only free ones", first["session_id"])[0] for _ in range(4)]
            assert statuses[:2] == [200, 200] and statuses[2:] == [429, 429], statuses
            refused += statuses.count(429)
        assert refused == 10


def test_a_conversation_survives_a_restart(redis_url):
    settings = {"redis_url": redis_url, "port": free_port(), **ONE_ADDRESS_IS_MANY}
    with running_server(settings, gunicorn=True) as server:
        _, first = chat(server, "data science courses")
    with running_server(settings, gunicorn=True) as server:
        status, both = chat(server, "compare the first two", first["session_id"])
    assert status == 200 and both["session_id"] == first["session_id"]
    assert both["reply"]["intent"] == "compare"
    assert [c["id"] for c in both["reply"]["comparison"]["courses"]] == [c["id"] for c in first["reply"]["courses"][:2]]
