from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.settings import load_settings


def test_defaults_put_the_database_in_the_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STUDYBOT_DATA_DIR", "/srv/sb")
    assert load_settings().db_path == Path("/srv/sb/studybot.db")
    monkeypatch.setenv("STUDYBOT_DB", "/elsewhere.db")
    assert load_settings().db_path == Path("/elsewhere.db")


def test_an_invalid_value_names_the_setting_and_what_is_allowed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("STUDYBOT_DEFAULT_TIMEZONE", "Mars/Olympus")
    monkeypatch.setenv("STUDYBOT_LOG_LEVEL", "LOUD")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert "STUDYBOT_DEFAULT_TIMEZONE: unknown time zone 'Mars/Olympus'" in message
    assert "STUDYBOT_LOG_LEVEL" in message and "'DEBUG'" in message


def test_yaml_file_and_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "studybot.yaml"
    config.write_text("db: from-file.db\nadmins: [U1, U2]\ngrace_hours: 3\n")
    monkeypatch.setenv("STUDYBOT_CONFIG", str(config))
    monkeypatch.setenv("STUDYBOT_GRACE_HOURS", "2")
    settings = load_settings()
    assert settings.db_path == Path("from-file.db")
    assert settings.admins == ["U1", "U2"]
    assert settings.grace_hours == 2  # the environment wins


def test_comma_lists_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STUDYBOT_ADMINS", "U1, U2")
    assert load_settings().admins == ["U1", "U2"]


def test_a_missing_config_file_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STUDYBOT_CONFIG", "/nowhere/studybot.yaml")
    with pytest.raises(ConfigError, match="no config file"):
        load_settings()


def test_secrets_come_only_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "studybot.yaml"
    config.write_text("discord_token: committed-secret\n")
    monkeypatch.setenv("STUDYBOT_CONFIG", str(config))
    with pytest.raises(ConfigError):
        load_settings()
