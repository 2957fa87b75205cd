"""Settings: one table, documented, from defaults, a config file, the environment and flags."""
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.settings import (SETTINGS, SettingsError, gunicorn_threads, load_settings,
                                render_settings_markdown)

ROOT = Path(__file__).resolve().parents[1]
REQUIRED = {"host", "port", "knowledge_dir", "allowed_origins", "session_ttl", "max_sessions", "max_message_chars",
            "max_frame_bytes", "rate_limit_messages", "rate_limit_window", "max_connections", "ping_interval"}


def test_docs_are_generated_from_the_table_and_up_to_date():
    documented = (ROOT / "docs" / "SETTINGS.md").read_text(encoding="utf-8")
    assert documented == render_settings_markdown(), "stale: python -m assistant.settings > docs/SETTINGS.md"


@pytest.mark.parametrize("setting", SETTINGS, ids=[s.name for s in SETTINGS])
def test_every_setting_has_a_row_in_the_docs(setting):
    rows = [line for line in (ROOT / "docs" / "SETTINGS.md").read_text(encoding="utf-8").splitlines()
            if line.startswith(f"| `{setting.name}` |")]
    assert len(rows) == 1 and f"`{setting.env}`" in rows[0] and setting.help in rows[0]


def test_the_table_has_every_setting_the_server_needs_with_its_default():
    names = {s.name for s in SETTINGS}
    assert REQUIRED <= names and len(names) == len(SETTINGS)
    defaults = load_settings(environ={})
    assert (defaults["host"], defaults["port"], defaults["session_ttl"], defaults["max_frame_bytes"]) == \
           ("127.0.0.1", 8000, 1800, 65536)
    assert defaults["allowed_origins"] == [] and defaults["max_connections"] == 1000
    assert all(s.help.strip() and s.env == "COURSE_ASSISTANT_" + s.name.upper() for s in SETTINGS)


def test_precedence_defaults_file_environment_flags(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('port = 9001\nhost = "10.0.0.1"\nallowed_origins = ["https://a.example/"]\n'
                      'rate_limit_messages = 7\n')
    settings = load_settings(config, environ={"COURSE_ASSISTANT_PORT": "9002", "COURSE_ASSISTANT_HOST": "10.0.0.2"},
                             overrides={"host": "0.0.0.0", "port": None})
    assert settings["host"] == "0.0.0.0"                       # flag beats environment
    assert settings["port"] == 9002                            # environment beats file (no --port flag)
    assert settings["rate_limit_messages"] == 7                # file beats default
    assert settings["allowed_origins"] == ["https://a.example"]
    assert settings["session_ttl"] == 1800                     # default


def test_environment_lists_are_comma_separated_and_the_config_file_can_come_from_it(tmp_path):
    env = load_settings(environ={"COURSE_ASSISTANT_ALLOWED_ORIGINS": "https://a.example, http://b.example:8080"})
    assert env["allowed_origins"] == ["https://a.example", "http://b.example:8080"]
    config = tmp_path / "server.toml"
    config.write_text('allowed_origins = ["*"]\nmax_connections = 10\n')
    settings = load_settings(environ={"COURSE_ASSISTANT_CONFIG": str(config)})
    assert settings["allowed_origins"] == ["*"] and gunicorn_threads(settings) == 74


BAD_VALUES = [
    ({"COURSE_ASSISTANT_PORT": "eighty"}, "'port' from $COURSE_ASSISTANT_PORT: expected int, got 'eighty'"),
    ({"COURSE_ASSISTANT_PORT": "70000"}, "0-65535, got '70000'"),
    ({"COURSE_ASSISTANT_MAX_SESSIONS": "0"}, "'max_sessions'"),
    ({"COURSE_ASSISTANT_SESSION_TTL": "-5"}, "'session_ttl' from $COURSE_ASSISTANT_SESSION_TTL: must be at least"),
    ({"COURSE_ASSISTANT_RATE_LIMIT_WINDOW": "nan"}, "'rate_limit_window'"),
    ({"COURSE_ASSISTANT_MAX_FRAME_BYTES": "12"}, "'max_frame_bytes'"),
    ({"COURSE_ASSISTANT_ALLOWED_ORIGINS": "courses.example.com"}, "'courses.example.com'"),
    ({"COURSE_ASSISTANT_ALLOWED_ORIGINS": "https://a.example/page"}, "'https://a.example/page'"),
    ({"COURSE_ASSISTANT_HOST": " "}, "'host'"),
    ({"COURSE_ASSISTANT_PROT": "80"}, "unknown environment variable COURSE_ASSISTANT_PROT"),
]


@pytest.mark.parametrize("environ,fragment", BAD_VALUES, ids=[next(iter(e)) for e, _ in BAD_VALUES])
def test_bad_values_are_refused_naming_setting_and_value(environ, fragment):
    with pytest.raises(SettingsError) as error:
        load_settings(environ=environ)
    assert fragment in str(error.value)


BAD_FILES = [
    ("prot = 80\n", "unknown setting 'prot'"),
    ("port = \n", "is not valid TOML"),
    ('port = "eighty"\n', "'port' from config file"),
    ("max_connections = 2.5\n", "'max_connections'"),
    ("ping_interval = true\n", "'ping_interval'"),
    ("allowed_origins = [5]\n", "expected a list of strings"),
    ("host = 5\n", "'host'"),
]


@pytest.mark.parametrize("text,fragment", BAD_FILES, ids=[t.strip() for t, _ in BAD_FILES])
def test_bad_config_files_are_refused_naming_the_file(tmp_path, text, fragment):
    config = tmp_path / "config.toml"
    config.write_text(text)
    with pytest.raises(SettingsError) as error:
        load_settings(config, environ={})
    assert fragment in str(error.value) and "config.toml" in str(error.value)


def test_a_missing_config_file_is_named():
    with pytest.raises(SettingsError, match="no-such.toml not found"):
        load_settings("no-such.toml", environ={})


def test_run_py_refuses_a_bad_setting_before_loading_anything(tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text("session_ttl = -1\n")
    result = subprocess.run([sys.executable, "run.py", "--config", str(config)], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2
    assert "session_ttl" in result.stderr and "-1" in result.stderr and "bad.toml" in result.stderr
