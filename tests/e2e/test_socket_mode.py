"""`make run` with SLACK_APP_TOKEN: the bot over Socket Mode, as a developer runs it.

`ask-team run` in its own process opens a connection with `apps.connections.open` (app-level
token) and a WebSocket to a stand-in for Slack's Socket Mode server; commands, clicks and
events arrive as envelopes, and answers go back as acknowledgements or Web API calls.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.playground.fake_slack import FakeSlack
from bot.playground.slack_driver import SlackDriver, event_callback
from tests.support.blocks import buttons, question_of
from tests.support.cli import ask_team, cli_env, start_ask_team
from tests.support.fake_socket_mode import FakeSocketMode
from tests.support.harness import LEADER, SIGNING_SECRET
from tests.support.paths import REPO_ROOT
from tests.support.recorder import Recorder

APP_TOKEN = "xapp-1-A0APP-1-test"


@pytest.fixture
def socket_mode(tmp_path: Path, fake_slack: FakeSlack) -> Iterator[FakeSocketMode]:
    """`ask-team run` connected over Socket Mode, on a brand-new SQLite file."""
    fake_slack.reset()
    server = FakeSocketMode()
    fake_slack.respond_with(
        "apps.connections.open", lambda _: (200, {"ok": True, "url": server.url}, {})
    )
    env = cli_env(tmp_path, fake_slack, SLACK_APP_TOKEN=APP_TOKEN)
    process = start_ask_team("run", env=env, cwd=tmp_path)
    try:
        try:
            server.wait_connected()
        except AssertionError:
            process.terminate()
            output = process.communicate(timeout=15)[0]
            raise AssertionError(f"ask-team run never connected:\n{output}") from None
        yield server
    finally:
        process.terminate()
        process.wait(timeout=15)
        server.close()
        fake_slack.reset()


@pytest.fixture
def shapes(fake_slack: FakeSlack) -> SlackDriver:
    """Builds the payloads Slack sends; over Socket Mode they travel unsigned, in envelopes."""
    return SlackDriver("http://unused", SIGNING_SECRET, fake_slack.base_url + "/response")


def test_a_command_is_answered_in_the_acknowledgement(
    socket_mode: FakeSocketMode, shapes: SlackDriver, fake_slack: FakeSlack
) -> None:
    envelope = socket_mode.send("slash_commands", shapes.command_form("vision"))

    ack = socket_mode.wait_for_ack(envelope)

    card = ack["payload"]
    assert card["response_type"] == "ephemeral"
    assert question_of(card["blocks"]).endswith("?")
    assert list(buttons(card["blocks"]))[:3] == [
        "Another question",
        "Ask a follow-up",
        "Log answers",
    ]
    (opened,) = fake_slack.calls_to("apps.connections.open")
    assert opened.headers["Authorization"] == f"Bearer {APP_TOKEN}"
    assert not fake_slack.problems


def test_a_click_is_acknowledged_then_answered_on_its_response_url(
    socket_mode: FakeSocketMode, shapes: SlackDriver, fake_slack: FakeSlack
) -> None:
    card = socket_mode.wait_for_ack(socket_mode.send("slash_commands", shapes.command_form()))
    another = buttons(card["payload"]["blocks"])["Another question"]

    click = shapes.click_payload(another["action_id"], another["value"])
    socket_mode.wait_for_ack(socket_mode.send("interactive", click))

    (replaced,) = fake_slack.wait_for("response_url")
    assert replaced.params["replace_original"] is True
    assert question_of(replaced.params["blocks"]) != question_of(card["payload"]["blocks"])


def test_opening_the_home_tab_publishes_it(
    socket_mode: FakeSocketMode, fake_slack: FakeSlack
) -> None:
    opened = {"type": "app_home_opened", "user": LEADER.user_id, "tab": "home", "channel": "D0"}

    socket_mode.send("events_api", event_callback(LEADER.team_id, "EvSocket1", opened))

    (published,) = fake_slack.wait_for("views.publish", timeout=10)
    assert published.params["user_id"] == LEADER.user_id
    assert published.params["view"]["type"] == "home"


def test_a_refused_app_token_is_named_with_where_to_get_one(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    fake_slack.reset()
    fake_slack.respond_with(
        "apps.connections.open", lambda _: (200, {"ok": False, "error": "invalid_auth"}, {})
    )
    env = cli_env(tmp_path, fake_slack, SLACK_APP_TOKEN=APP_TOKEN)

    finished = ask_team("run", env={**env, "PYTHONPATH": str(REPO_ROOT)}, cwd=tmp_path)

    assert finished.returncode == 2
    assert "Slack refused SLACK_APP_TOKEN (invalid_auth)" in finished.stderr
    assert "connections:write" in finished.stderr
    assert "Traceback" not in finished.stderr


def test_a_response_url_that_is_not_slacks_is_acked_and_never_followed(
    socket_mode: FakeSocketMode, shapes: SlackDriver, fake_slack: FakeSlack
) -> None:
    elsewhere = Recorder()
    try:
        card = socket_mode.wait_for_ack(socket_mode.send("slash_commands", shapes.command_form()))
        another = buttons(card["payload"]["blocks"])["Another question"]
        click = shapes.click_payload(another["action_id"], another["value"])
        foreign_click = {**click, "response_url": elsewhere.url}
        foreign_command = shapes.command_form("vision", response_url=elsewhere.url)

        refused = [
            socket_mode.wait_for_ack(socket_mode.send("interactive", foreign_click)),
            socket_mode.wait_for_ack(socket_mode.send("slash_commands", foreign_command)),
        ]
        socket_mode.wait_for_ack(socket_mode.send("interactive", click))
        (answered,) = fake_slack.wait_for("response_url")
    finally:
        elsewhere.close()

    assert [ack.get("payload") for ack in refused] == [None, None], "acked, and not answered"
    assert answered.path == "/response/click", "Slack's own response_url still answered"
    assert elsewhere.paths == []
