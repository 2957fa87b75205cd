"""Every server setting in one table: defaults < config file (TOML) < environment < command line.

>>> settings = load_settings(environ={"COURSE_ASSISTANT_PORT": "9000"})
>>> settings["port"], settings["host"]
(9000, '127.0.0.1')
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

ENV_PREFIX = "COURSE_ASSISTANT_"


class SettingsError(ValueError):
    """A setting has a value it cannot take; the message names the setting and the value."""


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    kind: type
    help: str

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.name.upper()


SETTINGS = [
    Setting("host", "127.0.0.1", str, "Address to listen on."),
    Setting("port", 8000, int, "Port to listen on."),
    Setting("knowledge_dir", "", str, "Knowledge folder; empty means the project's `knowledge/`."),
    Setting("cache_dir", "", str, "Folder for the cache of the built indexes and models (rebuilt whenever the knowledge "
            "or the code changes); empty means the project's `.cache/`, `off` turns it off."),
    Setting("allowed_origins", [], list, "Origins (`https://site.example`) allowed to embed the widget and call the API "
            "cross-origin, besides the server's own origin. `*` allows any origin. Comma-separated in the environment."),
    Setting("session_ttl", 1800.0, float, "Seconds a conversation is kept after its last message."),
    Setting("max_sessions", 10000, int, "Conversations kept in memory at most; the least recently used goes first."),
    Setting("max_message_chars", 2000, int, "Longest message text accepted, in characters."),
    Setting("max_frame_bytes", 65536, int, "Largest websocket frame or HTTP body answered with a structured error; "
            "a frame 16 times larger is closed by the transport (code 1009)."),
    Setting("rate_limit_messages", 20, int, "Messages a session may send per `rate_limit_window` seconds."),
    Setting("rate_limit_window", 10.0, float, "Length of the rate-limit window, in seconds."),
    Setting("max_connections", 1000, int, "Open websocket connections at most; beyond it a connection gets a "
            "`too_many_connections` error and is closed."),
    Setting("ping_interval", 25.0, float, "Seconds between websocket keep-alive pings (0 turns them off)."),
    Setting("abuse_limit", 50, int, "Consecutive bad frames after which a websocket is closed (code 1008)."),
    Setting("unanswered_log", "", str, "File to append questions the assistant could not answer (out of scope), "
            "for editors to review; empty turns it off."),
]
BY_NAME = {s.name: s for s in SETTINGS}


def _convert(setting: Setting, value, source: str):
    try:
        if setting.kind is list:
            if isinstance(value, str):
                value = [v.strip() for v in value.split(",") if v.strip()]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ValueError
            return value
        if setting.kind is int and isinstance(value, float) and not value.is_integer():
            raise ValueError
        if isinstance(value, bool):
            raise ValueError
        converted = setting.kind(value)
    except (TypeError, ValueError):
        raise SettingsError(f"setting {setting.name!r} from {source}: expected {setting.kind.__name__}, "
                            f"got {value!r}") from None
    if setting.kind in (int, float) and converted < 0:
        raise SettingsError(f"setting {setting.name!r} from {source}: must not be negative, got {value!r}")
    if setting.name == "port" and not 0 <= converted <= 65535:
        raise SettingsError(f"setting 'port' from {source}: must be 0-65535, got {value!r}")
    if setting.name in ("max_sessions", "session_ttl", "max_message_chars", "max_frame_bytes",
                        "rate_limit_messages", "rate_limit_window", "max_connections") and converted == 0:
        raise SettingsError(f"setting {setting.name!r} from {source}: must be positive, got {value!r}")
    return converted


def load_settings(config_file: str | Path | None = None, environ=None, overrides: dict | None = None) -> dict:
    """The settings, each from the last of: default, config file, environment, overrides."""
    environ = os.environ if environ is None else environ
    values = {s.name: s.default for s in SETTINGS}
    if config_file:
        path = Path(config_file)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise SettingsError(f"config file {path} not found") from None
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"config file {path}: {exc}") from None
        for name, value in data.items():
            if name not in BY_NAME:
                raise SettingsError(f"config file {path}: unknown setting {name!r}; known: {', '.join(BY_NAME)}")
            values[name] = _convert(BY_NAME[name], value, str(path))
    for setting in SETTINGS:
        if setting.env in environ:
            values[setting.name] = _convert(setting, environ[setting.env], f"${setting.env}")
    for name, value in (overrides or {}).items():
        if value is None:
            continue
        if name not in BY_NAME:
            raise SettingsError(f"unknown setting {name!r}")
        values[name] = _convert(BY_NAME[name], value, "the command line")
    return values


def settings_table_markdown() -> str:
    """docs/SETTINGS.md, generated from the table above (a test keeps the file in step)."""
    lines = [
        "# Settings", "",
        "Every setting comes from, in order of precedence: the command line (`--host`, `--port`), "
        "environment variables, a TOML config file (`python run.py --config FILE`), then the default.",
        "", "```toml", "# example config.toml", 'allowed_origins = ["https://courses.example.com"]',
        "rate_limit_messages = 30", "```", "",
        "| setting | default | environment variable | what it does |", "|---|---|---|---|",
    ]
    for s in SETTINGS:
        default = ", ".join(s.default) if isinstance(s.default, list) else s.default
        lines.append(f"| `{s.name}` | `{default!s}` | `{s.env}` | {s.help} |")
    lines.append("")
    lines.append("Generated by `assistant.settings.settings_table_markdown()`.")
    return "\n".join(lines) + "\n"
