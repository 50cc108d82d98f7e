"""The SQL of a workspace's own questions: adding, listing and removing them, and reading
them for its question bank."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, delete, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from bot.store.models import CustomQuestion

_ROWS = (
    select(CustomQuestion.id, CustomQuestion.habit, CustomQuestion.text)
    .where(CustomQuestion.team_id == bindparam("team_id"))
    .order_by(CustomQuestion.id)
)


def question_rows(connection: Connection, team_id: str) -> tuple[tuple[int, str, str], ...]:
    """(id, habit, text) of each of the workspace's own questions, oldest first."""
    return tuple(
        (row.id, row.habit, row.text) for row in connection.execute(_ROWS, {"team_id": team_id})
    )


def question_texts(session: Session, team_id: str) -> list[str]:
    """The wording of each of the workspace's own questions."""
    return list(
        session.scalars(select(CustomQuestion.text).where(CustomQuestion.team_id == team_id))
    )


def add_question(
    session: Session, team_id: str, habit: str, text: str, added_by: str, now: datetime
) -> CustomQuestion:
    """Add a question to the workspace's bank, as worded; raises IntegrityError for a twin."""
    question = CustomQuestion(
        team_id=team_id, habit=habit, text=text, added_by=added_by, created_at=now
    )
    session.add(question)
    session.flush()
    return question


def workspace_questions(session: Session, team_id: str) -> list[CustomQuestion]:
    """The workspace's own questions, oldest first."""
    return list(
        session.scalars(
            select(CustomQuestion)
            .where(CustomQuestion.team_id == team_id)
            .order_by(CustomQuestion.id)
        )
    )


def remove_question(session: Session, team_id: str, question_id: int) -> None:
    """Remove a question of this workspace; an id of another's, or of none, removes nothing."""
    session.execute(
        delete(CustomQuestion).where(
            CustomQuestion.id == question_id, CustomQuestion.team_id == team_id
        )
    )
