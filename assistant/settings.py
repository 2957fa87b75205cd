"""Every server setting in one table: defaults < config file (TOML) < environment < command line.

>>> settings = load_settings(environ={"COURSE_ASSISTANT_PORT": "9000"})
>>> settings["port"], settings["host"]
(9000, '127.0.0.1')

`python -m assistant.settings > docs/SETTINGS.md` regenerates the documentation.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ENV_PREFIX = "COURSE_ASSISTANT_"
CONFIG_ENV = ENV_PREFIX + "CONFIG"       # names the config file when --config is not given


class SettingsError(ValueError):
    """A setting has a value it cannot take; the message names the setting and the value."""


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    kind: type
    help: str
    minimum: float | None = 0            # smallest accepted value, for numbers

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.name.upper()


KiB = 1024
WORKER_CLASSES = ("gevent", "gthread")
SETTINGS = [
    Setting("host", "127.0.0.1", str, "Address to listen on (`0.0.0.0` for every interface)."),
    Setting("port", 8000, int, "Port to listen on."),
    Setting("knowledge_dir", "", str, "Knowledge folder; empty means the project's `knowledge/`."),
    Setting("cache_dir", "", str, "Folder for the cache of the built indexes and models (rebuilt whenever the knowledge "
            "or the code changes); empty means the user's cache folder (`~/.cache/course-assistant` on Linux), `off` turns "
            "it off."),
    Setting("allowed_origins", [], list, "Origins (`https://site.example`) allowed to open the websocket and call the "
            "API cross-origin, besides the server's own origin (always allowed). `*` allows any origin. "
            "Comma-separated in the environment."),
    Setting("session_ttl", 1800.0, float, "Seconds a conversation is kept after its last message.", minimum=1),
    Setting("max_sessions", 10000, int, "Conversations kept in memory at most; the least recently used goes first "
            "(without `redis_url`; Redis keeps as many as its `maxmemory` allows).",
            minimum=1),
    Setting("active_session_seconds", 600.0, float, "Seconds after its last message a conversation counts as in "
            "use: when `max_sessions` are held, only one idle longer than this makes room for a new one; otherwise "
            "the new conversation is refused (HTTP 503 `busy`, websocket `too_many_connections`), so a flood of new "
            "sessions never evicts a learner's conversation. 0 evicts the least recently used at once.", minimum=0),
    Setting("max_message_chars", 2000, int, "Longest message text accepted, in characters.", minimum=1),
    Setting("max_frame_bytes", 64 * KiB, int, "Largest websocket frame or HTTP body answered with a structured "
            "error; a frame 16 times larger is closed by the transport (code 1009).", minimum=1 * KiB),
    Setting("memo_entries", 4096, int, "Recent message readings (spelling, filters) and course rankings kept, so a "
            "question asked again is answered without redoing them; both depend only on their inputs. 0 keeps none."),
    Setting("rate_limit_messages", 20, int, "Messages a session may send per `rate_limit_window` seconds.", minimum=1),
    Setting("rate_limit_window", 10.0, float, "Length of the rate-limit window, in seconds.", minimum=0.001),
    Setting("max_connections", 1000, int, "Open websocket connections at most (with `redis_url`, across every worker and "
            "machine sharing it); beyond it a connection gets a `too_many_connections` error frame and is closed (code 1013).", minimum=1),
    Setting("ping_interval", 25.0, float, "Seconds between websocket keep-alive pings; a client that misses a pong "
            "is closed. 0 turns pings off."),
    Setting("abuse_limit", 50, int, "Consecutive bad frames after which a websocket is closed (code 1008).", minimum=1),
    Setting("threads", 0, int, "Gunicorn worker threads (each open websocket holds one); 0 means "
            "`max_connections` + 64, so every allowed websocket gets a thread and HTTP still does."),
    Setting("redis_url", "", str, "Redis holding the conversations, rate-limit counters and open-connection count "
            "that every worker and machine shares (`redis://127.0.0.1:6379/0`); conversations then survive restarts and "
            "`max_sessions` gives way to Redis's own memory limit. Empty keeps them in the process's memory, which "
            "allows one worker only."),
    Setting("workers", 0, int, "Gunicorn worker processes; 0 means one per CPU core when `redis_url` is set, else "
            "one. More than one needs `redis_url`: without it start-up is refused."),
    Setting("worker_class", "gevent", str, "Gunicorn worker model: `gevent` (an event loop: an open websocket costs a "
            "greenlet, not a thread) or `gthread` (threads). docs/SERVING.md has the measurements behind the default."),
    Setting("max_connections_per_address", 50, int, "Open websocket connections one client address may hold; beyond "
            "it a connection gets `too_many_connections` and is closed (code 1013).", minimum=1),
    Setting("address_rate_limit_messages", 100, int, "Messages one client address may send per `rate_limit_window` "
            "seconds, all its sessions together (HTTP and websocket; requests without a session count too).",
            minimum=1),
    Setting("address_new_sessions", 30, int, "New conversations one client address may start per "
            "`address_new_sessions_window` seconds; beyond it `too_many_sessions` (HTTP 429, or an error frame and "
            "close 1013), so a flood cannot push out the conversations of others.", minimum=1),
    Setting("address_new_sessions_window", 60.0, float, "Length of the new-conversation window, in seconds.",
            minimum=0.001),
    Setting("trusted_proxies", [], list, "Addresses or ranges (`127.0.0.1`, `10.0.0.0/8`) of reverse proxies whose "
            "`X-Forwarded-For` and `X-Forwarded-Proto` are believed; from any other peer they are ignored and the "
            "peer's own address is the client's. Comma-separated in the environment."),
    Setting("server_names", [], list, "Host names (`assistant.example.com`, `localhost:8000`) the server answers to; "
            "a request with another `Host` gets 400 `bad_host` (stops DNS rebinding). A name without a port allows "
            "any port. Empty allows any Host. Comma-separated in the environment."),
    Setting("max_queued_frames", 32, int, "Frames a websocket client may have waiting to be answered (at most "
            "16 x `max_frame_bytes` bytes of them); one more and the connection is closed (code 1008).", minimum=1),
    Setting("send_timeout", 10.0, float, "Seconds a websocket send may wait for a client that does not read its "
            "frames; then the connection is cut off.", minimum=0.1),
    Setting("hello_wait", 0.25, float, "Seconds a new websocket waits for a first `hello` frame carrying the "
            "session id before it welcomes a new session; a `hello` in time is answered by the one welcome. "
            "0 welcomes at once.", minimum=0),
    Setting("request_timeout", 15.0, float, "Under gunicorn: seconds an HTTP request may take from its first byte "
            "to the end of its answer (headers and body included; not websockets once upgraded); a slower "
            "connection is closed, so slow clients cannot hold the worker's threads or connection slots (gthread and "
            "gevent workers).", minimum=1),
    Setting("unanswered_log", "", str, "File to append questions the assistant could not answer (out of scope), "
            "for editors to review; empty turns it off."),
    # The conversation log and the /admin inbox (docs/PRIVACY.md says what is kept).
    Setting("log_conversations", True, bool, "Keep a log of each turn (time, conversation id, the message with "
            "e-mail addresses and phone numbers masked, what the assistant understood and answered, latency) and "
            "of visitors' thumbs and course-card clicks, for the /admin inbox and `course-assistant review`. "
            "No IP addresses are stored."),
    Setting("log_retention_days", 30.0, float, "Days a logged turn, vote or click is kept; older rows are deleted.",
            minimum=0.001),
    Setting("data_dir", "", str, "Folder of the conversation log's SQLite file (`conversations.sqlite3`); empty means "
            "the user's data folder (`$XDG_DATA_HOME/course-assistant`, else `~/.local/share/course-assistant`)."),
    Setting("database_url", "", str, "A PostgreSQL database for the conversation log instead of SQLite "
            "(`postgresql://user:password@host/dbname`), so that several servers share one log."),
    Setting("log_optional", False, bool, "When the log's database cannot be used at start-up (a corrupted SQLite "
            "file, a schema newer than this code), run without a log instead of refusing to start."),
    Setting("admin_token", "", str, "Secret that opens the /admin inbox (at least 16 characters); empty turns "
            "/admin off (404)."),
]
BY_NAME = {s.name: s for s in SETTINGS}


def _refuse(setting: Setting, source: str, value, why: str):
    raise SettingsError(f"setting {setting.name!r} from {source}: {why}, got {value!r}")


def _check_origin(setting: Setting, source: str, origin: str):
    if origin == "*":
        return
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/") or parts.query:
        _refuse(setting, source, origin, "each origin must be `*` or a scheme and host like https://site.example")


def _check_network(setting: Setting, source: str, network: str):
    import ipaddress
    try:
        ipaddress.ip_network(network, strict=False)
    except ValueError:
        _refuse(setting, source, network, "each entry must be an IP address or range like 10.0.0.0/8")


def _check_server_name(setting: Setting, source: str, name: str):
    if not name or "/" in name or " " in name or "@" in name:
        _refuse(setting, source, name, "each entry must be a host name, optionally with a port, like example.com:8443")


LIST_CHECKS = {"allowed_origins": _check_origin, "trusted_proxies": _check_network, "server_names": _check_server_name}


def convert(setting: Setting, value, source: str):
    """`value` as the setting's type, or SettingsError naming the setting, the source and the value."""
    if setting.kind is list:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        if not isinstance(value, list) or not all(isinstance(part, str) for part in value):
            _refuse(setting, source, value, "expected a list of strings")
        for part in value:
            LIST_CHECKS[setting.name](setting, source, part)
        return [part.rstrip("/") for part in value]
    if setting.kind is bool:
        return _convert_bool(setting, source, value)
    if isinstance(value, bool) or (setting.kind is int and isinstance(value, float) and not value.is_integer()):
        _refuse(setting, source, value, f"expected {setting.kind.__name__}")
    if setting.kind is str and not isinstance(value, str):
        _refuse(setting, source, value, "expected a string")
    try:
        converted = setting.kind(value)
    except (TypeError, ValueError):
        _refuse(setting, source, value, f"expected {setting.kind.__name__}")
    if setting.kind is float and converted != converted:          # NaN
        _refuse(setting, source, value, "expected a number")
    if setting.kind in (int, float) and setting.minimum is not None and converted < setting.minimum:
        _refuse(setting, source, value, f"must be at least {setting.minimum:g}")
    if setting.name == "port" and converted > 65535:
        _refuse(setting, source, value, "must be a port number, 0-65535")
    if setting.name == "redis_url" and converted and urlsplit(converted).scheme not in ("redis", "rediss", "unix"):
        _refuse(setting, source, value, "must be a redis://, rediss:// or unix:// URL")
    if setting.name == "worker_class" and converted not in WORKER_CLASSES:
        _refuse(setting, source, value, f"must be one of {', '.join(WORKER_CLASSES)}")
    if setting.name == "host" and (not converted.strip() or " " in converted):
        _refuse(setting, source, value, "must be a host name or address")
    if setting.name == "admin_token" and converted and len(converted) < 16:
        _refuse(setting, source, "***", "must be at least 16 characters (or empty to turn /admin off)")
    return converted


def _convert_bool(setting: Setting, source: str, value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in TRUE_WORDS + FALSE_WORDS:
        return value.strip().lower() in TRUE_WORDS
    _refuse(setting, source, value, "expected true or false")


TRUE_WORDS, FALSE_WORDS = ("true", "1", "yes", "on"), ("false", "0", "no", "off")


def read_config_file(path: str | Path) -> dict:
    """The settings in a TOML file, converted and checked; unknown names are refused."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SettingsError(f"config file {path} not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise SettingsError(f"config file {path} cannot be read: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(f"config file {path} is not valid TOML: {error}") from None
    unknown = [name for name in data if name not in BY_NAME]
    if unknown:
        raise SettingsError(f"config file {path}: unknown setting {unknown[0]!r}; known: {', '.join(BY_NAME)}")
    return {name: convert(BY_NAME[name], value, f"config file {path}") for name, value in data.items()}


def read_environment(environ) -> dict:
    """The settings given as COURSE_ASSISTANT_<NAME> variables; a misspelt one is refused, not ignored."""
    known = {s.env for s in SETTINGS} | {CONFIG_ENV}
    unknown = sorted(name for name in environ if name.startswith(ENV_PREFIX) and name not in known)
    if unknown:
        raise SettingsError(f"unknown environment variable {unknown[0]}; known: {', '.join(sorted(known))}")
    return {s.name: convert(s, environ[s.env], f"${s.env}") for s in SETTINGS if s.env in environ}


def load_settings(config_file: str | Path | None = None, environ=None, overrides: dict | None = None) -> dict:
    """The settings, each from the last of: default, config file, environment, overrides (flags).

    Without `config_file`, the file named by $COURSE_ASSISTANT_CONFIG is read, if any; overrides
    whose value is None are skipped (flags not given)."""
    environ = os.environ if environ is None else environ
    values = {s.name: s.default for s in SETTINGS}
    config_file = config_file or environ.get(CONFIG_ENV) or None
    if config_file:
        values.update(read_config_file(config_file))
    values.update(read_environment(environ))
    for name, value in (overrides or {}).items():
        if value is None:
            continue
        if name not in BY_NAME:
            raise SettingsError(f"unknown setting {name!r}; known: {', '.join(BY_NAME)}")
        values[name] = convert(BY_NAME[name], value, "the command line")
    return values


def gunicorn_threads(settings: dict) -> int:
    """Threads for gunicorn's gthread worker: the setting, or enough for every allowed websocket."""
    return settings["threads"] or settings["max_connections"] + 64


def worker_count(settings: dict) -> int:
    """Gunicorn workers: the setting, or one per core when state is shared (redis_url), else one."""
    if settings["workers"]:
        return settings["workers"]
    return (os.cpu_count() or 1) if settings["redis_url"] else 1


def _show_default(setting: Setting) -> str:
    if isinstance(setting.default, bool):
        return str(setting.default).lower()
    if isinstance(setting.default, list):
        return ", ".join(setting.default) or "(none)"
    return str(setting.default) if setting.default != "" else "(empty)"


LIST_KINDS = {"allowed_origins": "list of origins", "trusted_proxies": "list of addresses",
              "server_names": "list of host names"}


def render_settings_markdown() -> str:
    """docs/SETTINGS.md, generated from the table above (a test keeps the file in step)."""
    lines = [
        "# Settings", "",
        "Every setting of the server, from `assistant/settings.py`. Each value comes from the first of:",
        "", "1. a command-line flag (`python run.py --host H --port P`; only host and port have flags);",
        "2. an environment variable (`COURSE_ASSISTANT_<NAME>`; lists are comma-separated);",
        "3. a TOML config file, named by `--config FILE` or `$COURSE_ASSISTANT_CONFIG`;",
        "4. the default.", "",
        "A value that does not fit (`port = \"eighty\"`, a negative TTL, an origin without a scheme), an "
        "unknown setting in the file or an unknown `COURSE_ASSISTANT_*` variable stops start-up with a "
        "message naming the setting, where it came from, and the value.", "",
        "```toml", "# config.toml", 'host = "0.0.0.0"', 'allowed_origins = ["https://courses.example.com"]',
        "rate_limit_messages = 30", "session_ttl = 3600", "```", "",
        "| setting | default | type | environment variable | what it does |", "|---|---|---|---|---|",
    ]
    for s in SETTINGS:
        kind = LIST_KINDS.get(s.name, "list") if s.kind is list else {"str": "text", "int": "integer", "float": "number",
                                                                       "bool": "true/false"}[s.kind.__name__]
        lines.append(f"| `{s.name}` | `{_show_default(s)}` | {kind} | `{s.env}` | {s.help} |")
    lines += ["", "Generated by `python -m assistant.settings > docs/SETTINGS.md`; a test fails when it is stale."]
    return "\n".join(lines) + "\n"


settings_table_markdown = render_settings_markdown      # the name earlier callers used

if __name__ == "__main__":
    print(render_settings_markdown(), end="")
