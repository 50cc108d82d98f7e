"""A workspace's own questions in its bank: asked like the others, to that workspace only."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection

from bot.domain.question_bank import Question, QuestionBank
from bot.store.models import CustomQuestion
from bot.vocabulary.habits import Habit

PREFIX = "custom-"
WHY = "A question someone in your workspace added."
FOLLOW_UPS = (
    "What makes you say that?",
    "What would you like to happen next?",
    "Who else should we hear from on this?",
)

_ROWS = (
    select(CustomQuestion.id, CustomQuestion.habit, CustomQuestion.text)
    .where(CustomQuestion.team_id == bindparam("team_id"))
    .order_by(CustomQuestion.id)
)


def bank_for(connection: Connection, bank: QuestionBank, team_id: str) -> QuestionBank:
    """The bank as this workspace sees it: everyone's questions plus its own."""
    rows = tuple(
        (row.id, row.habit, row.text) for row in connection.execute(_ROWS, {"team_id": team_id})
    )
    return _with_rows(bank, rows) if rows else bank


@lru_cache(maxsize=256)
def _with_rows(bank: QuestionBank, rows: tuple[tuple[int, str, str], ...]) -> QuestionBank:
    # Keyed by the rows themselves, so an added or removed question is a new bank at once.
    extra = [
        Question(id=f"{PREFIX}{qid}", habit=Habit(habit), text=text, why=WHY, follow_ups=FOLLOW_UPS)
        for qid, habit, text in rows
    ]
    return QuestionBank([*bank, *extra])
