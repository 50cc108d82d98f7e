"""Follow your people: `/ask-team 1:1 @ana` briefs the leader before meeting Ana, from what
Ana said by name, and never from an anonymous answer."""

from __future__ import annotations

from typing import Any

import pytest

from bot.playground.slack_driver import User, log_values
from tests.support.blocks import press, question_of, text_of
from tests.support.harness import LEADER, OTHER_LEADER, Harness
from tests.support.team import ANA, BEN, answer, ask_channel

ANA_LINKED = f"<@{ANA.user_id}|{ANA.name}>"


def brief_on(harness: Harness, person: str = ANA_LINKED, user: User = LEADER) -> dict[str, Any]:
    """The leader types `/ask-team 1:1 <person>`: the reply only they see."""
    reply = harness.slack.command(f"1:1 {person}", user=user)
    assert reply.status == 200, reply.text
    body: dict[str, Any] = reply.json
    assert body["response_type"] == "ephemeral"
    return body


def log_about(
    harness: Harness,
    habit: str,
    said: str,
    people: list[str],
    *,
    user: User = LEADER,
    promise: str | None = None,
) -> str:
    """The leader gets a `habit` question, presses Log answers and logs what `people` said;
    the question it was."""
    card = harness.slack.command(habit, user=user).json["blocks"]
    opened = len(harness.fake.calls_to("views.open"))
    assert press(harness, card, "Log answers", user=user).status == 200
    view = harness.fake.wait_for("views.open", opened + 1)[-1].params["view"]
    assert (
        harness.slack.submit(view, log_values(said, people, "4", promise), user=user).status == 200
    )
    harness.settle()
    return question_of(card)


def test_the_brief_holds_what_ana_said_by_name_the_promises_to_her_and_a_new_question(
    harness: Harness,
) -> None:
    asked_in_person = log_about(
        harness,
        "people",
        "Ana wants more pairing time",
        [ANA.user_id],
        promise="Set up pairing Fridays",
    )
    log_about(harness, "vision", "Ben is unsure about the roadmap", [BEN.user_id])
    post = ask_channel(harness, "named What slows you down most?")
    assert answer(harness, post, ANA, "Flaky CI on Mondays").status == 200
    assert answer(harness, post, BEN, "Too many meetings").status == 200

    brief = brief_on(harness)
    said = text_of(brief["blocks"])
    assert f"Before your 1:1 with <@{ANA.user_id}>" in said
    assert "Ana wants more pairing time" in said
    assert "Flaky CI on Mondays" in said
    assert "Set up pairing Fridays" in said
    assert "open since" in said
    assert "Last talked" in said
    assert "Ben is unsure" not in said
    assert "Too many meetings" not in said
    # The question to ask her is one the leader has not asked her yet, and can be logged.
    suggested = text_of(brief["blocks"]).split("A question to ask")[1]
    assert asked_in_person not in suggested
    opened = len(harness.fake.calls_to("views.open"))
    assert press(harness, brief["blocks"], "Log answers").status == 200
    modal = harness.fake.wait_for("views.open", opened + 1)[-1].params["view"]
    assert text_of(modal["blocks"]).count("?") >= 1
    assert suggested.split("\n")[0].split(":* ")[1].strip() in text_of(modal["blocks"])


def test_anonymous_answers_never_reach_the_brief(harness: Harness) -> None:
    post = ask_channel(harness, "anonymously What would you change first?")
    assert answer(harness, post, ANA, "Honestly the on-call rota").status == 200

    said = text_of(brief_on(harness)["blocks"])
    assert "on-call rota" not in said
    assert "Nothing stored about" in said


def test_someone_with_nothing_stored_gets_a_good_first_question(harness: Harness) -> None:
    brief = brief_on(harness, f"<@{BEN.user_id}|ben>")
    said = text_of(brief["blocks"])
    assert f"Nothing stored about <@{BEN.user_id}> yet" in said
    assert "A question to ask" in said
    assert "Why ask this" in said
    assert press(harness, brief["blocks"], "Log answers").status == 200
    harness.fake.wait_for("views.open")


def test_a_brief_reads_only_the_callers_own_log(harness: Harness) -> None:
    log_about(harness, "people", "their note about Ana", [ANA.user_id], user=OTHER_LEADER)
    said = text_of(brief_on(harness)["blocks"])
    assert "their note about Ana" not in said
    assert "Nothing stored about" in said


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("1:1", "Say who you are meeting"),
        ("1:1 ana", "Pick them from the list as you type @"),
        (f"one-on-one {ANA_LINKED} <@{BEN.user_id}|ben>", "one person"),
        ("1:1 <@NOTAUSER>", "Say who you are meeting"),
    ],
)
def test_a_brief_without_one_linked_person_says_how_to_ask(
    harness: Harness, typed: str, problem: str
) -> None:
    reply = harness.slack.command(typed)
    assert reply.status == 200
    assert problem in text_of(reply.json["blocks"])
    assert "/ask-team 1:1 @ana" in text_of(reply.json["blocks"])
