"""The Flask app: /health, /api/chat, /ws, /widget.js, the demo pages and /static/.

`create_app()` builds everything; nothing happens at import time. Serve it with `python run.py`
(threaded development server) or gunicorn (docs/SERVING.md).
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import threading
import time
from pathlib import Path

from flask import Flask, Response, current_app, jsonify, request, send_from_directory
from werkzeug.exceptions import RequestEntityTooLarge

from assistant.client_policy import ADDRESS_KEYS, ClientPolicy, Refusal
from assistant.sessions import SessionsFull
from assistant.compression import PrecompressedFile
from assistant.errors import KnowledgeError
from assistant.fd_limit import FileDescriptors, raise_open_files_limit
from assistant.paths import WEB_DIR
from assistant.protocol import MAX_ID_CHARS, ProtocolError, has_lone_surrogate, parse_feedback
from assistant.log_store import StoreError
from assistant.settings import SettingsError, load_settings
from assistant.shared_state import SharedStateError, rate_limiter, session_store
from assistant.turn_log import open_turn_log
from assistant.http_guards import json_error, register_guards

ASSET_MAX_AGE = 300                       # seconds browsers may keep widget.js and friends


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


def load_assistant(settings: dict):
    from assistant.engine import Assistant       # heavy: only when an app is built
    return Assistant.load(settings["knowledge_dir"] or None, cache_dir=settings["cache_dir"] or None,
                          session_ttl=settings["session_ttl"], max_sessions=settings["max_sessions"],
                          memo_entries=settings["memo_entries"], sessions=session_store(settings))


def create_app(settings: dict | None = None, assistant=None, turn_log=None) -> Flask:
    """The app. Without `settings`, they come from load_settings() (environment, config file);
    a dict given here (even a partial one) is checked and completed with the defaults alone.
    The assistant is loaded here, once, unless one is passed in; so is the conversation log
    (assistant/turn_log.py), which fails start-up with a StoreError naming an unusable database."""
    settings = load_settings() if settings is None else load_settings(environ={}, overrides=settings)
    raise_open_files_limit()                     # every websocket holds descriptors (assistant/fd_limit.py)
    assistant = assistant or load_assistant(settings)
    app = Flask(__name__, static_folder=None)
    app.config["MAX_CONTENT_LENGTH"] = settings["max_frame_bytes"]
    app.extensions["course_assistant"] = {
        "assistant": assistant,
        "settings": settings,
        # One key per session; sessions beyond max_sessions are gone anyway, so their counts may go too.
        # In Redis when redis_url is set (assistant/shared_state.py), like the per-address limits; there
        # it also reads the session in the same round trip.
        "limiter": rate_limiter(settings, max_keys=settings["max_sessions"] + 1000,
                                sessions=getattr(assistant, "sessions", None)),
        "policy": ClientPolicy(
            settings,
            messages=rate_limiter(settings, settings["address_rate_limit_messages"], settings["rate_limit_window"],
                                  max_keys=ADDRESS_KEYS),
            new_sessions=rate_limiter(settings, settings["address_new_sessions"],
                                      settings["address_new_sessions_window"], max_keys=ADDRESS_KEYS)),
        "descriptors": FileDescriptors(),
        "json_error": json_error,
        "unanswered": UnansweredLog(settings["unanswered_log"]),
        "turn_log": turn_log or open_turn_log(settings),
    }
    app.wsgi_app = close_after_refusing_a_body(app.wsgi_app)
    register_guards(app, settings)
    register_api(app)
    register_pages(app, assistant)
    from assistant.ws_handler import register_socket
    register_socket(app)
    from assistant.admin import register_admin
    register_admin(app)
    return app


def close_after_refusing_a_body(wsgi_app):
    """A 413 leaves the rest of the body unread: the connection must end after the answer. The
    app says `Connection: close`, which the development server obeys; gunicorn drops hop-by-hop
    headers from apps, so its response object (whose method `start_response` is) is told directly."""

    def app(environ, start_response):
        def start(status, headers, exc_info=None):
            if status.startswith("413"):
                force_close = getattr(getattr(start_response, "__self__", None), "force_close", None)
                if force_close is not None:
                    force_close()
            return start_response(status, headers, exc_info)

        return wsgi_app(environ, start)

    return app


class ChatInputError(ValueError):
    """Bad input to /api/chat: the status, code and message of the JSON error to answer."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def read_json_body():
    """The body as JSON whatever its Content-Type (curl -d sends a form type), or None when it is
    not JSON, is nested too deeply to read, or is not UTF-8. A body over MAX_CONTENT_LENGTH (by
    its Content-Length, or as read when chunked) raises 413."""
    data = request.get_data(cache=True)
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit and len(data) >= limit and request.stream.read(1):     # a chunked body is cut at the limit:
        raise RequestEntityTooLarge()                                 # is there more? (reading raises too)
    try:
        return json.loads(data)
    except (ValueError, RecursionError):
        return None


def read_chat_request(settings: dict) -> tuple[str, str | None]:
    """(message, session_id) from the JSON body, or ChatInputError."""
    body = read_json_body()
    if body is None:
        raise ChatInputError(400, "bad_json", 'Send a JSON body like {"message": "best python course"}.')
    if not isinstance(body, dict):
        raise ChatInputError(400, "not_object", f"The JSON body must be an object; got {type(body).__name__}.")
    message, session_id = body.get("message"), body.get("session_id")
    if not isinstance(message, str) or not message.strip():
        got = "nothing" if message is None else ("blank text" if isinstance(message, str) else type(message).__name__)
        raise ChatInputError(400, "missing_message", f"'message' must be a non-empty string; got {got}.")
    if has_lone_surrogate(message):
        raise ChatInputError(400, "bad_text", "'message' holds a lone surrogate (an escape like \\ud800 without "
                                              "its pair); send valid Unicode.")
    if len(message) > settings["max_message_chars"]:
        raise ChatInputError(413, "text_too_long", f"Messages are limited to {settings['max_message_chars']} "
                                                   f"characters; this one has {len(message)}.")
    if session_id is not None and (not isinstance(session_id, str) or len(session_id) > MAX_ID_CHARS
                                   or has_lone_surrogate(session_id)):
        raise ChatInputError(400, "bad_session", f"'session_id' must be a string of at most {MAX_ID_CHARS} "
                                                 f"characters; got {type(session_id).__name__}.")
    return message, session_id or None


def register_api(app: Flask):
    parts = app.extensions["course_assistant"]
    assistant, settings, limiter, policy = parts["assistant"], parts["settings"], parts["limiter"], parts["policy"]

    @app.get("/health")
    def health():
        knowledge = assistant.knowledge
        return jsonify({"status": "ok", "courses": len(getattr(knowledge, "courses", ())),
                        "faqs": len(getattr(knowledge, "faqs", ())), "sections": len(knowledge.sections),
                        "sessions": len(getattr(assistant, "sessions", ())),
                        "connections": getattr(parts.get("connections"), "open", None)})

    @app.route("/api/chat", methods=["POST", "OPTIONS"])
    def chat():
        if request.method == "OPTIONS":          # CORS preflight; headers added after the request
            return Response(status=204)
        try:
            message, session_id = read_chat_request(settings)
        except ChatInputError as error:
            return json_error(error.status, error.code, error.message)
        address = policy.address(request.environ)
        # A message counts for its session, then (when allowed there) for its address: with Redis,
        # one round trip; a request without a session counts for its address alone.
        wait, address_wait = limiter.wait_times(session_id, policy.messages, policy.message_key(address)) \
            if session_id else (0, None)
        if wait:
            return json_error(429, "rate_limited", f"Too many messages: at most {limiter.limit} every "
                                                   f"{limiter.window:g} seconds. Try again in {math.ceil(wait)} s.",
                              headers={"Retry-After": str(math.ceil(wait))})
        try:
            policy.check_message(address, address_wait)   # every request counts for its address, with a session or not
            if not (session_id and assistant.has_session(session_id)):
                policy.check_new_session(address)
        except Refusal as refusal:
            return json_error(429, refusal.code, refusal.message,
                              headers={"Retry-After": str(math.ceil(refusal.retry_after))})
        known = session_id
        started = time.perf_counter()
        try:
            session_id, reply = assistant.respond(session_id, message)
        except SessionsFull as full:             # a new conversation would evict one in use
            return json_error(503, "busy", f"The assistant is holding {full.capacity} conversations in use; try "
                                           f"again in {math.ceil(full.retry_after)} s.",
                              headers={"Retry-After": str(max(1, math.ceil(full.retry_after)))})
        if session_id != known:                  # a new session: its first message counts too
            limiter.allow(session_id)
        if reply.get("intent") == "out_of_scope":
            parts["unanswered"].add([message])
        turn_id = parts["turn_log"].record(session_id, message, reply, time.perf_counter() - started,
                                           transport="http")
        return jsonify({"session_id": session_id, **({"turn_id": turn_id} if turn_id else {}), "reply": reply})

    @app.route("/api/feedback", methods=["POST", "OPTIONS"])
    def feedback():
        return note_feedback("feedback")

    @app.route("/api/course_click", methods=["POST", "OPTIONS"])
    def course_click():
        return note_feedback("course_click")

    def note_feedback(kind: str):
        """A visitor's vote on a reply, or a click on a course card: the websocket frame's body
        with the session_id (docs/PROTOCOL.md)."""
        if request.method == "OPTIONS":
            return Response(status=204)
        body = request.get_json(force=True, silent=True)
        if not isinstance(body, dict):
            return json_error(400, "bad_json", 'Send a JSON object like {"session_id": "...", "turn_id": "...", '
                                               + ('"vote": "up"}.' if kind == "feedback" else '"course_id": "..."}.'))
        session_id = body.get("session_id")
        if (not isinstance(session_id, str) or not session_id or len(session_id) > MAX_ID_CHARS
                or has_lone_surrogate(session_id)):
            return json_error(400, "bad_session", "'session_id' must be the session's id (a string of at most "
                                                  f"{MAX_ID_CHARS} characters).")
        try:
            frame = parse_feedback({**body, "type": kind})
        except ProtocolError as error:
            return json_error(400, error.code, error.message)
        log = parts["turn_log"]
        if kind == "feedback":
            logged = log.vote(session_id, frame["turn_id"], frame["vote"])
        else:
            logged = log.course_click(session_id, frame["turn_id"], frame["course_id"])
        return jsonify({"noted": kind, "logged": bool(logged)})


def register_pages(app: Flask, assistant):
    assets = {name: PrecompressedFile(WEB_DIR / name) for name in ("widget.js", "widget.css")}

    @app.get("/widget.js")
    def widget_script():
        return serve_asset(assets["widget.js"], "text/javascript")

    @app.get("/widget.css")
    def widget_styles():
        return serve_asset(assets["widget.css"], "text/css")

    @app.get("/static/<path:name>")
    def static_file(name):
        return send_from_directory(WEB_DIR / "static", name, max_age=ASSET_MAX_AGE)

    @app.get("/favicon.ico")
    def favicon():
        return Response(status=204)

    settings = app.extensions["course_assistant"]["settings"]

    @app.get("/")
    def demo():
        return render_page(assistant.knowledge, "article", settings)

    @app.get("/about")
    def about():
        return render_page(assistant.knowledge, "about", settings)


def render_page(knowledge, page: str, settings: dict | None = None) -> Response:
    from assistant.demo_page import render_demo_page
    from assistant.privacy_note import privacy_note
    return Response(render_demo_page(knowledge, page=page, privacy=privacy_note(settings or {})), mimetype="text/html")


def serve_asset(asset: PrecompressedFile, mimetype: str) -> Response:
    """A widget file for any origin's pages: cached briefly, revalidated by ETag, gzipped when
    accepted. (Flask adds the one `charset=utf-8` to a text mimetype.)"""
    response = asset.response(mimetype, ASSET_MAX_AGE)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def serve(argv: list[str] | None = None) -> int:
    """`python run.py [--host H] [--port P] [--config FILE]`: the threaded development server."""
    parser = argparse.ArgumentParser(prog="run.py", description="Serve the course assistant (docs/SETTINGS.md).")
    parser.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to listen on (default 8000)")
    parser.add_argument("--config", help="TOML file of settings (default $COURSE_ASSISTANT_CONFIG)")
    args = parser.parse_args(argv)
    try:
        settings = load_settings(args.config, overrides={"host": args.host, "port": args.port})
        app = create_app(settings)
    except (SettingsError, KnowledgeError, SharedStateError, StoreError) as error:
        print(f"course-assistant: {error}", file=sys.stderr)
        return 2
    print(f"Course Assistant on http://{settings['host']}:{settings['port']}/", flush=True)
    app.run(host=settings["host"], port=settings["port"], threaded=True, use_reloader=False)
    return 0
