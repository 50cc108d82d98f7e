"""`/ask-team` gives a leader a question to ask their team, with three buttons."""

from __future__ import annotations

import pytest

from bot.domain.question_bank import QuestionBank
from bot.vocabulary.habits import Habit
from tests.support.blocks import (
    Showing,
    buttons,
    headline,
    line_under,
    press,
    question_of,
    text_of,
)
from tests.support.harness import LEADER, OTHER_LEADER, Harness


def habit_line(card: Showing) -> str:
    """The line under the question: its habit, and why ask it or what it follows up."""
    return line_under(card, question_of(card))


@pytest.mark.smoke
def test_ask_team_answers_with_an_ephemeral_question_card(harness: Harness) -> None:
    response = harness.slack.command("")

    assert response.status == 200
    body = response.json
    assert body["response_type"] == "ephemeral"
    assert headline(body).endswith("?*"), "the question comes first, in bold"
    about = habit_line(body)
    assert any(habit.label in about and habit.emoji in about for habit in Habit)
    assert "Why ask this" in about
    first_three = list(buttons(body["blocks"]))[:3]
    assert first_three == ["Another question", "Ask a follow-up", "Log answers"]
    assert question_of(body["blocks"]) in body["text"], "notifications show the question"


@pytest.mark.parametrize(
    ("typed", "habit"),
    [
        ("questions", Habit.QUESTIONS),
        ("people", Habit.PEOPLE),
        ("heartbeat", Habit.HEARTBEAT),
        ("vision", Habit.VISION),
        ("follow-through", Habit.FOLLOW_THROUGH),
        ("morale", Habit.HEARTBEAT),
        ("Trust", Habit.PEOPLE),
        ("follow through", Habit.FOLLOW_THROUGH),
        ("commitments", Habit.FOLLOW_THROUGH),
        ("direction", Habit.VISION),
    ],
)
def test_a_habit_word_gives_a_question_from_that_habit(
    harness: Harness, bank: QuestionBank, typed: str, habit: Habit
) -> None:
    blocks = harness.slack.command(typed).json["blocks"]

    texts = {q.text for q in bank.for_habit(habit)}
    assert question_of(blocks) in texts
    assert habit.label in habit_line(blocks)


def test_no_question_repeats_until_every_question_of_its_habit_was_shown(
    harness: Harness, bank: QuestionBank
) -> None:
    count = len(bank.for_habit(Habit.VISION))
    shown = [question_of(harness.slack.command("vision").json["blocks"]) for _ in range(count)]

    assert len(set(shown)) == count
    again = question_of(harness.slack.command("vision").json["blocks"])
    assert again in shown


def test_rotation_is_per_leader(harness: Harness, bank: QuestionBank) -> None:
    count = len(bank.for_habit(Habit.PEOPLE))
    for _ in range(count):
        harness.slack.command("people", user=LEADER)
    others = {
        question_of(harness.slack.command("people", user=OTHER_LEADER).json["blocks"])
        for _ in range(count)
    }
    assert len(others) == count


def test_plain_ask_team_spreads_questions_across_the_five_habits(harness: Harness) -> None:
    habits_shown = set()
    for _ in range(5):
        line = habit_line(harness.slack.command("").json)
        habits_shown |= {habit for habit in Habit if habit.label in line}
    assert habits_shown == set(Habit)


@pytest.mark.smoke
def test_another_question_replaces_the_card_and_keeps_the_habit(harness: Harness) -> None:
    card = harness.slack.command("heartbeat").json["blocks"]

    response = press(harness, card, "Another question")

    assert response.status == 200
    (call,) = harness.fake.wait_for("response_url")
    assert call.params["replace_original"] is True
    assert Habit.HEARTBEAT.label in habit_line(call)
    assert question_of(call.params["blocks"]) != question_of(card)


def test_ask_a_follow_up_gives_a_follow_up_to_that_question(
    harness: Harness, bank: QuestionBank
) -> None:
    card = harness.slack.command("vision").json["blocks"]
    original = question_of(card)

    press(harness, card, "Ask a follow-up")

    (call,) = harness.fake.wait_for("response_url")
    question = next(q for q in bank.for_habit(Habit.VISION) if q.text == original)
    assert question_of(call.params["blocks"]) == question.follow_ups[0]
    assert "Follow-up to" in habit_line(call)

    # Pressing it again on the follow-up card moves to the next follow-up, wrapping round.
    press(harness, call, "Ask a follow-up")
    calls = harness.fake.wait_for("response_url", 2)
    expected = question.follow_ups[1 % len(question.follow_ups)]
    assert question_of(calls[1].params["blocks"]) == expected


def test_follow_up_command_asks_the_next_thing_about_the_latest_question(
    harness: Harness, bank: QuestionBank
) -> None:
    original = question_of(harness.slack.command("people").json["blocks"])
    question = next(q for q in bank.for_habit(Habit.PEOPLE) if q.text == original)

    first = harness.slack.command("follow-up").json["blocks"]
    second = harness.slack.command("follow up").json["blocks"]

    assert question_of(first) == question.follow_ups[0]
    assert question_of(second) == question.follow_ups[1 % len(question.follow_ups)]
    assert "Log answers" in buttons(second)


def test_follow_up_before_any_question_says_how_to_get_one(harness: Harness) -> None:
    body = harness.slack.command("follow-up").json

    assert body["response_type"] == "ephemeral"
    assert "`/ask-team`" in text_of(body)


def test_a_tampered_follow_up_value_gets_a_polite_answer(harness: Harness) -> None:
    response = harness.slack.click("question_follow_up", "no-such-question/9")

    assert response.status == 200
    (call,) = harness.fake.wait_for("response_url")
    assert call.params["replace_original"] is False
    assert "/ask-team" in text_of(call)


def test_help_lists_every_subcommand_with_an_example(harness: Harness) -> None:
    body = harness.slack.command("help").json
    text = text_of(body)

    for example in (
        "`/ask-team`",
        "/ask-team heartbeat",
        "/ask-team log",
        "/ask-team history",
        "/ask-team history vision",
        "/ask-team help",
    ):
        assert example in text


@pytest.mark.parametrize(
    ("typed", "suggestion"),
    [("histroy", "history"), ("hepl", "help"), ("visoin", "vision"), ("moral", "morale")],
)
def test_a_typo_gets_a_did_you_mean(harness: Harness, typed: str, suggestion: str) -> None:
    first = headline(harness.slack.command(typed).json)

    assert f"`{typed}`" in first
    assert f"Did you mean `/ask-team {suggestion}`?" in first


def test_unknown_text_shows_help(harness: Harness) -> None:
    body = harness.slack.command("make me a sandwich").json

    assert "I don't know `make`" in headline(body), "first, what was not understood"
    assert "/ask-team history" in text_of(body)
    assert "`/ask-team help` lists every command" in text_of(body)


@pytest.mark.parametrize(
    ("typed", "relevant", "not_shown"),
    [
        ("histroy", "/ask-team history budget hir", "/ask-team export"),
        ("ask", "/ask-team ask #team", "/ask-team export"),
        ("pulse", "/ask-team pulse #team", "/ask-team history"),
        ("history since:someday", "/ask-team history person:@ana", "/ask-team export"),
        ("visoin", "/ask-team heartbeat", "/ask-team export"),
    ],
)
def test_a_mistake_is_followed_by_the_lines_that_bear_on_it_not_the_whole_help(
    harness: Harness, typed: str, relevant: str, not_shown: str
) -> None:
    said = text_of(harness.slack.command(typed).json)
    assert relevant in said
    assert not_shown not in said
    assert "`/ask-team help` lists every command" in said


def test_a_channel_that_cannot_be_found_is_named(harness: Harness) -> None:
    said = text_of(harness.slack.command("ask #random What slows us down?").json)
    assert "I can't find #random" in said
    assert "Say where to ask" not in said


@pytest.mark.parametrize(
    "typed",
    [
        "x" * 10_000,
        "history " + "budget " * 1500,
        "\x00\x07\x1b[31m",
        "<!channel> <@U123> &amp;",
        "history <!channel>",
    ],
    ids=["10k-chars", "10k-search", "control-chars", "mentions", "mention-search"],
)
def test_odd_command_text_gets_a_clear_answer(harness: Harness, typed: str) -> None:
    response = harness.slack.command(typed)

    assert response.status == 200
    body = response.json
    assert body["blocks"], "always a visible answer"
    rendered = str(body["blocks"])
    assert "<!channel>" not in rendered
    assert "<@U123>" not in rendered
