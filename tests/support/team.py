"""The team's side of asking in Slack: people in a channel who press Answer, as Slack sends it."""

from __future__ import annotations

import json
from typing import Any

from bot.app.runtime import ask_closer
from bot.playground.answer_form import answer_values
from bot.playground.fake_slack import Call
from bot.playground.slack_driver import Response, User
from tests.support.blocks import SLACK_MADE_BLOCK_ID, block_and_button, text_of
from tests.support.harness import Harness

CHANNEL = "C0TEAMROOM"
ANA = User("U0ANA", "T0TEAM", "ana")
BEN = User("U0BEN", "T0TEAM", "ben")
MEI = User("U0MEI", "T0TEAM", "mei")
DEV = User("U0DEV", "T0TEAM", "dev")
KAI = User("U0KAI", "T0TEAM", "kai")
LEE = User("U0LEE", "T0TEAM", "lee")
ZOE = User("U0ZOE", "T0TEAM", "zoe")
OUTSIDER = User("U0OUTSIDE", "T0ELSEWHERE", "outsider")
# A member of a partner workspace, in a Slack Connect channel the team's workspace shares.
VISITOR = User("U0VISITOR", "T0PARTNER", "visitor")


def in_shared_channel(payload: dict[str, Any], host: str) -> dict[str, Any]:
    """`payload` as Slack sends it when its user acts in a Slack Connect channel of `host`:
    `user.team_id` stays their own workspace, while a click's `team` is the host, and a
    form names the host's install as `view.app_installed_team_id`."""
    shared: dict[str, Any] = json.loads(json.dumps(payload))
    if shared["type"] == "view_submission":
        shared["view"]["app_installed_team_id"] = host
    else:
        shared["team"]["id"] = host
    return shared


def posts_to(harness: Harness, channel: str) -> list[Call]:
    return [c for c in harness.fake.calls_to("chat.postMessage") if c.params["channel"] == channel]


def ask_channel(harness: Harness, rest: str = "", channel: str = CHANNEL) -> Call:
    """The leader types `/ask-team ask #channel <rest>`: the bot's post in the channel."""
    reply = harness.slack.command(f"ask <#{channel}|team> {rest}".strip())
    assert reply.status == 200, reply.text
    harness.settle()
    posts = posts_to(harness, channel)
    assert posts, "nothing was posted in the channel"
    return posts[-1]


def press_in(
    harness: Harness,
    message: Call | dict[str, Any],
    label: str,
    user: User,
    channel: str = CHANNEL,
    *,
    host: str | None = None,
) -> Response:
    """`user` presses `label` on the bot's message in `channel`, as Slack sends it; with
    `host`, the channel is a Slack Connect channel of that workspace."""
    block, pressed = block_and_button(message, label)
    payload = harness.slack.click_payload(
        pressed["action_id"],
        pressed.get("value", ""),
        user,
        response_url=harness.fake.base_url + "/response/answer",
        block_id=block.get("block_id", SLACK_MADE_BLOCK_ID),
        channel=channel,
        ephemeral=False,
    )
    return harness.slack.interaction(in_shared_channel(payload, host) if host else payload)


def open_answer_form(
    harness: Harness, post: Call, user: User, channel: str = CHANNEL
) -> dict[str, Any]:
    """`user` presses Answer in `channel`: the form Slack was asked to open for them."""
    before = len(harness.fake.calls_to("views.open"))
    assert press_in(harness, post, "Answer", user, channel).status == 200
    harness.settle()
    opened = harness.fake.calls_to("views.open")
    assert len(opened) == before + 1, "no answer form opened"
    view = opened[-1].params["view"]
    return json.loads(view) if isinstance(view, str) else dict(view)


def answer(
    harness: Harness,
    post: Call,
    user: User,
    text: str | None,
    *,
    add_name: bool = False,
    score: int | None = None,
    channel: str = CHANNEL,
) -> Response:
    """`user` presses Answer, writes `text` and sends it."""
    view = open_answer_form(harness, post, user, channel)
    return harness.slack.submit(view, answer_values(text, add_name=add_name, score=score), user)


def pulse(harness: Harness, channel: str = CHANNEL) -> Call:
    """The leader types `/ask-team pulse #channel`: the bot's post in the channel."""
    reply = harness.slack.command(f"pulse <#{channel}|team>")
    assert "anonymous" in text_of(reply.json)
    harness.settle()
    return posts_to(harness, channel)[-1]


def close_answers(harness: Harness) -> None:
    """Time passes beyond the close and the closing pass runs."""
    harness.clock.advance(days=4)
    ask_closer(harness.app.settings, harness.app.deps).run_pass(harness.clock())
