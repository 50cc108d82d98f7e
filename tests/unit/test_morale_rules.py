"""When a falling heartbeat is worth one morale alert, and the question it brings."""

from __future__ import annotations

import pytest

from bot.domain.morale import low_run_begins, pulse_dropped, question_for_a_fall
from bot.domain.question_bank import Question
from bot.vocabulary.habits import Habit


@pytest.mark.parametrize(
    ("previous", "current", "dropped"),
    [
        (3.9, 2.8, True),
        (4.0, 3.2, True),
        (4.0, 3.3, False),
        (2.0, 4.0, False),
        (None, 1.0, False),
        (4.0, None, False),
    ],
)
def test_a_pulse_drop_counts_from_eight_tenths_of_a_point(
    previous: float | None, current: float | None, dropped: bool
) -> None:
    assert pulse_dropped(previous, current) is dropped


@pytest.mark.parametrize(
    ("newest_first", "begins"),
    [
        ([2, 1, 2], True),
        ([2, 1, 2, 4], True),
        ([2, 1, 2, 2], False),
        ([2, 3, 2], False),
        ([1, 1], False),
        ([], False),
    ],
)
def test_a_low_run_is_told_when_it_reaches_three_and_not_again(
    newest_first: list[int | None], begins: bool
) -> None:
    assert low_run_begins(newest_first) is begins


def _question(qid: str, *, falling: bool) -> Question:
    return Question(qid, Habit.HEARTBEAT, f"{qid}?", "why", ("more?",), for_falling_mood=falling)


def test_the_falling_mood_question_is_the_one_shown_least() -> None:
    bank = [
        _question("a", falling=False),
        _question("b", falling=True),
        _question("c", falling=True),
    ]
    assert question_for_a_fall(bank, {"b": 2, "c": 1}) == bank[2]
    assert question_for_a_fall(bank, {}) == bank[1]
    assert question_for_a_fall(bank[:1], {}) is None
