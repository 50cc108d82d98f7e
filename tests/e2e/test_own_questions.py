"""A workspace's own questions: added, asked like any other, listed, removed; never leaked."""

from __future__ import annotations

import json

import pytest

from bot.domain.question_bank import QuestionBank
from bot.playground.slack_driver import User, log_values
from bot.vocabulary.habits import Habit
from tests.support.blocks import press, question_of, section_with, text_of
from tests.support.harness import LEADER, OTHER_LEADER, OTHER_WORKSPACE_LEADER, Harness

OURS = "What would make our Friday demos worth staying for?"


def add(harness: Harness, text: str = f"vision {OURS}", user: User = LEADER) -> str:
    return text_of(harness.slack.command(f"add {text}", user=user).json)


def test_an_added_question_is_asked_in_the_workspace_only(
    harness: Harness, bank: QuestionBank
) -> None:
    assert "Added to :compass: Follow the vision" in add(harness)
    rounds = len(bank.for_habit(Habit.VISION)) + 1

    colleague = {
        question_of(harness.slack.command("vision", user=OTHER_LEADER).json["blocks"])
        for _ in range(rounds)
    }
    elsewhere = {
        question_of(harness.slack.command("vision", user=OTHER_WORKSPACE_LEADER).json["blocks"])
        for _ in range(rounds)
    }

    assert OURS in colleague
    assert len(colleague) == rounds
    assert OURS not in elsewhere


def test_answers_to_an_added_question_can_be_logged(harness: Harness, bank: QuestionBank) -> None:
    add(harness)
    for _ in range(len(bank.for_habit(Habit.VISION)) + 1):
        card = harness.slack.command("vision").json["blocks"]
        if question_of(card) == OURS:
            break
    press(harness, card, "Log answers")
    (opened,) = harness.fake.wait_for("views.open")

    response = harness.slack.submit(
        opened.params["view"], log_values("Shorter demos, more questions")
    )

    assert response.status == 200
    harness.settle()
    assert OURS in json.dumps(harness.slack.command("history").json["blocks"])


@pytest.mark.parametrize(
    ("text", "refusal"),
    [
        ("vision Is the vision clear?", "yes/no question"),
        ("vision What " + "x" * 300 + "?", "keep it under 280"),
        ("bravery What scares us?", "Say which habit and the question"),
        ("vision", "Say which habit and the question"),
    ],
)
def test_a_question_that_does_not_fit_is_refused_with_the_reason(
    harness: Harness, text: str, refusal: str
) -> None:
    assert refusal in add(harness, text)
    assert "not added questions yet" in json.dumps(harness.slack.command("our questions").json)


def test_the_same_question_twice_is_refused(harness: Harness) -> None:
    add(harness)

    assert "has that question already" in add(harness, f"people {OURS.lower()}")


def test_our_questions_lists_them_with_remove(harness: Harness) -> None:
    add(harness)
    blocks = harness.slack.command("our questions").json["blocks"]
    assert f"<@{LEADER.user_id}>" in text_of([section_with(blocks, OURS)]), "who added it"

    # Someone in another workspace pressing it (a forged click) removes nothing.
    press(harness, blocks, "Remove", beside=OURS, user=OTHER_WORKSPACE_LEADER)
    harness.settle()
    assert OURS in json.dumps(harness.slack.command("our questions").json)

    press(harness, blocks, "Remove", beside=OURS, user=OTHER_LEADER)
    harness.settle()
    redrawn = harness.fake.calls_to("response_url")[-1]
    assert "not added questions yet" in json.dumps(redrawn.params["blocks"])
