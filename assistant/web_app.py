"""The Flask app: /health, /api/chat, /ws, /widget.js, and the demo page.

`create_app()` builds everything; nothing happens at import time. Serve it with `python run.py`
(threaded development server) or gunicorn (see docs/SERVING.md).
"""
from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, Response, jsonify, request, send_from_directory

from assistant.errors import KnowledgeError
from assistant.ratelimit import RateLimiter
from assistant.settings import SettingsError, load_settings

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
CROSS_ORIGIN_PATHS = ("/api/", "/ws")


def json_error(status: int, code: str, message: str) -> Response:
    response = jsonify({"error": {"code": code, "message": message}})
    response.status_code = status
    return response


class UnansweredLog:
    """Questions the assistant could not answer, appended to a file for editors to review."""

    def __init__(self, path: str):
        self.path = Path(path) if path else None
        self._lock = threading.Lock()

    def add(self, questions):
        if not self.path or not questions:
            return
        with self._lock, self.path.open("a", encoding="utf-8") as handle:
            for question in questions:
                handle.write(" ".join(question.split())[:500] + "\n")


def origin_allowed(origin: str | None, host_url: str, allowed: list[str]) -> bool:
    """Requests without an Origin (scripts, curl) and from the server's own origin always pass."""
    if not origin:
        return True
    if "*" in allowed:
        return True
    own = urlsplit(host_url)
    theirs = urlsplit(origin)
    if theirs.netloc == own.netloc:
        return True
    return origin.rstrip("/") in {a.rstrip("/") for a in allowed}


def create_app(settings: dict | None = None, assistant=None) -> Flask:
    settings = settings or load_settings()
    if assistant is None:
        from assistant.engine import Assistant
        assistant = Assistant.load(settings["knowledge_dir"] or None, cache_dir=settings["cache_dir"] or None,
                                   session_ttl=settings["session_ttl"], max_sessions=settings["max_sessions"])
    app = Flask(__name__, static_folder=None)
    app.config["MAX_CONTENT_LENGTH"] = settings["max_frame_bytes"]
    app.config["SOCK_SERVER_OPTIONS"] = {
        "ping_interval": settings["ping_interval"] or None,
        # Frames up to 16x the cap are read and answered with a structured error; beyond that the
        # transport closes the connection (1009) rather than buffering without limit.
        "max_message_size": settings["max_frame_bytes"] * 16,
    }
    app.extensions["course_assistant"] = {
        "assistant": assistant,
        "settings": settings,
        "limiter": RateLimiter(settings["rate_limit_messages"], settings["rate_limit_window"]),
        "unanswered": UnansweredLog(settings["unanswered_log"]),
    }

    @app.before_request
    def check_origin():
        if request.path.startswith(CROSS_ORIGIN_PATHS):
            origin = request.headers.get("Origin")
            if not origin_allowed(origin, request.host_url, settings["allowed_origins"]):
                return json_error(403, "origin_not_allowed",
                                  f"Origin {origin} is not allowed; add it to the allowed_origins setting.")
        return None

    @app.after_request
    def add_cors_headers(response):
        origin = request.headers.get("Origin")
        if origin and request.path.startswith("/api/") and response.status_code != 403:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Vary"] = "Origin"
            response.headers["Access-Control-Allow-Methods"] = "POST, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = "Content-Type"
        return response

    @app.errorhandler(413)
    def too_large(_error):
        return json_error(413, "body_too_large", f"Requests are limited to {settings['max_frame_bytes']} bytes.")

    @app.errorhandler(404)
    def not_found(_error):
        return json_error(404, "not_found", f"No such path: {request.path}")

    @app.errorhandler(405)
    def wrong_method(_error):
        return json_error(405, "method_not_allowed", f"{request.method} is not allowed on {request.path}")

    @app.get("/health")
    def health():
        counts = assistant.knowledge.counts()
        return jsonify({"status": "ok", "courses": counts["courses"], "faqs": counts["faqs"],
                        "sections": counts["sections"], "sessions": len(assistant.sessions)})

    @app.route("/api/chat", methods=["POST", "OPTIONS"])
    def chat():
        if request.method == "OPTIONS":
            return Response(status=204)
        body = request.get_json(silent=True)
        if body is None:
            return json_error(400, "bad_json", "Send a JSON body like {\"message\": \"best python course\"}.")
        if not isinstance(body, dict):
            return json_error(400, "not_object", "The JSON body must be an object.")
        message, session_id = body.get("message"), body.get("session_id")
        if not isinstance(message, str) or not message.strip():
            return json_error(400, "missing_message", "'message' must be a non-empty string.")
        if len(message) > settings["max_message_chars"]:
            return json_error(413, "text_too_long", f"Messages are limited to {settings['max_message_chars']} characters.")
        if session_id is not None and (not isinstance(session_id, str) or len(session_id) > 128):
            return json_error(400, "bad_session", "'session_id' must be a string.")
        limiter = app.extensions["course_assistant"]["limiter"]
        if session_id and not limiter.allow(session_id):
            return json_error(429, "rate_limited", f"Too many messages: at most {limiter.limit} every "
                                                   f"{limiter.window:g} seconds.")
        session_id, reply = assistant.respond(session_id, message)
        if reply["intent"] == "out_of_scope":
            app.extensions["course_assistant"]["unanswered"].add([message])
        return jsonify({"session_id": session_id, "reply": reply})

    @app.get("/widget.js")
    def widget_script():
        return _web_file("widget.js", "text/javascript; charset=utf-8")

    @app.get("/widget.css")
    def widget_styles():
        return _web_file("widget.css", "text/css; charset=utf-8")

    @app.get("/favicon.ico")
    def favicon():
        return Response(status=204)

    @app.get("/static/<path:name>")
    def static_file(name):
        return send_from_directory(WEB_DIR / "static", name, max_age=300)

    @app.get("/")
    def demo():
        from assistant.demo_page import render_demo_page
        return Response(render_demo_page(assistant.knowledge, page="article"), mimetype="text/html")

    @app.get("/about")
    def about():
        from assistant.demo_page import render_demo_page
        return Response(render_demo_page(assistant.knowledge, page="about"), mimetype="text/html")

    from assistant.ws_handler import register_socket
    register_socket(app)
    return app


def _web_file(name: str, mimetype: str) -> Response:
    response = send_from_directory(WEB_DIR, name, mimetype=mimetype, max_age=300)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def serve(argv: list[str] | None = None) -> int:
    """`python run.py [--host H] [--port P] [--config FILE]`: the threaded development server."""
    parser = argparse.ArgumentParser(prog="run.py", description="Serve the course assistant.")
    parser.add_argument("--host")
    parser.add_argument("--port", type=int)
    parser.add_argument("--config", help="TOML file of settings (see docs/SETTINGS.md)")
    args = parser.parse_args(argv)
    try:
        settings = load_settings(args.config, overrides={"host": args.host, "port": args.port})
        app = create_app(settings)
    except (SettingsError, KnowledgeError) as exc:
        print(f"course-assistant: {exc}", file=sys.stderr)
        return 2
    print(f"Course Assistant on http://{settings['host']}:{settings['port']}/", flush=True)
    app.run(host=settings["host"], port=settings["port"], threaded=True, use_reloader=False)
    return 0
