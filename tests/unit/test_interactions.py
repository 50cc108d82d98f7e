"""What a listener reads of a click or a submitted form (bot/domain/interactions.py), from
payloads in the shapes Slack sends; whatever Slack left out reads as None."""

from __future__ import annotations

from typing import Any

from bot.domain.interactions import Click, Submission, click_of, submission_of

USER = {"id": "U0ANA", "username": "ana", "name": "ana", "team_id": "T0TEAM"}
RESPONSE_URL = "https://hooks.slack.com/actions/T0TEAM/1/abc"


def button(action_id: str = "team_answer_open", value: str | None = "42") -> dict[str, Any]:
    action = {"action_id": action_id, "block_id": "ask", "type": "button", "action_ts": "1.2"}
    return action if value is None else {**action, "value": value}


def click_on_message(action: dict[str, Any]) -> dict[str, Any]:
    """A press on a button of a message in a channel, as Slack sends it."""
    return {
        "type": "block_actions",
        "user": USER,
        "api_app_id": "A0APP",
        "token": "legacy",
        "container": {
            "type": "message",
            "message_ts": "1700000000.000100",
            "channel_id": "C0TEAM",
            "is_ephemeral": False,
        },
        "trigger_id": "1.2345.abcdef",
        "team": {"id": "T0TEAM", "domain": "example"},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": "C0TEAM", "name": "team"},
        "message": {"type": "message", "ts": "1700000000.000100", "text": "Asked"},
        "state": {"values": {}},
        "response_url": RESPONSE_URL,
        "actions": [action],
    }


def click_in_view(action: dict[str, Any], view_type: str) -> dict[str, Any]:
    """A press on a button inside a modal or on the Home tab: no channel, no response_url."""
    return {
        "type": "block_actions",
        "user": USER,
        "api_app_id": "A0APP",
        "container": {"type": "view", "view_id": "V0VIEW"},
        "trigger_id": "2.2345.abcdef",
        "team": {"id": "T0TEAM", "domain": "example"},
        "is_enterprise_install": False,
        "view": {
            "id": "V0VIEW",
            "team_id": "T0TEAM",
            "type": view_type,
            "private_metadata": "",
            "callback_id": "",
            "hash": "1700000000.feedbeef",
            "app_installed_team_id": "T0TEAM",
        },
        "actions": [action],
    }


def submission(**view: Any) -> dict[str, Any]:
    """A modal's Save, as Slack sends it."""
    return {
        "type": "view_submission",
        "team": {"id": "T0TEAM", "domain": "example"},
        "user": USER,
        "api_app_id": "A0APP",
        "trigger_id": "3.2345.abcdef",
        "view": {
            "id": "V0FORM",
            "team_id": "T0TEAM",
            "type": "modal",
            "blocks": [],
            "private_metadata": '{"a":42,"c":"C0TEAM"}',
            "callback_id": "team_answer",
            "state": {"values": {"answer": {"text": {"type": "plain_text_input", "value": "Yes"}}}},
            "hash": "1700000000.cafe",
            **view,
        },
        "response_urls": [],
        "is_enterprise_install": False,
    }


def test_a_click_on_a_message_says_where_and_what_the_button_carried() -> None:
    body = click_on_message(button())

    assert click_of(body, body["actions"][0]) == Click(
        action_id="team_answer_open",
        value="42",
        trigger_id="1.2345.abcdef",
        response_url=RESPONSE_URL,
        channel_id="C0TEAM",
        message_ts="1700000000.000100",
        view_id=None,
        view_hash=None,
    )


def test_a_click_in_a_modal_names_the_view_and_has_no_channel_or_response_url() -> None:
    body = click_in_view(button("team_answer_withdraw", '{"a":42,"c":"C0TEAM"}'), "modal")

    click = click_of(body, body["actions"][0])

    assert (click.view_id, click.view_hash) == ("V0VIEW", "1700000000.feedbeef")
    assert (click.channel_id, click.message_ts, click.response_url) == (None, None, None)
    assert click.value == '{"a":42,"c":"C0TEAM"}'
    assert click.trigger_id == "2.2345.abcdef"


def test_a_click_on_the_home_tab_names_its_view() -> None:
    body = click_in_view(button("home_settings", None), "home")

    click = click_of(body, body["actions"][0])

    assert (click.action_id, click.value, click.view_id) == ("home_settings", None, "V0VIEW")


def test_a_button_without_a_value_gives_none() -> None:
    body = click_on_message(button(value=None))

    assert click_of(body, body["actions"][0]).value is None


def test_the_channel_comes_from_the_container_when_slack_names_no_channel() -> None:
    body = click_on_message(button())
    del body["channel"], body["message"]

    click = click_of(body, body["actions"][0])

    assert (click.channel_id, click.message_ts) == ("C0TEAM", "1700000000.000100")


def test_the_message_ts_comes_from_the_message_when_the_container_has_none() -> None:
    body = click_on_message(button())
    body["container"] = {"type": "message"}

    click = click_of(body, body["actions"][0])

    assert (click.channel_id, click.message_ts) == ("C0TEAM", "1700000000.000100")


def test_a_click_missing_everything_optional_gives_none_everywhere() -> None:
    click = click_of({"type": "block_actions"}, {})

    assert click == Click(
        action_id=None,
        value=None,
        trigger_id=None,
        response_url=None,
        channel_id=None,
        message_ts=None,
        view_id=None,
        view_hash=None,
    )


def test_a_submission_says_which_form_and_what_was_typed() -> None:
    body = submission()

    assert submission_of(body, body["view"]) == Submission(
        callback_id="team_answer",
        view_id="V0FORM",
        view_hash="1700000000.cafe",
        private_metadata='{"a":42,"c":"C0TEAM"}',
        values={"answer": {"text": {"type": "plain_text_input", "value": "Yes"}}},
        trigger_id="3.2345.abcdef",
        response_url=None,
    )


def test_a_submission_with_a_conversation_picker_carries_its_response_url() -> None:
    body = submission()
    body["response_urls"] = [
        {
            "block_id": "where",
            "action_id": "channel",
            "channel_id": "C0TEAM",
            "response_url": RESPONSE_URL,
        }
    ]

    assert submission_of(body, body["view"]).response_url == RESPONSE_URL


def test_a_submission_missing_its_metadata_and_state_reads_as_empty() -> None:
    body = submission()
    view = {
        key: value
        for key, value in body["view"].items()
        if key not in ("private_metadata", "state")
    }

    read = submission_of(body, view)

    assert (read.private_metadata, read.values) == ("", {})


def test_a_submission_missing_everything_optional_gives_none_everywhere() -> None:
    assert submission_of({"type": "view_submission"}, {}) == Submission(
        callback_id=None,
        view_id=None,
        view_hash=None,
        private_metadata="",
        values={},
        trigger_id=None,
        response_url=None,
    )
