"""A workspace's own questions: added with `/ask-team add`, listed, removed.

How the bank then asks them is bot/services/workspace_bank.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.domain.question_bank import MAX_QUESTION_LENGTH, is_open_ended
from bot.services.context import Context
from bot.store.models import CustomQuestion
from bot.vocabulary.habits import Habit
from bot.vocabulary.text import clean_text

MAX_PER_WORKSPACE = 500


class QuestionRefusedError(ValueError):
    """The question cannot be added; the message says why and how to fix it."""


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


def remove_question(session: Session, team_id: str, question_id: int) -> None:
    """Remove a question of this workspace; an id of another's, or of none, removes nothing."""
    session.execute(
        delete(CustomQuestion).where(
            CustomQuestion.id == question_id, CustomQuestion.team_id == team_id
        )
    )


# -- use cases ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Refused:
    """The question does not fit: `reason` says why and how to fix it, in plain text."""

    reason: str


class NotAdded(StrEnum):
    """Why a question that fits was still not added."""

    # Duplicates are refused before adding: only a twin added in the same instant gets here.
    ALREADY_THERE = "already there"


def add_own_question(ctx: Context, habit: Habit, text: str) -> CustomQuestion | Refused | NotAdded:
    """Add a question to the caller's workspace's bank, as added by them."""
    try:
        with ctx.deps.database.transaction() as session:
            return add_question(session, ctx.team_id, ctx.user_id, habit, text, ctx.now)
    except QuestionRefusedError as refusal:
        return Refused(str(refusal))
    except IntegrityError:
        return NotAdded.ALREADY_THERE


def list_own_questions(ctx: Context) -> list[CustomQuestion]:
    """The caller's workspace's own questions, oldest first."""
    with ctx.deps.database.transaction(writes=False) as session:
        return workspace_questions(session, ctx.team_id)


def remove_own_question(ctx: Context, question_id: int) -> list[CustomQuestion]:
    """Remove a question of the caller's workspace (another's stays); the ones left."""
    with ctx.deps.database.transaction() as session:
        remove_question(session, ctx.team_id, question_id)
        return workspace_questions(session, ctx.team_id)
