"""Log answers: the modal, what it refuses, what it stores and how it confirms."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from bot.playground.slack_driver import User, log_values
from bot.store.models import Entry
from tests.support.blocks import headline, press, question_of, text_of
from tests.support.flows import open_log_modal
from tests.support.harness import LEADER, OTHER_LEADER, Harness


def entry_count(harness: Harness) -> int:
    with harness.app.deps.database.transaction() as session:
        return session.scalar(select(func.count()).select_from(Entry)) or 0


def labels(view: dict[str, Any]) -> list[str]:
    return [block["label"]["text"] for block in view["blocks"] if block["type"] == "input"]


def test_log_answers_opens_a_modal_for_the_question(harness: Harness) -> None:
    question, view = open_log_modal(harness)

    assert view["type"] == "modal"
    assert view["callback_id"] == "log_answers"
    assert question in headline(view), "the form opens on the question"
    assert labels(view) == [
        "What did the team say?",
        "Who answered",
        "Team heartbeat",
        "Anything you promised to do?",
        "Promised by",
    ]
    answer, people, heartbeat, promise, due = (b for b in view["blocks"] if b["type"] == "input")
    assert due["element"]["type"] == "datepicker"
    assert due["optional"] is True
    assert answer["element"]["multiline"] is True
    assert answer["element"]["max_length"] == 3000
    assert answer.get("optional", False) is False
    assert people["element"]["type"] == "multi_users_select"
    assert people["optional"] is True
    assert [o["value"] for o in heartbeat["element"]["options"]] == ["1", "2", "3", "4", "5"]
    assert heartbeat["element"]["options"][0]["text"]["text"] == "1 · Struggling"
    assert heartbeat["element"]["options"][4]["text"]["text"] == "5 · Energised"
    assert promise["optional"] is True


@pytest.mark.smoke
def test_saving_stores_the_entry_and_confirms_by_dm(harness: Harness) -> None:
    question, view = open_log_modal(harness)
    values = log_values(
        "Deadlines feel tight but the team is proud of the launch.",
        people=["U0ALICE", "U0BOB"],
        heartbeat="4",
        promise="Move the review to Thursday",
    )

    response = harness.slack.submit(view, values)

    assert response.status == 200
    assert response.body in (b"", b"{}"), "an empty ack closes the modal"
    (dm,) = harness.fake.wait_for("chat.postMessage")
    assert dm.params["channel"] == LEADER.user_id
    shown = str(dm.params["blocks"])
    assert "Saved" in shown
    assert question in shown
    assert "Deadlines feel tight" in shown
    assert "<@U0ALICE>, <@U0BOB>" in shown
    assert "4 · Good" in shown
    assert "Move the review to Thursday" in shown
    assert entry_count(harness) == 1


@pytest.mark.parametrize(
    ("values", "block", "message"),
    [
        (log_values(""), "answer", "even one sentence"),
        (log_values("   \n\t  "), "answer", "even one sentence"),
        (log_values(None), "answer", "even one sentence"),
        (log_values("x" * 3001), "answer", "3,001 characters; the limit is 3,000"),
        (log_values("fine", promise="p" * 1001), "promise", "limit is 1,000"),
        (log_values("fine", heartbeat="11"), "heartbeat", "from 1 to 5"),
        (log_values("fine", people=["not-a-user"]), "people", "Pick people"),
    ],
    ids=["empty", "blank", "missing", "too-long", "promise-too-long", "bad-heartbeat", "bad-user"],
)
def test_a_bad_submission_is_refused_inline_and_keeps_the_modal_open(
    harness: Harness, values: dict[str, Any], block: str, message: str
) -> None:
    _, view = open_log_modal(harness)

    response = harness.slack.submit(view, values)

    assert response.status == 200
    assert response.json["response_action"] == "errors"
    assert message in response.json["errors"][block]
    assert entry_count(harness) == 0
    assert not harness.fake.calls_to("chat.postMessage")


def test_answers_are_escaped_so_nobody_gets_pinged(harness: Harness) -> None:
    _, view = open_log_modal(harness)
    answer = "<!channel> said <@U0BOSS> & <https://evil.example|click> are fine"

    harness.slack.submit(view, log_values(answer, promise="<!here> tell everyone"))

    (dm,) = harness.fake.wait_for("chat.postMessage")
    shown = str(dm.params["blocks"])
    assert "&lt;!channel&gt; said &lt;@U0BOSS&gt; &amp; &lt;https://evil.example|click&gt;" in shown
    assert "<!channel>" not in shown
    assert "<!here>" not in shown
    assert "<@U0BOSS>" not in shown


def test_control_characters_are_dropped_and_everything_else_kept(harness: Harness) -> None:
    _, view = open_log_modal(harness)

    harness.slack.submit(view, log_values("Ça va\x00 bien\x07, 日本語 ok 👍\r\nnext line"))

    harness.fake.wait_for("chat.postMessage")
    with harness.app.deps.database.transaction() as session:
        assert session.scalars(select(Entry.answer)).one() == "Ça va bien, 日本語 ok 👍\nnext line"


def test_a_tampered_private_metadata_is_refused(harness: Harness) -> None:
    _, view = open_log_modal(harness)

    for metadata in ('{"q": "no-such-question"}', "not json", '{"q": 12}', ""):
        response = harness.slack.submit({**view, "private_metadata": metadata}, log_values("hi"))
        assert response.json["response_action"] == "errors"
    assert entry_count(harness) == 0


def test_slash_log_opens_the_modal_for_the_latest_question(harness: Harness) -> None:
    harness.slack.command("people")
    latest = question_of(harness.slack.command("vision").json["blocks"])

    response = harness.slack.command("log")

    assert response.status == 200
    assert response.body == b""
    (call,) = harness.fake.wait_for("views.open")
    assert latest in headline(call.params["view"])


def test_slash_log_logs_a_follow_up_when_that_was_the_latest(harness: Harness) -> None:
    card = harness.slack.command("vision").json["blocks"]
    press(harness, card, "Ask a follow-up")
    (response_call,) = harness.fake.wait_for("response_url")

    harness.slack.command("log")

    (call,) = harness.fake.wait_for("views.open")
    assert question_of(response_call) in headline(call.params["view"])


def test_slash_log_without_a_question_says_how_to_get_one(harness: Harness) -> None:
    body = harness.slack.command("log").json

    assert "/ask-team" in text_of(body)
    assert not harness.fake.calls_to("views.open")


def test_slash_log_is_per_leader(harness: Harness) -> None:
    harness.slack.command("vision", user=LEADER)

    body = harness.slack.command("log", user=OTHER_LEADER).json

    assert "no question" in text_of(body)


def test_a_failed_modal_open_is_explained(harness: Harness) -> None:
    harness.fake.respond_with(
        "views.open", lambda call: (200, {"ok": False, "error": "expired_trigger_id"}, {})
    )
    card = harness.slack.command("vision").json["blocks"]

    press(harness, card, "Log answers")

    (call,) = harness.fake.wait_for("response_url")
    assert "press the button again" in text_of(call)


def test_slack_ids_longer_than_32_characters_are_saved_like_any_other(harness: Harness) -> None:
    # Slack documents no upper bound for its ids; PostgreSQL used to refuse these with
    # "Could not save just now", which could never succeed.
    long_ids = User("U" + "A" * 40, "T" + "B" * 40, "long")
    card = harness.slack.command("vision", user=long_ids).json["blocks"]
    press(harness, card, "Log answers", user=long_ids)
    (call,) = harness.fake.wait_for("views.open")

    saved = harness.slack.submit(
        call.params["view"], log_values("they said it all", people=["U" + "C" * 40]), user=long_ids
    )

    assert saved.status == 200
    assert not saved.body, saved.body
    assert entry_count(harness) == 1
