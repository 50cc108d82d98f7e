"""Settings: defaults, Heroku-style URLs, and one clear line for each bad value."""

from __future__ import annotations

import pytest

from bot.vocabulary.config import ConfigError, Settings

CREDENTIALS = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}


def test_defaults() -> None:
    settings = Settings.from_env(CREDENTIALS)

    assert settings.database_url == "sqlite:///ask_team.db"
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.port == 3000
    assert settings.scheduler_enabled is True


def test_heroku_postgres_urls_use_psycopg() -> None:
    settings = Settings.from_env({**CREDENTIALS, "DATABASE_URL": "postgres://u:p@h:5432/d"})

    assert settings.database_url == "postgresql+psycopg://u:p@h:5432/d"


def test_api_url_gets_its_trailing_slash() -> None:
    assert Settings.from_env(
        {**CREDENTIALS, "SLACK_API_URL": "http://127.0.0.1:9/api"}
    ).slack_api_url == ("http://127.0.0.1:9/api/")


def test_missing_credentials_name_the_settings_and_the_steps() -> None:
    with pytest.raises(ConfigError) as failure:
        Settings.from_env({})

    message = str(failure.value)
    assert "SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET" in message
    assert "1." in message
    assert "3." in message


def test_the_setup_steps_suit_an_installed_package_as_well_as_a_checkout() -> None:
    with pytest.raises(ConfigError) as failure:
        Settings.from_env({"SLACK_BOT_TOKEN": "xoxb-1"})

    message = str(failure.value)
    assert "Missing: SLACK_SIGNING_SECRET." in message
    # The manifest comes from the command, which the wheel carries it for.
    assert "run `ask-team manifest`" in message
    assert "from this repository" not in message
    for name in (
        "SLACK_BOT_TOKEN",
        "SLACK_APP_TOKEN",
        "SLACK_CLIENT_ID",
        "SLACK_CLIENT_SECRET",
        "TOKEN_ENCRYPTION_KEY",
    ):
        assert name in message
    assert "`ask-team playground`" in message
    assert "`make run`" in message


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("PORT", "eighty", "PORT must be a whole number"),
        ("PORT", "70000", "PORT must be between 1 and 65535"),
        ("DATABASE_URL", "mysql://x", "DATABASE_URL must be a sqlite:// or postgresql:// URL"),
        ("DATABASE_URL", "ask_team.db", "DATABASE_URL must look like"),
        ("SLACK_API_URL", "ftp://x", "SLACK_API_URL must be an http(s) URL"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL must be one of"),
        ("SCHEDULER", "maybe", "SCHEDULER must be on or off"),
        ("SLACK_BOT_TOKEN", "xoxp-user-token", "SLACK_BOT_TOKEN must be a bot token"),
        ("SLACK_APP_TOKEN", "xoxb-1", "SLACK_APP_TOKEN must be an app-level token"),
    ],
)
def test_a_bad_value_fails_with_one_line_naming_it(name: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError) as failure:
        Settings.from_env({**CREDENTIALS, name: value})

    assert message in str(failure.value)
    assert "\n" not in str(failure.value)
