"""Shared fixtures: the real server in a subprocess (python run.py or gunicorn), and helpers to
talk to it over real sockets. Reusable by any test module:

    from conftest import running_server, connect_ws, ask, post_json

    def test_something(server):                     # python run.py, session-wide
        ws, welcome = connect_ws(server)
        frame = ask(ws, "best python course", "c1")

`running_server(settings, gunicorn=False)` starts a private server with any settings
(docs/SETTINGS.md names them); its URL knows the process id (`.pid`) and the log file (`.log`).
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ENV_PREFIX = "COURSE_ASSISTANT_"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ServerURL(str):
    """The server's base URL (`http://127.0.0.1:PORT`), which also knows its process and log."""
    pid: int = 0
    log: Path | None = None

    def read_log(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log else ""


def wait_for_health(base_url: str, process: subprocess.Popen, log: Path | None = None,
                    timeout: float = 120) -> dict:
    """/health's JSON once the server answers; the log's tail in the error if the server dies."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = log.read_text(encoding="utf-8", errors="replace") if log else ""
            raise RuntimeError(f"server exited with {process.returncode}:\n{output[-4000:]}")
        try:
            with urllib.request.urlopen(base_url + "/health", timeout=2) as response:
                return json.loads(response.read())
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server at {base_url} not healthy after {timeout}s")


def server_environment(settings: dict) -> dict:
    """os.environ without the caller's own COURSE_ASSISTANT_* variables, plus `settings` as variables."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(ENV_PREFIX)}
    env["PYTHONUNBUFFERED"] = "1"
    for name, value in settings.items():
        env[ENV_PREFIX + name.upper()] = ",".join(value) if isinstance(value, list) else str(value)
    return env


def require_program(name: str, package: str | None = None) -> str:
    """The path of a Debian program the test needs; without it the test skips, or fails under CI
    (scripts/test.sh installs it when run as root)."""
    path = shutil.which(name) or next((p for p in (f"/usr/sbin/{name}", f"/usr/bin/{name}") if os.path.exists(p)), None)
    if path is None:
        why = f"needs {name} (apt-get install {package or name})"
        if os.environ.get("CI"):
            pytest.fail(f"CI must run this test, but it {why}", pytrace=False)
        pytest.skip(why)
    return path


def require_module(name: str, extra: str = "test"):
    """An importable module the test needs; skips without it, fails under CI."""
    try:
        return __import__(name)
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run this test, but the module {name} is missing (pip install -e '.[{extra}]')",
                        pytrace=False)
        pytest.skip(f"needs the module {name} (pip install -e '.[{extra}]')")


@contextmanager
def running_redis():
    """Debian's redis-server on a free port, in memory only; yields its URL (redis://...)."""
    program = require_program("redis-server")
    port = free_port()
    folder = tempfile.mkdtemp(prefix="course-assistant-redis-")
    process = subprocess.Popen([program, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--dir", folder], stdout=subprocess.DEVNULL,
                               stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    try:
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as probe:
                    probe.sendall(b"PING\r\n")
                    if probe.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not start (exit {process.poll()})")
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def redis_url():
    """A real redis-server for the session (Debian's package)."""
    require_module("redis")
    with running_redis() as url:
        yield url


@contextmanager
def running_server(settings: dict | None = None, gunicorn: bool = False, args: list[str] = (), preexec_fn=None):
    """Start the real server (python run.py, or gunicorn as docs/SERVING.md says) and yield its URL.

    `settings` become COURSE_ASSISTANT_* variables; `args` are extra command-line arguments
    (run.py only); `preexec_fn` runs in the server's process before it starts (a resource limit).
    Output goes to a log file, so a chatty server never blocks on a full pipe."""
    settings = dict(settings or {})
    settings["port"] = settings.get("port") or free_port()
    scratch = None
    if "data_dir" not in settings and "database_url" not in settings:
        # The conversation log is on by default: keep each server's out of the user's data folder.
        scratch = tempfile.mkdtemp(prefix="course-assistant-data-")
        settings["data_dir"] = scratch
    if gunicorn:
        command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "assistant.web_app:create_app()"]
    else:
        command = [sys.executable, "run.py", "--port", str(settings["port"]), *args]
    log = Path(tempfile.mkstemp(prefix="course-assistant-", suffix=".log")[1])
    with log.open("w") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=server_environment(settings), stdout=output,
                                   stderr=subprocess.STDOUT, text=True, preexec_fn=preexec_fn)
    base_url = ServerURL(f"http://127.0.0.1:{settings['port']}")
    base_url.pid, base_url.log = process.pid, log
    try:
        wait_for_health(base_url, process, log)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.unlink(missing_ok=True)
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)


# Every test talks from 127.0.0.1: the shared servers let that one address do what many visitors
# would (tests/test_hostile_clients.py checks the per-address limits on servers of its own).
ONE_ADDRESS_IS_MANY = {"address_new_sessions": 1_000_000, "address_rate_limit_messages": 1_000_000,
                       "max_connections_per_address": 100_000}


@pytest.fixture(scope="session")
def server():
    """python run.py with default settings, plus one extra allowed origin."""
    with running_server({"allowed_origins": ["http://allowed.example"], **ONE_ADDRESS_IS_MANY}) as url:
        yield url


@pytest.fixture(scope="session")
def limited_server():
    """python run.py with tiny limits, to see each limit enforced."""
    with running_server({"rate_limit_messages": 3, "rate_limit_window": 2, "max_connections": 3,
                         "abuse_limit": 5, "max_message_chars": 200, "max_frame_bytes": 4096,
                         **ONE_ADDRESS_IS_MANY}) as url:
        yield url


@pytest.fixture(scope="session")
def gunicorn_server():
    """The production setup: gunicorn -c gunicorn.conf.py 'assistant.web_app:create_app()'."""
    with running_server({"allowed_origins": ["http://allowed.example"], **ONE_ADDRESS_IS_MANY}, gunicorn=True) as url:
        yield url


# ---------------------------------------------------------------- HTTP helpers

def post_json(url: str, body=None, headers: dict | None = None, raw: bytes | None = None,
              method: str = "POST") -> tuple[int, dict, dict]:
    """(status, JSON body, headers) of a request with `body` as JSON (or `raw` bytes as they are)."""
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, _json_or_empty(response.read()), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, _json_or_empty(error.read()), dict(error.headers)


def get(url: str, headers: dict | None = None) -> tuple[int, bytes, dict]:
    """(status, body, headers) of a GET."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=30) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


def _json_or_empty(data: bytes) -> dict:
    return json.loads(data) if data.strip() else {}


def assert_json_error(status: int, body: dict, expected_status: int, code: str):
    """The one HTTP error shape: {"error": {"code": ..., "message": "..."}} with the expected status."""
    assert status == expected_status, (status, body)
    assert set(body) == {"error"}, body
    assert body["error"]["code"] == code, body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"].strip(), body


# ---------------------------------------------------------------- websocket helpers

def ws_url(base_url: str) -> str:
    return base_url.replace("http://", "ws://").replace("https://", "wss://") + "/ws"


def connect_ws(base_url: str, origin: str | None = None, query: str = "", timeout: float = 30):
    """Open /ws (with `origin`, or without an Origin header like a script) -> (socket, welcome frame)."""
    import websocket
    options = {"origin": origin} if origin else {"suppress_origin": True}
    ws = websocket.create_connection(ws_url(base_url) + query, timeout=timeout, **options)
    return ws, receive(ws)


def receive(ws) -> dict:
    return json.loads(ws.recv())


def ask(ws, text: str, frame_id="c1") -> dict:
    """Send one message frame and return the frame that answers it."""
    ws.send(json.dumps({"type": "message", "id": frame_id, "text": text}))
    return receive(ws)


def receive_close(ws) -> tuple[int, str]:
    """Wait for the server's close frame -> (code, reason)."""
    import websocket
    while True:
        opcode, data = ws.recv_data(control_frame=True)
        if opcode == websocket.ABNF.OPCODE_CLOSE:
            return int.from_bytes(data[:2], "big"), data[2:].decode("utf-8", "replace")


REPLY_KEYS = {"intent", "confidence", "text", "courses", "comparison", "suggestions", "sources"}


def assert_reply(frame: dict, in_reply_to, session_id: str | None = None) -> dict:
    """A contract reply frame answering `in_reply_to`; returns the reply object."""
    assert frame["type"] == "reply", frame
    assert frame["in_reply_to"] == in_reply_to, frame
    if session_id is not None:
        assert frame["session_id"] == session_id, frame
    assert set(frame["reply"]) >= REPLY_KEYS, frame["reply"].keys()
    assert isinstance(frame["reply"]["text"], str) and frame["reply"]["text"], frame
    return frame["reply"]


def assert_error_frame(frame: dict, code: str, in_reply_to=None):
    """The contract's error frame: type, in_reply_to, code and a message."""
    assert frame["type"] == "error", frame
    assert frame["code"] == code, frame
    assert "in_reply_to" in frame and frame["in_reply_to"] == in_reply_to, frame
    assert isinstance(frame["message"], str) and frame["message"].strip(), frame
