"""Settings: one table, documented, from defaults, a config file, the environment and flags."""
from pathlib import Path

import pytest

from assistant.settings import SETTINGS, SettingsError, load_settings, settings_table_markdown

ROOT = Path(__file__).resolve().parents[1]


def test_docs_list_every_setting_and_are_up_to_date():
    documented = (ROOT / "docs" / "SETTINGS.md").read_text(encoding="utf-8")
    assert documented == settings_table_markdown(), "regenerate docs/SETTINGS.md from assistant/settings.py"
    for setting in SETTINGS:
        assert f"`{setting.name}`" in documented and setting.env in documented


def test_precedence_defaults_file_environment_flags(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('port = 9001\nallowed_origins = ["https://a.example"]\nrate_limit_messages = 7\n')
    settings = load_settings(config, environ={"COURSE_ASSISTANT_PORT": "9002"}, overrides={"host": "0.0.0.0"})
    assert settings["port"] == 9002 and settings["host"] == "0.0.0.0"
    assert settings["allowed_origins"] == ["https://a.example"] and settings["rate_limit_messages"] == 7
    assert settings["session_ttl"] == 1800.0
    env = load_settings(environ={"COURSE_ASSISTANT_ALLOWED_ORIGINS": "https://a.example, https://b.example"})
    assert env["allowed_origins"] == ["https://a.example", "https://b.example"]


@pytest.mark.parametrize("environ,fragment", [
    ({"COURSE_ASSISTANT_PORT": "eighty"}, "'port'"),
    ({"COURSE_ASSISTANT_PORT": "70000"}, "0-65535"),
    ({"COURSE_ASSISTANT_MAX_SESSIONS": "0"}, "must be positive"),
    ({"COURSE_ASSISTANT_SESSION_TTL": "-5"}, "must not be negative"),
])
def test_bad_values_are_refused_by_name(environ, fragment):
    with pytest.raises(SettingsError) as error:
        load_settings(environ=environ)
    assert fragment in str(error.value)


def test_unknown_settings_and_broken_files_are_refused(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("prot = 80\n")
    with pytest.raises(SettingsError, match="unknown setting 'prot'"):
        load_settings(config, environ={})
    config.write_text("port = \n")
    with pytest.raises(SettingsError, match="config.toml"):
        load_settings(config, environ={})
