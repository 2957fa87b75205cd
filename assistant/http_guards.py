"""What every HTTP request passes and every response carries: the Host and Origin checks, CORS
headers on the API, the security headers, and one JSON shape for every error."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from assistant.client_policy import forwarded_scheme
from assistant.compression import compress_response

CHECKED_PATHS = ("/api/", "/ws")          # cross-origin calls here need an allowed Origin
DEFAULT_PORTS = {"http": "80", "https": "443", "ws": "80", "wss": "443"}
# On every response; pages (HTML) also get the page policy below.
COMMON_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "strict-origin-when-cross-origin"}


def json_error(status: int, code: str, message: str, headers: dict | None = None) -> Response:
    """The one error shape: {"error": {"code", "message"}}."""
    response = jsonify({"error": {"code": code, "message": message}})
    response.status_code = status
    response.headers.update(headers or {})
    return response


def _scheme_host_port(scheme: str, netloc: str) -> tuple[str, str, str] | None:
    """(scheme, host, port) with the scheme's default port filled in, or None if unreadable."""
    try:
        parts = urlsplit(f"{scheme}://{netloc}")
        host, port = (parts.hostname or "").lower(), parts.port
    except ValueError:
        return None
    if not host:
        return None
    return scheme.lower(), host, str(port) if port is not None else DEFAULT_PORTS.get(scheme.lower(), "")


def origin_allowed(origin: str | None, host: str, allowed: list[str], scheme: str = "http") -> bool:
    """No Origin (scripts, curl), the server's own origin (the scheme, host and port the request
    came to), an allowlisted origin, or any origin when `*` is configured.

    >>> origin_allowed("http://site.example:8000", "site.example:8000", [])
    True
    >>> origin_allowed("https://site.example:8000", "site.example:8000", [])   # another scheme
    False
    >>> origin_allowed("https://site.example", "site.example", [], scheme="https")
    True
    """
    if not origin or "*" in allowed:
        return True
    parts = urlsplit(origin)
    own = _scheme_host_port(scheme, host)
    if own is not None and parts.scheme and _scheme_host_port(parts.scheme, parts.netloc) == own:
        return True
    return origin.rstrip("/") in allowed


def host_allowed(host: str, server_names: list[str]) -> bool:
    """The Host header names this server: any when `server_names` is empty; a name without a
    port allows any port.

    >>> host_allowed("evil.example:8000", ["localhost", "127.0.0.1"]), host_allowed("localhost:8000", ["localhost"])
    (False, True)
    """
    if not server_names:
        return True
    asked = _scheme_host_port("http", host)
    if asked is None:
        return False
    for allowed in server_names:
        wanted = _scheme_host_port("http", allowed)
        try:
            any_port = urlsplit("http://" + allowed).port is None
        except ValueError:
            continue
        if wanted is not None and wanted[1] == asked[1] and (any_port or wanted[2] == asked[2]):
            return True
    return False


def page_headers() -> dict:
    """Security headers for the HTML pages: the page's CSP (as its meta tag, plus who may frame it)."""
    from assistant.demo_page import content_security_policy
    return {"Content-Security-Policy": content_security_policy("/widget.js") + "; frame-ancestors 'self'",
            "X-Frame-Options": "SAMEORIGIN"}


def register_guards(app: Flask, settings: dict):
    """Origins, CORS, and JSON for every error."""

    policy, descriptors = app.extensions["course_assistant"]["policy"], app.extensions["course_assistant"]["descriptors"]

    @app.before_request
    def check_origin():
        if descriptors.requests_refused():
            return json_error(503, "busy", "The server is near its limit of open files; try again in a minute.",
                              headers={"Retry-After": "30", "Connection": "close"})
        host = request.headers.get("Host", "")
        if not host_allowed(host, settings["server_names"]):
            return json_error(400, "bad_host", f"This server does not answer to the host {host[:100]!r}; "
                                               "add it to the server_names setting.")
        origin = request.headers.get("Origin")
        scheme = forwarded_scheme(request.environ, policy.trusted_proxies)
        if request.path.startswith(CHECKED_PATHS) and not origin_allowed(origin, host, settings["allowed_origins"],
                                                                         scheme):
            return json_error(403, "origin_not_allowed",
                              f"Origin {origin[:200]} is not allowed; add it to the allowed_origins setting.")
        return None

    @app.after_request
    def add_cors_headers(response):
        for name, value in COMMON_HEADERS.items():
            response.headers.setdefault(name, value)
        if response.mimetype == "text/html":
            for name, value in page_headers().items():
                response.headers.setdefault(name, value)
        if response.status_code == 413:          # the rest of the body is not read: say the connection ends
            response.headers["Connection"] = "close"
        origin = request.headers.get("Origin")
        if request.path.startswith("/api/"):
            response.vary.add("Origin")
            if origin and response.status_code != 403:      # refused origins were stopped before
                response.headers["Access-Control-Allow-Origin"] = origin
                response.headers["Access-Control-Allow-Methods"] = "POST, OPTIONS"
                response.headers["Access-Control-Allow-Headers"] = "Content-Type"
                response.headers["Access-Control-Max-Age"] = "600"
        return response

    app.after_request(compress_response)         # JSON replies and pages, gzipped when accepted

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        messages = {
            400: "Bad request" + (": use a websocket client for /ws" if request.path == "/ws" else "."),
            404: f"No such path: {request.path[:200]}",
            405: f"{request.method} is not allowed on {request.path[:200]}.",
            413: f"Requests are limited to {settings['max_frame_bytes']} bytes"
                 + (f"; this one has {request.content_length}." if request.content_length else "."),
        }
        codes = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "body_too_large"}
        code = codes.get(error.code, (error.name or "error").lower().replace(" ", "_"))
        return json_error(error.code or 500, code, messages.get(error.code, error.description or error.name))

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("unexpected error on %s %s", request.method, request.path)
        return json_error(500, "internal_error", "The assistant failed on this request; it has been logged.")
