"""HTTP on the real server over a real socket: /health, /api/chat and its errors, origins and
CORS, the widget files, the demo page, and gunicorn. Asserts shapes, intents and ids, never wording."""
from __future__ import annotations

import json

import pytest

from conftest import REPLY_KEYS, assert_json_error, get, post_json, running_server


def chat(base_url: str, message, session_id=None, headers=None) -> tuple[int, dict, dict]:
    body = {"message": message, **({"session_id": session_id} if session_id else {})}
    return post_json(base_url + "/api/chat", body, headers=headers)


def test_health_answers_with_the_counts_once_loaded(server):
    status, body, headers = get(server + "/health")
    health = json.loads(body)
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    assert health["status"] == "ok" and isinstance(health["courses"], int) and health["courses"] > 0
    assert health["sections"] > 0 and isinstance(health["sessions"], int)


def test_chat_answers_in_the_contract_shape_and_keeps_the_session(server):
    status, first, _ = chat(server, "sql courses for beginners")
    assert status == 200 and set(first) == {"session_id", "turn_id", "reply"}    # turn_id: the log is on
    assert set(first["reply"]) >= REPLY_KEYS and first["reply"]["intent"] == "recommend"
    shown = [course["id"] for course in first["reply"]["courses"]]
    status, second, _ = chat(server, "compare the first two", first["session_id"])
    assert status == 200 and second["session_id"] == first["session_id"]
    assert second["reply"]["intent"] == "compare"
    assert [course["id"] for course in second["reply"]["comparison"]["courses"]] == shown[:2]


def test_an_unknown_session_starts_a_new_one_transparently(server):
    status, body, _ = chat(server, "do I need a degree?", "expired-or-made-up")
    assert status == 200 and body["reply"]["intent"] == "faq"
    assert body["session_id"] and body["session_id"] != "expired-or-made-up"
    status, again, _ = chat(server, "thanks", body["session_id"])
    assert status == 200 and again["session_id"] == body["session_id"]


def test_any_content_type_is_read_as_json(server):
    """`curl -d '{"message": "hi"}'` sends application/x-www-form-urlencoded."""
    status, body, _ = post_json(server + "/api/chat", {"message": "hello"},
                                headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200 and body["reply"]["intent"] == "greet"


BAD_REQUESTS = [
    # name, method, path, body, raw bytes, status, code
    ("not json", "POST", "/api/chat", None, b"this is not json", 400, "bad_json"),
    ("empty body", "POST", "/api/chat", None, b"", 400, "bad_json"),
    ("json null", "POST", "/api/chat", None, b"null", 400, "bad_json"),
    ("json array", "POST", "/api/chat", [1, 2], None, 400, "not_object"),
    ("json string", "POST", "/api/chat", "hi", None, 400, "not_object"),
    ("no message", "POST", "/api/chat", {"session_id": "x"}, None, 400, "missing_message"),
    ("empty message", "POST", "/api/chat", {"message": ""}, None, 400, "missing_message"),
    ("blank message", "POST", "/api/chat", {"message": "  \n "}, None, 400, "missing_message"),
    ("message a number", "POST", "/api/chat", {"message": 42}, None, 400, "missing_message"),
    ("message a list", "POST", "/api/chat", {"message": ["hi"]}, None, 400, "missing_message"),
    ("session a list", "POST", "/api/chat", {"message": "hi", "session_id": ["x"]}, None, 400, "bad_session"),
    ("session too long", "POST", "/api/chat", {"message": "hi", "session_id": "s" * 500}, None, 400, "bad_session"),
    ("message too long", "POST", "/api/chat", {"message": "a" * 2001}, None, 413, "text_too_long"),
    ("body too large", "POST", "/api/chat", None, b'{"message": "' + b"a" * 70000 + b'"}', 413, "body_too_large"),
    ("GET on the API", "GET", "/api/chat", None, None, 405, "method_not_allowed"),
    ("unknown path", "GET", "/api/nothing-here", None, None, 404, "not_found"),
    ("plain GET on /ws", "GET", "/ws", None, None, 400, "bad_request"),
]


@pytest.mark.parametrize("name,method,path,body,raw,status,code", BAD_REQUESTS, ids=[r[0] for r in BAD_REQUESTS])
def test_bad_requests_get_the_one_json_error_shape(server, name, method, path, body, raw, status, code):
    got_status, got, headers = post_json(server + path, body, raw=raw, method=method)
    assert headers["Content-Type"].startswith("application/json")
    assert_json_error(got_status, got, status, code)


def test_rate_limit_over_http_says_when_to_retry(limited_server):
    status, body, _ = chat(limited_server, "hi")                  # 3 messages per 2 seconds
    session_id = body["session_id"]
    for _ in range(2):
        assert chat(limited_server, "hi", session_id)[0] == 200
    status, limited, headers = chat(limited_server, "hi", session_id)
    assert_json_error(status, limited, 429, "rate_limited")
    assert 1 <= int(headers["Retry-After"]) <= 2
    assert chat(limited_server, "hi")[0] == 200                   # a new session is not limited


# ---------------------------------------------------------------- origins and CORS

def test_allowed_and_own_origins_get_cors_headers(server):
    for origin in ("http://allowed.example", server):
        status, _, headers = chat(server, "hi", headers={"Origin": origin})
        assert status == 200 and headers["Access-Control-Allow-Origin"] == origin
        assert "Origin" in headers["Vary"]


def test_requests_without_an_origin_are_allowed_without_cors_headers(server):
    status, _, headers = chat(server, "hi")
    assert status == 200 and "Access-Control-Allow-Origin" not in headers


def test_other_origins_are_refused_with_403(server):
    status, body, headers = chat(server, "hi", headers={"Origin": "http://evil.example"})
    assert_json_error(status, body, 403, "origin_not_allowed")
    assert "evil.example" in body["error"]["message"] and "Access-Control-Allow-Origin" not in headers


def preflight(base_url: str, origin: str) -> tuple[int, dict, dict]:
    return post_json(base_url + "/api/chat", method="OPTIONS", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})


def test_preflight_is_answered_for_allowed_origins_only(server):
    status, _, headers = preflight(server, "http://allowed.example")
    assert status == 204 and headers["Access-Control-Allow-Origin"] == "http://allowed.example"
    assert "POST" in headers["Access-Control-Allow-Methods"]
    assert "content-type" in headers["Access-Control-Allow-Headers"].lower()
    status, body, _ = preflight(server, "http://evil.example")
    assert_json_error(status, body, 403, "origin_not_allowed")


def test_a_config_file_configures_the_running_server(tmp_path):
    config = tmp_path / "server.toml"
    config.write_text('allowed_origins = ["http://from-the-file.example"]\nmax_message_chars = 10\n')
    with running_server(args=["--config", str(config)]) as url:
        status, _, headers = chat(url, "hi", headers={"Origin": "http://from-the-file.example"})
        assert status == 200 and headers["Access-Control-Allow-Origin"] == "http://from-the-file.example"
        assert_json_error(*chat(url, "a" * 11)[:2], 413, "text_too_long")


def test_star_allows_any_origin():
    with running_server({"allowed_origins": ["*"]}) as url:
        status, _, headers = chat(url, "hi", headers={"Origin": "http://anywhere.example"})
        assert status == 200 and headers["Access-Control-Allow-Origin"] == "http://anywhere.example"


# ---------------------------------------------------------------- widget, demo page, static files

@pytest.mark.parametrize("path,content_type", [("/widget.js", "text/javascript"), ("/widget.css", "text/css")])
def test_widget_files_load_from_any_origin_and_are_cached(server, path, content_type):
    status, body, headers = get(server + path, headers={"Origin": "http://evil.example"})
    assert status == 200 and body
    assert headers["Content-Type"].startswith(content_type) and "charset=utf-8" in headers["Content-Type"]
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "max-age=" in headers["Cache-Control"] and headers["ETag"]
    status, body, _ = get(server + path, headers={"If-None-Match": headers["ETag"]})
    assert status == 304 and not body


def test_the_demo_page_embeds_the_widget(server):
    status, body, headers = get(server + "/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert b'src="/widget.js"' in body


def test_static_files_are_served_and_paths_cannot_escape(server):
    status, _, headers = get(server + "/static/site.css")
    assert status == 200 and headers["Content-Type"].startswith("text/css")
    status, body, _ = get(server + "/static/..%2F..%2Fassistant%2Fsettings.py")
    assert status == 404 and b"SETTINGS" not in body


# ---------------------------------------------------------------- production serving

def test_gunicorn_serves_health_chat_and_the_widget(gunicorn_server):
    status, body, _ = get(gunicorn_server + "/health")
    assert status == 200 and json.loads(body)["status"] == "ok"
    status, answer, _ = chat(gunicorn_server, "do I need a degree?")
    assert status == 200 and answer["reply"]["intent"] == "faq"
    status, refused, _ = chat(gunicorn_server, "hi", headers={"Origin": "http://evil.example"})
    assert_json_error(status, refused, 403, "origin_not_allowed")
    status, _, headers = get(gunicorn_server + "/widget.js")
    assert status == 200 and headers["Access-Control-Allow-Origin"] == "*"


# ---------------------------------------------------------------- the factory, in process

class StubAssistant:
    """Only the interface transports may use (docs/ARCHITECTURE.md)."""

    class knowledge:
        sections = ["one section"]

    def __init__(self):
        self.sessions = {}

    def has_session(self, session_id):
        return session_id in self.sessions

    def welcome(self, session_id):
        session_id = session_id if self.has_session(session_id) else f"s{len(self.sessions) + 1}"
        self.sessions.setdefault(session_id, [])
        return session_id, {"intent": "greet", "text": "Hi"}

    def respond(self, session_id, text):
        session_id, _ = self.welcome(session_id)
        self.sessions[session_id].append(text)
        return session_id, {"intent": "faq", "text": f"turn {len(self.sessions[session_id])}"}


def test_importing_the_app_module_loads_nothing():
    import subprocess
    import sys
    code = "import sys, assistant.web_app; print('assistant.engine' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "False", result.stderr


def test_the_factory_takes_partial_settings_and_any_assistant():
    from assistant.web_app import create_app
    client = create_app({"max_message_chars": 5, "log_conversations": False}, assistant=StubAssistant()).test_client()
    assert client.get("/health").get_json()["sections"] == 1
    first = client.post("/api/chat", json={"message": "hi"}).get_json()
    second = client.post("/api/chat", json={"message": "again", "session_id": first["session_id"]}).get_json()
    assert second["session_id"] == first["session_id"] and second["reply"]["text"] == "turn 2"
    response = client.post("/api/chat", json={"message": "too long"})
    assert_json_error(response.status_code, response.get_json(), 413, "text_too_long")
