"""A workspace's own questions in its bank: asked like the others, to that workspace only."""

from __future__ import annotations

from functools import lru_cache

from bot.domain.question_bank import Question, QuestionBank
from bot.vocabulary.habits import Habit

PREFIX = "custom-"
WHY = "A question someone in your workspace added."
FOLLOW_UPS = (
    "What makes you say that?",
    "What would you like to happen next?",
    "Who else should we hear from on this?",
)


def bank_with(bank: QuestionBank, rows: tuple[tuple[int, str, str], ...]) -> QuestionBank:
    """The bank as a workspace sees it: everyone's questions plus its own, `rows` of (id,
    habit, text) as store.custom_questions.question_rows reads them."""
    return _with_rows(bank, rows) if rows else bank


@lru_cache(maxsize=256)
def _with_rows(bank: QuestionBank, rows: tuple[tuple[int, str, str], ...]) -> QuestionBank:
    # Keyed by the rows themselves, so an added or removed question is a new bank at once.
    extra = [
        Question(id=f"{PREFIX}{qid}", habit=Habit(habit), text=text, why=WHY, follow_ups=FOLLOW_UPS)
        for qid, habit, text in rows
    ]
    return QuestionBank([*bank, *extra])
