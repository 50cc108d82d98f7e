"""The SQL of the team's answers to asks: each ask's answers and people, for what the leader
may read (bot/services/team_conversations.py decides); and a team member's own named answers,
for their data; and one answerer's answer, found by their key."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, delete, func, select
from sqlalchemy.orm import Session

from bot.domain.team_ask_rules import AskKind
from bot.store.models import TeamAnswer, TeamAsk, TeamAskPerson


@dataclass(frozen=True)
class AskAnswers:
    """An ask with all its answers, oldest first, and the people it asked by DM, by user id."""

    ask: TeamAsk
    answers: list[TeamAnswer]
    people: list[str]


def answers_to_entries(session: Session, entry_ids: Collection[int]) -> list[AskAnswers]:
    """The asks (with their answers) among these entries of the log."""
    if not entry_ids:
        return []
    asks = list(session.scalars(select(TeamAsk).where(TeamAsk.entry_id.in_(entry_ids))))
    return answers_to_asks(session, asks)


def answers_to_asks(session: Session, asks: Sequence[TeamAsk]) -> list[AskAnswers]:
    """These asks, each with its answers and people, in the same order."""
    if not asks:
        return []
    ids = [ask.id for ask in asks]
    answers: dict[int, list[TeamAnswer]] = defaultdict(list)
    for answer in session.scalars(
        select(TeamAnswer)
        .where(TeamAnswer.ask_id.in_(ids))
        .order_by(TeamAnswer.created_at, TeamAnswer.id)
    ):
        answers[answer.ask_id].append(answer)
    people: dict[int, list[str]] = defaultdict(list)
    for ask_id, user_id in session.execute(
        select(TeamAskPerson.ask_id, TeamAskPerson.user_id)
        .where(TeamAskPerson.ask_id.in_(ids))
        .order_by(TeamAskPerson.user_id)
    ):
        people[ask_id].append(user_id)
    return [AskAnswers(ask, answers[ask.id], people[ask.id]) for ask in asks]


def pulses_since(session: Session, leader_id: int, since: datetime) -> list[TeamAsk]:
    """The pulses this leader asked of the team after `since`."""
    return list(
        session.scalars(
            select(TeamAsk).where(
                TeamAsk.leader_id == leader_id,
                TeamAsk.kind == AskKind.PULSE.value,
                TeamAsk.created_at > since,
            )
        )
    )


def named_answers_of(session: Session, team_id: str, user_id: str) -> int:
    """How many named answers this person gave in this workspace."""
    return (
        session.scalar(
            select(func.count())
            .select_from(TeamAnswer)
            .join(TeamAsk, TeamAsk.id == TeamAnswer.ask_id)
            .where(TeamAsk.team_id == team_id, TeamAnswer.user_id == user_id)
        )
        or 0
    )


def forget_named_answers(session: Session, team_id: str, user_id: str) -> int:
    """Delete every named answer this person gave in this workspace; how many."""
    asks_here = select(TeamAsk.id).where(TeamAsk.team_id == team_id)
    result = session.execute(
        delete(TeamAnswer).where(TeamAnswer.user_id == user_id, TeamAnswer.ask_id.in_(asks_here))
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def _of_answerer(ask_id: int, answerer_key: str) -> ColumnElement[bool]:
    return and_(TeamAnswer.ask_id == ask_id, TeamAnswer.answerer_key == answerer_key)


def answer_by(session: Session, ask_id: int, answerer_key: str) -> TeamAnswer | None:
    """The answer to the ask from the answerer with this key, if they gave one."""
    return session.scalar(select(TeamAnswer).where(_of_answerer(ask_id, answerer_key)))


def delete_answer(session: Session, ask_id: int, answerer_key: str) -> bool:
    """Delete the answer to the ask from the answerer with this key; True if there was one."""
    result = session.execute(delete(TeamAnswer).where(_of_answerer(ask_id, answerer_key)))
    return bool(result.rowcount)  # type: ignore[attr-defined]
