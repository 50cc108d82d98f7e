"""Asking the team in Slack: the leader asks a channel or people, the team answers (named or
anonymously), the leader gets one summary when answers close, and the answers join the log."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.runtime import ask_closer
from tests.conftest import LEADER, Harness
from tests.support.blocks import button, press, text_of
from tests.support.team import (
    ANA,
    BEN,
    CHANNEL,
    DEV,
    KAI,
    LEE,
    MEI,
    ZOE,
    answer,
    answer_values,
    ask_channel,
    open_answer_form,
    posts_to,
    press_in,
)

QUESTION = "What should we stop doing?"


def dms_to(harness: Harness, user_id: str) -> list[Any]:
    return [c for c in harness.fake.calls_to("chat.postMessage") if c.params["channel"] == user_id]


def history(harness: Harness, words: str = "") -> str:
    return text_of(harness.slack.command(f"history {words}".strip()).json)


def close_answers(harness: Harness) -> None:
    """Time passes beyond the close and the closing pass runs."""
    harness.clock.advance(days=4)
    ask_closer(harness.app.settings, harness.app.deps).run_pass(harness.clock())


def test_asking_a_channel_posts_the_question_with_an_answer_button(harness: Harness) -> None:
    reply = harness.slack.command(f"ask <#{CHANNEL}|team> {QUESTION}").json
    assert f"Asking in <#{CHANNEL}>" in text_of(reply)
    assert "named" in text_of(reply)
    harness.settle()

    (post,) = posts_to(harness, CHANNEL)
    shown = text_of(post)
    assert QUESTION in shown
    assert f"<@{LEADER.user_id}> asks the team" in shown
    assert "reads each answer with its author's name" in shown
    assert "0 answers so far" in shown
    assert button(post, "Answer")


def test_the_question_card_opens_the_ask_form_with_the_question_editable(
    harness: Harness,
) -> None:
    card = harness.slack.command("vision").json
    assert press(harness, card, "Ask the team in Slack").status == 200
    (opened,) = harness.fake.wait_for("views.open")
    view = opened.params["view"]
    labels = [block["label"]["text"] for block in view["blocks"] if block["type"] == "input"]
    assert labels == [
        "In a channel",
        "Or these people, by DM",
        "The question",
        "Answers are",
        "Answers close at the end of",
    ]
    question = next(b for b in view["blocks"] if b["label"]["text"] == "The question")
    assert question["element"]["initial_value"] in text_of(card)
    # By default answers close at the end of the next working day: Thursday -> Friday.
    closes = next(b for b in view["blocks"] if b["block_id"] == "ask_closes")
    assert closes["element"]["initial_date"] == "2026-11-27"


def submit_ask_form(harness: Harness, **choices: Any) -> Any:
    card = harness.slack.command("people").json
    press(harness, card, "Ask the team in Slack")
    (opened,) = harness.fake.wait_for("views.open")
    values = {
        "ask_channel": {"ask_channel_select": {"selected_conversation": choices.get("channel")}},
        "ask_people": {"ask_people_select": {"selected_users": choices.get("people", [])}},
        "ask_question": {"ask_question_text": {"value": choices.get("question", QUESTION)}},
        "ask_privacy": {
            "ask_privacy_choice": {"selected_option": {"value": choices.get("privacy", "named")}}
        },
        "ask_closes": {"ask_closes_date": {"selected_date": choices.get("closes", "2026-11-30")}},
    }
    return harness.slack.submit(opened.params["view"], values)


def test_the_ask_form_asks_chosen_people_by_dm(harness: Harness) -> None:
    response = submit_ask_form(harness, people=[ANA.user_id, BEN.user_id], privacy="anonymous")
    assert response.status == 200 and response.body == b""
    harness.settle()
    for person in (ANA, BEN):
        (dm,) = dms_to(harness, person.user_id)
        assert f"<@{LEADER.user_id}> asks you" in text_of(dm)
        assert "Anonymous, unless you add your name" in text_of(dm)
    (confirmation,) = dms_to(harness, LEADER.user_id)
    assert f"by DM to <@{ANA.user_id}>, <@{BEN.user_id}>" in text_of(confirmation)


@pytest.mark.parametrize(
    ("choices", "block", "says"),
    [
        ({}, "ask_channel", "Pick a channel, or people below."),
        ({"channel": CHANNEL, "people": [ANA.user_id]}, "ask_people", "not both"),
        ({"channel": CHANNEL, "question": " "}, "ask_question", "Write the question"),
        ({"channel": CHANNEL, "question": "x" * 601}, "ask_question", "keep it under 600"),
        ({"channel": CHANNEL, "closes": "2026-11-20"}, "ask_closes", "has not ended"),
        ({"channel": CHANNEL, "closes": "2027-03-01"}, "ask_closes", "up to 30 days"),
        ({"channel": CHANNEL, "closes": "soon"}, "ask_closes", "Pick the day"),
        ({"channel": "not a channel"}, "ask_channel", "Pick a channel from the list"),
        ({"channel": CHANNEL, "privacy": "secret"}, "ask_privacy", "named or anonymous"),
    ],
)
def test_a_bad_ask_form_is_refused_inline_with_everything_kept(
    harness: Harness, choices: dict[str, Any], block: str, says: str
) -> None:
    answer_ = submit_ask_form(harness, **choices).json
    assert answer_["response_action"] == "errors"
    assert says in answer_["errors"][block]
    harness.settle()
    assert not posts_to(harness, CHANNEL)


def test_the_team_answers_named_and_anonymously_and_the_log_holds_back_the_anonymous_few(
    harness: Harness,
) -> None:
    post = ask_channel(harness, f"anonymously {QUESTION}")
    assert "Anonymous, unless you add your name" in text_of(post)
    for person, words in (
        (ANA, "Fewer meetings"),
        (BEN, "Stop the status report"),
        (MEI, "Slack pings after 7"),
    ):
        assert (
            answer(harness, post, person, words, add_name=True).json["response_action"] == "update"
        )
    thanks = answer(harness, post, DEV, "The reorg rumours").json
    assert "your answer is in" in text_of(thanks["view"])
    answer(harness, post, KAI, "Friday deploys")
    harness.settle()

    # Named answers show at once; the two anonymous ones wait for a third.
    log = history(harness, "from:team")
    assert f"<@{ANA.user_id}>: Fewer meetings" in log
    assert "2 anonymous answers so far: they will show when 3 have answered" in log
    assert "reorg" not in log and "Friday deploys" not in log
    assert "Nothing logged matching" in history(harness, "reorg")

    # One changes an answer, another withdraws.
    form = open_answer_form(harness, post, BEN)
    assert "You answered already" in text_of(form)
    changed = harness.slack.submit(
        form, answer_values("Stop the weekly status report", add_name=True), BEN
    )
    assert "Your answer is changed" in text_of(changed.json["view"])
    form = open_answer_form(harness, post, KAI)
    withdraw_response = press_withdraw(harness, form, KAI)
    assert withdraw_response.status == 200
    harness.settle()
    assert "withdrawn" in text_of(harness.fake.calls_to("views.update")[-1])

    # The third anonymous answer (after the withdrawal, counting anew) opens them all.
    answer(harness, post, LEE, "Overtime as a badge")
    assert "reorg" not in history(harness, "from:team")
    answer(harness, post, ZOE, "Guessing priorities")
    log = history(harness, "from:team")
    assert "The reorg rumours" in log and "Overtime as a badge" in log
    assert "Guessing priorities" in log
    assert "Friday deploys" not in log
    assert f"<@{BEN.user_id}>: Stop the weekly status report" in log
    assert "6 answers" in log
    assert "The reorg rumours" in history(harness, "reorg rumours")
    assert "Fewer meetings" in history(harness, f"person:<@{ANA.user_id}|ana>")

    # Home and the export carry them too.
    harness.slack.interaction  # noqa: B018 (the Home tab is published on its opening)
    assert_home_and_export_show(harness, "The reorg rumours")

    # When answers close, the leader gets one summary; the team's message says closed.
    close_answers(harness)
    (summary,) = [
        dm for dm in dms_to(harness, LEADER.user_id) if "Your team answered" in text_of(dm)
    ]
    said = text_of(summary)
    assert "6 answered" in said and "The reorg rumours" in said
    assert f"<@{ANA.user_id}>: Fewer meetings" in said
    assert button(summary, "Log what you promised") and button(summary, "Reply to the team")
    (closed,) = harness.fake.calls_to("chat.update")[-1:]
    assert "Answers closed: 6 answers" in text_of(closed)
    assert "Answer" not in [b["text"]["text"] for b in _buttons(closed)]

    # A late answer is refused, politely.
    late = press_in(harness, post, "Answer", MEI)
    assert late.status == 200
    harness.settle()
    assert "Answers to this question have closed" in text_of(
        harness.fake.calls_to("response_url")[-1]
    )


def _buttons(call: Any) -> list[dict[str, Any]]:
    blocks = call.params["blocks"]
    blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
    return [e for b in blocks for e in b.get("elements", []) if e.get("type") == "button"]


def press_withdraw(harness: Harness, form: dict[str, Any], user: Any) -> Any:
    from tests.support.blocks import block_and_button

    block, pressed = block_and_button(form, "Withdraw my answer")
    action = {
        "action_id": pressed["action_id"],
        "block_id": block["block_id"],
        "value": pressed["value"],
        "type": "button",
        "action_ts": "1700000000.1",
    }
    payload = harness.slack.block_actions_payload(
        action,
        user,
        container={"type": "view", "view_id": "V0ANSWER"},
        view={**form, "id": "V0ANSWER"},
    )
    return harness.slack.interaction(payload)


def assert_home_and_export_show(harness: Harness, words: str) -> None:
    harness.slack.command("export")
    (upload,) = harness.fake.wait_for("file_upload")
    assert words in upload.params["content"]
    assert ",team" in upload.params["content"]
