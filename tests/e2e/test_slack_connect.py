"""Slack Connect: in a channel the team's workspace shares with a partner's, ask-team answers
only the people of the workspace it is installed in; a visitor is told so, and nothing of
theirs is kept."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.playground.answer_form import answer_values
from bot.playground.fake_slack import block_kit_problems
from bot.store.models import Leader, TeamAnswer
from tests.support.blocks import text_of
from tests.support.harness import LEADER, Harness
from tests.support.team import (
    ANA,
    CHANNEL,
    VISITOR,
    answer,
    ask_channel,
    in_shared_channel,
    open_answer_form,
    press_in,
)

HOST = LEADER.team_id
QUESTION = "What slows our releases down?"
TOLD = "only works for people of the workspace it is installed in"


def answers_kept(harness: Harness) -> int:
    with harness.app.deps.database.transaction(writes=False) as session:
        return session.scalar(select(func.count()).select_from(TeamAnswer)) or 0


def hosts_people(harness: Harness) -> set[str]:
    """Everyone ask-team keeps a row for in the host workspace."""
    with harness.app.deps.database.transaction(writes=False) as session:
        return set(session.scalars(select(Leader.user_id).where(Leader.team_id == HOST)))


def test_a_visitor_pressing_answer_is_told_politely_and_gets_no_form(harness: Harness) -> None:
    post = ask_channel(harness, QUESTION)

    pressed = press_in(harness, post, "Answer", VISITOR, host=HOST)

    assert pressed.status == 200
    harness.settle()
    (told,) = harness.fake.calls_to("response_url")
    assert TOLD in text_of(told)
    assert told.params["response_type"] == "ephemeral"
    assert told.params["replace_original"] is False
    assert not harness.fake.calls_to("views.open")


def test_a_visitors_answer_form_is_refused_and_nothing_is_kept(harness: Harness) -> None:
    post = ask_channel(harness, QUESTION)
    # A form like the one the team's own members get, sent back by a visitor.
    form = open_answer_form(harness, post, ANA)
    payload = harness.slack.submission_payload(form, answer_values("From outside"), VISITOR)

    reply = harness.slack.interaction(in_shared_channel(payload, HOST))

    assert reply.status == 200
    assert reply.json["response_action"] == "update"
    assert TOLD in text_of(reply.json["view"])
    assert block_kit_problems(reply.json, is_message=False) == []
    assert answers_kept(harness) == 0
    assert VISITOR.user_id not in hosts_people(harness)


def test_the_hosts_own_member_still_answers_in_the_shared_channel(harness: Harness) -> None:
    post = ask_channel(harness, QUESTION)
    press_in(harness, post, "Answer", VISITOR, host=HOST)
    harness.settle()

    taken = answer(harness, post, ANA, "Flaky tests")

    assert taken.json["response_action"] == "update"
    assert "your answer is in" in text_of(taken.json["view"])
    assert answers_kept(harness) == 1


def test_a_visitors_command_in_the_shared_channel_is_their_own_workspaces(
    harness: Harness,
) -> None:
    # Slack runs a visitor's /ask-team through the app installed in their own workspace
    # (and refuses it when there is none): the command names that workspace, never the host.
    post = ask_channel(harness, QUESTION)
    answer(harness, post, ANA, "Flaky tests")

    for typed in ("history", "search flaky"):
        reply = harness.slack.command(typed, VISITOR, channel=CHANNEL)
        assert reply.status == 200
        assert "Flaky tests" not in reply.text
        assert QUESTION not in reply.text

    assert VISITOR.user_id not in hosts_people(harness)
