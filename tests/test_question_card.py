"""`/ask-team` gives a leader a question to ask their team, with three buttons."""

from __future__ import annotations

from bot.habits import Habit
from tests.conftest import LEADER, Harness


def card_buttons(blocks: list[dict]) -> dict[str, dict]:
    return {
        element["text"]["text"]: element
        for block in blocks
        if block["type"] == "actions"
        for element in block["elements"]
    }


def test_ask_team_answers_with_an_ephemeral_question_card(harness: Harness) -> None:
    response = harness.slack.command("")

    assert response.status == 200
    body = response.json
    assert body["response_type"] == "ephemeral"
    question = body["blocks"][0]["text"]["text"]
    assert question.startswith("*") and question.endswith("?*")
    habit_line = body["blocks"][1]["elements"][0]["text"]
    assert any(habit.label in habit_line and habit.emoji in habit_line for habit in Habit)
    assert "Why ask this" in habit_line
    assert set(card_buttons(body["blocks"])) == {"Another question", "Ask a follow-up", "Log answers"}
