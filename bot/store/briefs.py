"""The SQL of a 1:1 brief: what one person said to this leader, by name, and the promises that
name them. Nothing here reads an anonymous answer or an anonymous ask's conversation."""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import Session

from bot.domain.briefs import PromiseRow, SaidRow
from bot.store.models import Entry, EntryPerson, TeamAnswer, TeamAsk


def _anonymous_conversations() -> ColumnElement[bool]:
    return Entry.id.in_(select(TeamAsk.entry_id).where(TeamAsk.anonymous.is_(True)))


def _names(person: str) -> ColumnElement[bool]:
    return exists().where(EntryPerson.entry_id == Entry.id, EntryPerson.user_id == person)


def said_in_log(session: Session, leader_id: int, person: str, limit: int) -> list[SaidRow]:
    """What the leader logged with `person` among who said it, newest first."""
    entries = session.scalars(
        select(Entry)
        .where(
            Entry.leader_id == leader_id,
            Entry.answer != "",
            _names(person),
            ~_anonymous_conversations(),
        )
        .order_by(Entry.created_at.desc(), Entry.id.desc())
        .limit(limit)
    )
    return [
        SaidRow(entry.created_at, entry.question_text, entry.answer, None, from_team=False)
        for entry in entries
    ]


def said_to_asks(session: Session, leader_id: int, person: str, limit: int) -> list[SaidRow]:
    """`person`'s named answers to this leader's asks, newest first."""
    rows = session.execute(
        select(
            TeamAnswer.updated_at,
            Entry.question_text,
            TeamAnswer.text,
            TeamAsk.channel_id,
            TeamAnswer.score,
        )
        .join(TeamAsk, TeamAsk.id == TeamAnswer.ask_id)
        .join(Entry, Entry.id == TeamAsk.entry_id)
        .where(
            TeamAsk.leader_id == leader_id,
            TeamAsk.anonymous.is_(False),
            TeamAnswer.user_id == person,
        )
        .order_by(TeamAnswer.updated_at.desc(), TeamAnswer.id.desc())
        .limit(limit)
    ).all()
    return [
        SaidRow(when, question, words, channel, from_team=True, score=score)
        for when, question, words, channel, score in rows
    ]


def questions_asked_of(session: Session, leader_id: int, person: str) -> set[str]:
    """The question refs this leader logged with `person`, or `person` answered by name."""
    logged = select(Entry.question_ref).where(Entry.leader_id == leader_id, _names(person))
    answered = (
        select(Entry.question_ref)
        .join(TeamAsk, TeamAsk.entry_id == Entry.id)
        .join(TeamAnswer, TeamAnswer.ask_id == TeamAsk.id)
        .where(TeamAsk.leader_id == leader_id, TeamAnswer.user_id == person)
    )
    return set(session.scalars(logged.union(answered)))


def promises_naming(session: Session, leader_id: int, person: str, limit: int) -> list[PromiseRow]:
    """Promises logged with `person` among who said it: open ones first, then the latest."""
    entries = session.scalars(
        select(Entry)
        .where(
            Entry.leader_id == leader_id,
            Entry.promise.is_not(None),
            _names(person),
            ~_anonymous_conversations(),
        )
        .order_by(
            Entry.promise_kept_at.is_not(None) | Entry.promise_dropped_at.is_not(None),
            Entry.created_at.desc(),
            Entry.id.desc(),
        )
        .limit(limit)
    )
    return [
        PromiseRow(
            entry.promise or "",
            entry.created_at,
            entry.promise_due,
            entry.promise_kept_at,
            entry.promise_dropped_at is not None,
        )
        for entry in entries
    ]
