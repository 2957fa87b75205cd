"""Shared fixtures: the assistant in process, and the real server in a subprocess."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_health(base_url: str, process: subprocess.Popen, timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}: {process.stdout.read()}")
        try:
            with urllib.request.urlopen(base_url + "/health", timeout=2) as response:
                return json.loads(response.read())
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server at {base_url} not healthy after {timeout}s")


class ServerURL(str):
    """The server's base URL, which also knows the server's process id."""
    pid: int = 0


@contextmanager
def running_server(settings: dict | None = None, gunicorn: bool = False):
    """Start the real server (python run.py, or gunicorn as the README says) and yield its URL."""
    settings = dict(settings or {})
    port = settings.pop("port", None) or free_port()
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    for name, value in settings.items():
        env["COURSE_ASSISTANT_" + name.upper()] = ",".join(value) if isinstance(value, list) else str(value)
    if gunicorn:
        env["COURSE_ASSISTANT_PORT"] = str(port)
        command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "assistant.web_app:create_app()"]
    else:
        command = [sys.executable, "run.py", "--port", str(port)]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base_url = ServerURL(f"http://127.0.0.1:{port}")
    base_url.pid = process.pid
    try:
        wait_for_health(base_url, process)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def server():
    """The server with default settings, plus one extra allowed origin."""
    with running_server({"allowed_origins": ["http://allowed.example"]}) as url:
        yield url


@pytest.fixture(scope="session")
def limited_server():
    """A server with tiny limits, to see each limit enforced."""
    with running_server({"rate_limit_messages": 3, "rate_limit_window": 2, "max_connections": 3,
                         "abuse_limit": 5, "max_message_chars": 200, "max_frame_bytes": 4096}) as url:
        yield url


def post_json(url: str, body, headers: dict | None = None, raw: bytes | None = None) -> tuple[int, dict, dict]:
    data = raw if raw is not None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method="POST",
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read()), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}"), dict(error.headers)


def ws_url(base_url: str) -> str:
    return base_url.replace("http://", "ws://") + "/ws"
