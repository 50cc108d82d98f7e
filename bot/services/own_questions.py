"""A workspace's own questions: added with `/ask-team add`, listed, removed.

How the bank then asks them is bot/services/workspace_bank.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.domain.question_bank import MAX_QUESTION_LENGTH, is_open_ended
from bot.services.context import Context
from bot.store.custom_questions import (
    add_question,
    question_texts,
    remove_question,
    workspace_questions,
)
from bot.store.models import CustomQuestion
from bot.vocabulary.habits import Habit
from bot.vocabulary.refusals import Reason, Refusal
from bot.vocabulary.text import clean_text

MAX_PER_WORKSPACE = 500


@dataclass(frozen=True)
class OwnQuestion:
    """A question the workspace added, as the list shows it."""

    id: int
    habit: str
    text: str
    added_by: str

    @classmethod
    def of(cls, question: CustomQuestion) -> OwnQuestion:
        """The question's values as stored."""
        return cls(question.id, question.habit, question.text, question.added_by)


def _add_question(
    session: Session, team_id: str, user_id: str, habit: Habit, text: str, now: datetime
) -> CustomQuestion | Refusal:
    """Add an open-ended question to the workspace's bank; refused if it does not fit."""
    wording = " ".join(clean_text(text).split())
    if not wording:
        return Refusal(Reason.REQUIRED)
    if len(wording) > MAX_QUESTION_LENGTH:
        return Refusal(Reason.TOO_LONG, length=len(wording), limit=MAX_QUESTION_LENGTH)
    if not is_open_ended(wording):
        return Refusal(Reason.YES_NO)
    existing = question_texts(session, team_id)
    if wording.lower() in (known.lower() for known in existing):
        return Refusal(Reason.DUPLICATE)
    if len(existing) >= MAX_PER_WORKSPACE:
        return Refusal(Reason.TOO_MANY, limit=MAX_PER_WORKSPACE)
    return add_question(session, team_id, habit.value, wording, user_id, now)


def _listed(session: Session, team_id: str) -> list[OwnQuestion]:
    return [OwnQuestion.of(question) for question in workspace_questions(session, team_id)]


# -- use cases ------------------------------------------------------------------------------


def add_own_question(ctx: Context, habit: Habit, text: str) -> OwnQuestion | Refusal:
    """Add a question to the caller's workspace's bank, as added by them."""
    try:
        with ctx.transaction() as session:
            added = _add_question(session, ctx.team_id, ctx.user_id, habit, text, ctx.now)
            return added if isinstance(added, Refusal) else OwnQuestion.of(added)
    except IntegrityError:
        # Duplicates are refused before adding: only a twin added in the same instant gets here.
        return Refusal(Reason.ALREADY_THERE)


def list_own_questions(ctx: Context) -> list[OwnQuestion]:
    """The caller's workspace's own questions, oldest first."""
    with ctx.transaction(writes=False) as session:
        return _listed(session, ctx.team_id)


def remove_own_question(ctx: Context, question_id: int) -> list[OwnQuestion]:
    """Remove a question of the caller's workspace (another's stays); the ones left."""
    with ctx.transaction() as session:
        remove_question(session, ctx.team_id, question_id)
        return _listed(session, ctx.team_id)
