"""Debian's nginx, with exactly the configuration docs/SERVING.md gives (only its ports and log
path changed), in front of two production servers sharing a real redis-server: conversations over
HTTP and websocket whose messages land on both servers, and one server killed mid-conversation.

Run with -s to see the conversation log (which server answered each message)."""
import os
import re
import signal
import socket
import subprocess
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from conftest import ROOT, ask, assert_reply, connect_ws, free_port, post_json, require_program, running_server

CONFIG_START = "# /etc/nginx/conf.d/course-assistant.conf\n"


def config_from_docs(upstreams: list[int], port: int, access_log: Path) -> str:
    """The nginx block of docs/SERVING.md with this test's ports and log (each must be there once)."""
    text = (ROOT / "docs" / "SERVING.md").read_text(encoding="utf-8")
    found = re.search(r"```nginx\n(" + re.escape(CONFIG_START) + r".*?)```", text, re.S)
    assert found, "docs/SERVING.md has no nginx block starting with " + CONFIG_START
    config = found.group(1)
    changes = {"server 127.0.0.1:8000 ": f"server 127.0.0.1:{upstreams[0]} ",
               "server 127.0.0.1:8001 ": f"server 127.0.0.1:{upstreams[1]} ",
               "listen 80;": f"listen 127.0.0.1:{port};",
               "/var/log/nginx/course-assistant.log": str(access_log)}
    for old, new in changes.items():
        assert config.count(old) == 1, f"the documented nginx config should have {old!r} once"
        config = config.replace(old, new)
    return config


@contextmanager
def running_nginx(upstreams: list[int], folder: Path):
    program = require_program("nginx")
    port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    access_log = folder / "access.log"
    (folder / "course-assistant.conf").write_text(config_from_docs(upstreams, port, access_log))
    temp = "\n".join(f"    {kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (folder / "nginx.conf").write_text(f"""{'user root;' if os.geteuid() == 0 else ''}
worker_processes 1;
daemon off;
pid {folder / 'nginx.pid'};
error_log {folder / 'error.log'} warn;
events {{ worker_connections 1024; }}
http {{
{temp}
    include {folder / 'course-assistant.conf'};
}}
""")
    check = subprocess.run([program, "-t", "-p", str(folder), "-e", str(folder / "error.log"), "-c",
                            str(folder / "nginx.conf")], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen([program, "-p", str(folder), "-e", str(folder / "error.log"), "-c",
                                str(folder / "nginx.conf")], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 20
        while not (folder / "nginx.pid").exists():
            assert process.poll() is None and time.monotonic() < deadline, (folder / "error.log").read_text()
            time.sleep(0.05)
        time.sleep(0.2)
        proxy = NginxURL(f"http://127.0.0.1:{port}")
        proxy.access_log = access_log
        yield proxy
    finally:
        process.send_signal(signal.SIGQUIT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class NginxURL(str):
    access_log: Path
    _read = 0

    def upstreams(self) -> list[str]:
        """The upstream of each request logged since the last call (a websocket: when it closed)."""
        time.sleep(0.1)
        lines = self.access_log.read_text().splitlines()
        new, self._read = lines[self._read:], len(lines)
        return [re.search(r"upstream=(.+?) time=", line).group(1) for line in new]


def server_settings(redis_url: str, port: int) -> dict:
    return {"redis_url": redis_url, "port": port, "workers": 1}


def kill(server):
    """SIGKILL the server's master and workers, a machine that goes away; returns once its port
    refuses connections (a request sent before that is lost with the machine, as in life)."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    for pid in [server.pid, *map(int, children)]:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    port = int(server.rsplit(":", 1)[1])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            time.sleep(0.05)
        except OSError:
            return
    raise AssertionError(f"the server on port {port} still accepts connections")


class Log:
    """The conversation log: one line per message, naming the server that answered."""

    def __init__(self, names: dict):
        self.names = names

    def line(self, via: str, text: str, upstream: str, reply: dict):
        shown = ", ".join(c["title"] for c in reply.get("courses", [])[:2])
        tried = " then ".join(self.names.get(u, u) for u in upstream.split(", "))   # nginx passed it on
        print(f"  [{via:4}] {tried:8} {text!r} -> {reply['intent']}"
              f"{': ' + shown if shown else ''}")


@pytest.fixture(scope="module")
def deployment(redis_url, tmp_path_factory):
    """nginx in front of two production servers (gunicorn, one worker each) on one Redis."""
    require_program("nginx")
    ports = [free_port(), free_port()]
    with ExitStack() as stack:
        servers = [stack.enter_context(running_server(server_settings(redis_url, port), gunicorn=True))
                   for port in ports]
        proxy = stack.enter_context(running_nginx(ports, tmp_path_factory.mktemp("nginx")))
        names = {f"127.0.0.1:{ports[0]}": "server A", f"127.0.0.1:{ports[1]}": "server B"}
        yield proxy, servers, Log(names), names


def say_http(proxy, log, session_id, text):
    status, body, headers = post_json(proxy + "/api/chat", {"message": text, "session_id": session_id})
    assert status == 200, body
    upstream = proxy.upstreams()[-1]          # a websocket that closed meanwhile is logged before
    log.line("http", text, upstream, body["reply"])
    return body["session_id"], body["reply"], upstream


def test_an_http_conversation_through_nginx_lands_on_both_servers_and_keeps_its_context(deployment):
    proxy, _, log, names = deployment
    proxy.upstreams()
    print("\nHTTP conversation through nginx:")
    landed = []

    def say(text):
        nonlocal session_id
        session_id, reply, upstream = say_http(proxy, log, session_id, text)
        landed.append(upstream)
        return reply

    session_id = None
    results = say("machine learning courses")
    more = say("tell me more about the second one")
    assert more["intent"] == "course_info" and more["courses"][0]["id"] == results["courses"][1]["id"]
    again = say("machine learning courses")
    both = say("compare the first two")
    assert both["intent"] == "compare"
    assert [c["id"] for c in both["comparison"]["courses"]] == [c["id"] for c in again["courses"][:2]]
    free = say("only free ones")
    assert free["intent"] == "recommend" and free["courses"]
    assert set(landed) == set(names), landed


def test_a_websocket_conversation_resumes_on_the_other_server(deployment):
    proxy, _, log, names = deployment
    proxy.upstreams()
    print("\nwebsocket conversation through nginx, one connection per message:")
    session_id, landed, results = None, [], None
    script = ["python courses for beginners", "tell me more about the first one", "python courses for beginners",
              "compare the first two"]
    for number, text in enumerate(script):
        ws, welcome = connect_ws(proxy, query=f"?session_id={session_id}" if session_id else "")
        assert welcome["type"] == "welcome" and welcome["resumed"] == (session_id is not None)
        if session_id:
            assert welcome["session_id"] == session_id
        reply = assert_reply(ask(ws, text, f"m{number}"), f"m{number}")
        session_id = welcome["session_id"]
        ws.close()
        upstream, = proxy.upstreams()
        landed.append(upstream)
        log.line("ws", text, upstream, reply)
        if number == 0:
            results = reply["courses"]
        if number == 1:
            assert reply["intent"] == "course_info" and reply["courses"][0]["id"] == results[0]["id"]
    assert reply["intent"] == "compare"
    assert [c["id"] for c in reply["comparison"]["courses"]] == [c["id"] for c in results[:2]]
    assert set(landed) == set(names), landed


def test_killing_one_server_mid_conversation_loses_nothing(redis_url, tmp_path_factory):
    """A conversation over HTTP and two websockets (one on each server); server A is killed
    (SIGKILL): the websocket it held reconnects and resumes on B, the other goes on, HTTP goes on
    on B. Then A comes back and B is killed (a rolling deploy): the conversation goes on on A."""
    ports = [free_port(), free_port()]
    with ExitStack() as stack:
        a, b = (stack.enter_context(running_server(server_settings(redis_url, port), gunicorn=True)) for port in ports)
        proxy = stack.enter_context(running_nginx(ports, tmp_path_factory.mktemp("nginx-kill")))
        names = {f"127.0.0.1:{ports[0]}": "server A", f"127.0.0.1:{ports[1]}": "server B"}
        log = Log(names)
        print("\nkilling one server mid-conversation:")
        session_id, results, _ = say_http(proxy, log, None, "deep learning courses")
        session_id, _, _ = say_http(proxy, log, session_id, "tell me more about the second one")
        sockets = [connect_ws(proxy, query=f"?session_id={session_id}") for _ in range(2)]
        assert all(welcome["resumed"] for _, welcome in sockets)
        kill(a)
        print("  -- server A killed --")
        dropped = [ws for ws, _ in sockets if was_dropped(ws)]
        alive = [ws for ws, _ in sockets if ws not in dropped]
        assert len(dropped) == 1 and len(alive) == 1, "the two websockets should have been on different servers"
        reply = assert_reply(ask(alive[0], "deep learning courses", "w1"), "w1", session_id)
        assert [c["id"] for c in reply["courses"]] == [c["id"] for c in results["courses"]]
        print(f"  [ws  ] server B 'deep learning courses' -> {reply['intent']} (the websocket that stayed)")
        ws, welcome = connect_ws(proxy, query=f"?session_id={session_id}")
        assert welcome["resumed"] and welcome["session_id"] == session_id
        both = assert_reply(ask(ws, "compare the first two", "w2"), "w2", session_id)
        assert both["intent"] == "compare"
        assert [c["id"] for c in both["comparison"]["courses"]] == [c["id"] for c in results["courses"][:2]]
        print(f"  [ws  ] server B 'compare the first two' -> {both['intent']} (the dropped one, reconnected)")
        session_id, free, upstream = say_http(proxy, log, session_id, "only free ones")
        assert upstream.split(", ")[-1] == f"127.0.0.1:{ports[1]}" and free["courses"]
        ws.close()
        alive[0].close()
        proxy.upstreams()
        # A comes back on its port (a new release), then B goes away.
        with running_server(server_settings(redis_url, ports[0]), gunicorn=True):
            wait_until_routed_to(proxy, f"127.0.0.1:{ports[0]}")     # as a rolling deploy does
            kill(b)
            print("  -- server A restarted, server B killed --")
            for text in ("deep learning courses", "compare the first two"):
                session_id, reply, upstream = say_http(proxy, log, session_id, text)
                assert upstream.split(", ")[-1] == f"127.0.0.1:{ports[0]}"
            assert reply["intent"] == "compare"
            assert [c["id"] for c in reply["comparison"]["courses"]] == [c["id"] for c in results["courses"][:2]]


def wait_until_routed_to(proxy, upstream: str, timeout: float = 30):
    """GET /health through nginx until it has passed one to `upstream` (nginx retries a server it
    marked failed after fail_timeout)."""
    from conftest import get
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        get(proxy + "/health")
        if upstream in proxy.upstreams():
            return
        time.sleep(0.5)
    raise AssertionError(f"nginx sent nothing to {upstream} in {timeout} s")


def was_dropped(ws) -> bool:
    """Whether nginx closed this websocket (its server went away) within a few seconds."""
    import websocket
    ws.settimeout(3)
    try:
        ws.recv()
    except websocket.WebSocketTimeoutException:
        return False
    except (websocket.WebSocketConnectionClosedException, ConnectionError, OSError):
        return True
    return not ws.connected
