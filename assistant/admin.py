"""/admin: the editors' inbox, behind the admin_token setting.

Off (404) unless `admin_token` is set. A request is let in with `Authorization: Bearer <token>`,
or with the cookie the login form sets (HttpOnly, SameSite=Strict, path /admin; its value is a
keyed hash of the token, never the token). Both are compared in constant time. Every /admin
response, errors included, carries `Cache-Control: no-store`. The page reads the log through its
own database connection, so reading never holds up the writer.
"""
from __future__ import annotations

import csv
import hashlib
import hmac
import io
import logging
import threading
import time
from collections import deque

from flask import Flask, Response, redirect, request

from assistant.admin_page import CSP, render_inbox, render_login, render_message
from assistant.inbox import TABLES, build_inbox, parse_period

LOG = logging.getLogger("course_assistant.admin")
COOKIE = "ca_admin"
COOKIE_AGE = 12 * 3600                  # seconds a login lasts
FAILED_LOGINS = 10                      # wrong tokens per minute before logins pause
DEFAULT_PERIOD = "7d"


def cookie_value(token: str) -> str:
    return hmac.new(token.encode(), b"course-assistant admin cookie v1", hashlib.sha256).hexdigest()


class AdminGate:
    """Who may see /admin: the token in a header, or the login cookie."""

    def __init__(self, token: str):
        self.token = token.encode()
        self.cookie = cookie_value(token).encode()
        self.failures: deque[float] = deque()
        self._lock = threading.Lock()

    def allowed(self) -> bool:
        header = request.headers.get("Authorization", "")
        if header[:7].lower() == "bearer ":
            return hmac.compare_digest(header[7:].strip().encode(), self.token)
        return hmac.compare_digest(request.cookies.get(COOKIE, "").encode(), self.cookie)

    def check_login(self, given: str) -> bool:
        return hmac.compare_digest(given.encode(), self.token)

    def too_many_failures(self) -> bool:
        with self._lock:
            while self.failures and self.failures[0] < time.monotonic() - 60:
                self.failures.popleft()
            return len(self.failures) >= FAILED_LOGINS

    def failed(self):
        with self._lock:
            self.failures.append(time.monotonic())


def _html(text: str, status: int = 200, headers: dict | None = None) -> Response:
    response = Response(text, status=status, mimetype="text/html")
    response.headers.update(headers or {})
    return response


def table_csv(name: str, rows: list[dict]) -> str:
    """One inbox table as CSV (lists joined with ' | ')."""
    out = io.StringIO()
    writer = csv.writer(out)
    columns = TABLES[name]
    writer.writerow(columns)
    for row in rows:
        writer.writerow([" | ".join(map(str, row[c])) if isinstance(row[c], list) else row[c] for c in columns])
    return out.getvalue()


def register_admin(app: Flask):
    parts = app.extensions["course_assistant"]
    settings = parts["settings"]

    @app.after_request
    def admin_headers(response):
        if request.path == "/admin" or request.path.startswith("/admin/"):
            response.headers["Cache-Control"] = "no-store"
            response.headers["X-Frame-Options"] = "DENY"
            response.headers["Content-Security-Policy"] = CSP
            response.headers["Referrer-Policy"] = "no-referrer"
            response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    if not settings.get("admin_token"):
        return                              # no routes: /admin answers the app's 404
    gate = AdminGate(settings["admin_token"])
    reader = {"store": None}
    reader_lock = threading.Lock()

    def store():
        from assistant.log_store import log_location, open_store
        with reader_lock:
            if reader["store"] is None:
                reader["store"] = open_store(log_location(settings))
            return reader["store"]

    def refuse():
        return _html(render_login(), 401, {"WWW-Authenticate": 'Bearer realm="course-assistant admin"'})

    def period_of() -> tuple[str, float] | Response:
        period = request.args.get("since", DEFAULT_PERIOD)
        try:
            return period, parse_period(period)
        except ValueError as error:
            return _html(render_message("Bad period", str(error)), 400)

    def read_inbox(seconds: float):
        if not settings.get("log_conversations", True):      # no log: no database is opened at all
            return _html(render_message("Logging is off", "The server keeps no conversation log "
                                        "(log_conversations = false), so there is nothing to show."), 200)
        reading = store()
        try:
            return build_inbox(reading, seconds, knowledge=getattr(parts["assistant"], "knowledge", None))
        except Exception as error:
            reading.reset()
            LOG.warning("admin: cannot read the conversation log %s: %s", reading.label, error)
            return _html(render_message("The log cannot be read", f"The conversation log's database cannot be read "
                                        f"right now ({type(error).__name__}). Try again in a minute."), 503)

    @app.get("/admin")
    def admin_inbox():
        if not gate.allowed():
            return refuse()
        chosen = period_of()
        if isinstance(chosen, Response):
            return chosen
        period, seconds = chosen
        inbox = read_inbox(seconds)
        if isinstance(inbox, Response):
            return inbox
        return _html(render_inbox(inbox, period))

    @app.get("/admin/export/<name>.csv")
    def admin_export(name):
        if not gate.allowed():
            return refuse()
        if name not in TABLES:
            return _html(render_message("No such table", f"Tables: {', '.join(TABLES)}."), 404)
        chosen = period_of()
        if isinstance(chosen, Response):
            return chosen
        period, seconds = chosen
        inbox = read_inbox(seconds)
        if isinstance(inbox, Response):
            return inbox
        response = Response(table_csv(name, inbox["tables"][name]), mimetype="text/csv")
        response.headers["Content-Disposition"] = f'attachment; filename="{name}-{period}.csv"'
        return response

    @app.post("/admin/login")
    def admin_login():
        if gate.too_many_failures():
            return _html(render_login("Too many wrong tokens: wait a minute."), 429, {"Retry-After": "60"})
        if not gate.check_login(request.form.get("token", "")):
            gate.failed()
            return _html(render_login("That token is not right."), 401)
        response = redirect("/admin", code=303)
        response.set_cookie(COOKIE, cookie_value(settings["admin_token"]), max_age=COOKIE_AGE, path="/admin",
                            httponly=True, samesite="Strict", secure=request.is_secure)
        return response

    @app.post("/admin/logout")
    def admin_logout():
        response = redirect("/admin", code=303)
        response.delete_cookie(COOKIE, path="/admin", httponly=True, samesite="Strict", secure=request.is_secure)
        return response
