"""The question bank: enough good open-ended questions per habit, validated at load."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.domain.question_bank import MAX_QUESTION_LENGTH, PromptError, QuestionBank, is_open_ended
from bot.vocabulary.habits import Habit


def test_every_habit_has_at_least_forty_questions(bank: QuestionBank) -> None:
    for habit in Habit:
        assert len(bank.for_habit(habit)) >= 50, habit
    assert len(bank) >= 250


def test_every_question_and_follow_up_is_open_ended(bank: QuestionBank) -> None:
    for habit in Habit:
        for question in bank.for_habit(habit):
            assert is_open_ended(question.text), question.id
            assert 1 <= len(question.follow_ups) <= 3, question.id
            for follow_up in question.follow_ups:
                assert is_open_ended(follow_up), (question.id, follow_up)


def test_no_two_questions_are_worded_the_same(bank: QuestionBank) -> None:
    texts = [q.text.lower() for habit in Habit for q in bank.for_habit(habit)]
    assert len(texts) == len(set(texts))


@pytest.mark.parametrize(
    "text",
    [
        "Is the team happy?",
        "Do you like the new process?",
        "Did we ship on time?",
        "Would you recommend us to a friend?",
        "Are we on track, yes or no?",
        "Should we keep the standup or not?",
        "Tell me about it.",
        "Everything fine",
    ],
)
def test_closed_questions_are_recognised(text: str) -> None:
    assert not is_open_ended(text)


@pytest.mark.parametrize(
    "text",
    [
        "What is draining you at the moment?",
        "How are you, really?",
        "If you had a free day, how would you spend it?",
        "Tell me about the last time you felt proud here?",
    ],
)
def test_open_questions_are_recognised(text: str) -> None:
    assert is_open_ended(text)


def write(tmp_path: Path, body: str, name: str = "people.toml") -> Path:
    (tmp_path / name).write_text(body, encoding="utf-8")
    return tmp_path


GOOD = """
[[question]]
id = "people-01"
text = "What would you like me to back?"
why = "Backing ideas builds trust."
follow_ups = ["What support would help?"]
"""


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ('habit = "bravery"' + GOOD, "unknown habit 'bravery'"),
        ('habit = "people"\n', "expected one or more [[question]] tables"),
        ('habit = "people"' + GOOD + GOOD, "entry 'people-01': id already used"),
        (
            'habit = "people"' + GOOD.replace('"What would you like me to back?"', '""'),
            "entry 'people-01': text must be non-empty",
        ),
        (
            'habit = "people"'
            + GOOD.replace("What would you like me to back?", "Do you trust me?"),
            "text is not an open-ended question",
        ),
        (
            'habit = "people"'
            + GOOD.replace(
                "What would you like me to back?", "What " + "x" * MAX_QUESTION_LENGTH + "?"
            ),
            "at most 280",
        ),
        (
            'habit = "people"' + GOOD.replace('["What support would help?"]', "[]"),
            "follow_ups must list 1 to 3",
        ),
        ('habit = "people"' + GOOD.replace('"people-01"', '"People 01"'), "id must match"),
        ('habit = "people"' + GOOD.replace("why =", "wyh ="), "unknown keys ['wyh']"),
        ('habit = "people"\n[[question]\n', "cannot read"),
    ],
    ids=[
        "habit",
        "empty",
        "duplicate",
        "empty-text",
        "closed",
        "too-long",
        "no-follow-ups",
        "bad-id",
        "unknown-key",
        "bad-toml",
    ],
)
def test_a_bad_prompts_file_fails_with_file_entry_and_reason(
    tmp_path: Path, body: str, reason: str
) -> None:
    with pytest.raises(PromptError) as failure:
        QuestionBank.load(write(tmp_path, body))

    assert str(failure.value).startswith("people.toml: ")
    assert reason in str(failure.value)


def test_a_good_file_loads(tmp_path: Path) -> None:
    bank = QuestionBank.load(write(tmp_path, 'habit = "people"' + GOOD))

    asked = bank.resolve("people-01/1")
    assert asked is not None
    assert asked.text == "What support would help?"
    assert bank.resolve("people-01/2") is None
    assert bank.resolve("people-01/x") is None
    assert bank.resolve("nobody") is None


def test_an_empty_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(PromptError, match=r"no \*\.toml"):
        QuestionBank.load(tmp_path)


def test_a_falling_heartbeat_has_questions_to_bring() -> None:
    falling = [q for q in QuestionBank.load().for_habit(Habit.HEARTBEAT) if q.for_falling_mood]
    assert len(falling) >= 5
