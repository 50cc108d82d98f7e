"""manifest.yml declares exactly what the served app answers, and the scopes its calls need."""

from __future__ import annotations

from typing import Any

from bot.playground.slack_driver import log_values
from bot.vocabulary.slack_scopes import BOT_SCOPES
from tests.support.flows import open_log_modal
from tests.support.harness import Harness

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
