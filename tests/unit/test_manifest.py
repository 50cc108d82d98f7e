"""manifest.yml creates the app in one paste, and declares exactly what the code answers."""

from __future__ import annotations

import re
from typing import Any

from bot.app.oauth import REDIRECT_PATH
from bot.app.web import EVENTS_PATH
from bot.listeners import BOT_EVENTS, SHORTCUT_CALLBACKS, SLASH_COMMANDS


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


def test_the_oauth_redirect_goes_to_the_path_the_app_serves(manifest: dict[str, Any]) -> None:
    (redirect,) = manifest["oauth_config"]["redirect_urls"]

    assert redirect.endswith(REDIRECT_PATH)
