"""A workspace's own questions: added with `/ask-team add`, asked like the others."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from sqlalchemy import bindparam, delete, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from bot.habits import Habit
from bot.prompts import MAX_QUESTION_LENGTH, Question, QuestionBank, is_open_ended
from bot.store.models import CustomQuestion
from bot.text import clean_text

PREFIX = "custom-"
WHY = "A question someone in your workspace added."
FOLLOW_UPS = (
    "What makes you say that?",
    "What would you like to happen next?",
    "Who else should we hear from on this?",
)
MAX_PER_WORKSPACE = 500

_ROWS = (
    select(CustomQuestion.id, CustomQuestion.habit, CustomQuestion.text)
    .where(CustomQuestion.team_id == bindparam("team_id"))
    .order_by(CustomQuestion.id)
)


class QuestionRefusedError(ValueError):
    """The question cannot be added; the message says why and how to fix it."""


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


def add_question(
    session: Session, team_id: str, user_id: str, habit: Habit, text: str, now: datetime
) -> CustomQuestion:
    """Add an open-ended question to the workspace's bank."""
    wording = " ".join(clean_text(text).split())
    if not wording:
        raise QuestionRefusedError(
            "Write the question after the habit: `/ask-team add vision What …?`"
        )
    if len(wording) > MAX_QUESTION_LENGTH:
        raise QuestionRefusedError(
            f"That question is {len(wording)} characters; keep it under {MAX_QUESTION_LENGTH} "
            "so it reads well out loud."
        )
    if not is_open_ended(wording):
        raise QuestionRefusedError(
            "That reads as a yes/no question. Ask it open-ended, starting with what, how, why, "
            "where, when or who, and end it with a question mark."
        )
    existing = session.scalars(
        select(CustomQuestion.text).where(CustomQuestion.team_id == team_id)
    ).all()
    if wording.lower() in (known.lower() for known in existing):
        raise QuestionRefusedError("Your workspace has that question already.")
    if len(existing) >= MAX_PER_WORKSPACE:
        raise QuestionRefusedError(f"A workspace can add up to {MAX_PER_WORKSPACE} questions.")
    question = CustomQuestion(
        team_id=team_id, habit=habit.value, text=wording, added_by=user_id, created_at=now
    )
    session.add(question)
    session.flush()
    return question


def workspace_questions(session: Session, team_id: str) -> list[CustomQuestion]:
    return list(
        session.scalars(
            select(CustomQuestion)
            .where(CustomQuestion.team_id == team_id)
            .order_by(CustomQuestion.id)
        )
    )


def remove_question(session: Session, team_id: str, question_id: int) -> bool:
    """Remove a question of this workspace; False if it names another's, or none."""
    result = session.execute(
        delete(CustomQuestion).where(
            CustomQuestion.id == question_id, CustomQuestion.team_id == team_id
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
