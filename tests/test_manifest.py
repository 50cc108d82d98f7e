"""manifest.yml creates the app in one paste, and declares exactly what the code answers."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from bot.app.oauth import REDIRECT_PATH
from bot.app.web import EVENTS_PATH
from bot.listeners import BOT_EVENTS, SHORTCUT_CALLBACKS, SLASH_COMMANDS
from bot.playground.slack_driver import log_values
from bot.vocabulary.slack_scopes import BOT_SCOPES
from tests.conftest import REPO_ROOT, Harness
from tests.test_log_answers import open_log_modal

# Which bot scope each Web API method we call needs (None: no scope beyond the token).
METHOD_SCOPES = {
    "auth.test": None,
    "chat.postMessage": "chat:write",
    "views.open": None,
    "response_url": None,
    "users.info": "users:read",
    "views.publish": None,
    "conversations.open": "im:write",
    "files.getUploadURLExternal": "files:write",
    "file_upload": None,
    "files.completeUploadExternal": "files:write",
}


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return yaml.safe_load((REPO_ROOT / "manifest.yml").read_text())


def test_display_fields_fit_slacks_limits(manifest: dict[str, Any]) -> None:
    info = manifest["display_information"]
    assert 1 <= len(info["name"]) <= 35
    assert len(info["description"]) <= 140
    assert 175 <= len(info["long_description"]) <= 4000
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", info["background_color"])
    assert len(manifest["features"]["bot_user"]["display_name"]) <= 80


def test_slash_commands_in_the_manifest_are_exactly_those_the_app_answers(
    manifest: dict[str, Any],
) -> None:
    declared = manifest["features"]["slash_commands"]
    assert {command["command"] for command in declared} == SLASH_COMMANDS
    for command in declared:
        assert set(command) <= {"command", "url", "description", "usage_hint", "should_escape"}
        assert len(command["command"]) <= 32
        assert command["command"].startswith("/")
        assert 1 <= len(command["description"]) <= 2000
        assert len(command["usage_hint"]) <= 1000
        assert command["url"].endswith(EVENTS_PATH)
        assert isinstance(command["should_escape"], bool)


def test_events_and_shortcuts_match_the_listeners(manifest: dict[str, Any]) -> None:
    events = manifest["settings"].get("event_subscriptions", {}).get("bot_events", [])
    shortcuts = manifest["features"].get("shortcuts", [])
    assert set(events) == BOT_EVENTS
    assert {shortcut["callback_id"] for shortcut in shortcuts} == SHORTCUT_CALLBACKS


def test_interactivity_points_at_the_events_endpoint(manifest: dict[str, Any]) -> None:
    interactivity = manifest["settings"]["interactivity"]
    assert interactivity["is_enabled"] is True
    assert interactivity["request_url"].endswith(EVENTS_PATH)


def test_every_declared_command_is_answered_and_others_are_not(
    harness: Harness, manifest: dict[str, Any]
) -> None:
    for command in manifest["features"]["slash_commands"]:
        assert harness.slack.command("help").status == 200, command["command"]
    from urllib.parse import urlencode

    other = urlencode(
        {"command": "/not-ours", "text": "", "team_id": "T0TEAM", "user_id": "U0LEADER"}
    )
    assert harness.slack.post(other.encode()).status == 404


def test_bot_scopes_are_exactly_what_the_code_uses(
    harness: Harness, manifest: dict[str, Any]
) -> None:
    _, view = open_log_modal(harness)
    harness.slack.submit(view, log_values("a full round trip"))
    harness.fake.wait_for("chat.postMessage")
    harness.slack.command("schedule 9:00 weekdays")
    harness.slack.command("export")
    harness.fake.wait_for("files.completeUploadExternal")

    used = {METHOD_SCOPES[call.method] for call in harness.fake.calls} - {None}
    declared = set(manifest["oauth_config"]["scopes"]["bot"])
    assert used | {"commands"} == declared
    # What "Add to Slack" asks for, in OAuth mode, is the same list.
    assert set(BOT_SCOPES) == declared


def test_the_oauth_redirect_goes_to_the_path_the_app_serves(manifest: dict[str, Any]) -> None:
    (redirect,) = manifest["oauth_config"]["redirect_urls"]

    assert redirect.endswith(REDIRECT_PATH)
