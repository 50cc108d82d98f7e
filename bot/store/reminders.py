"""The SQL of reminders: promises near their day, each reminder's claim, the people asked by
DM who may be reminded, and who chose not to be."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.engine import Connection

from bot.domain.reminder_rules import OpenPromise
from bot.store.models import (
    AskStatus,
    Entry,
    Leader,
    PromiseReminder,
    ReminderOptOut,
    Schedule,
    TeamAnswer,
    TeamAsk,
    TeamAskPerson,
)
from bot.store.upsert import insert_for_dialect, insert_ignoring_conflict

SENDING = "sending"
SENT = "sent"


def promises_due_between(connection: Connection, first: date, last: date) -> list[OpenPromise]:
    """Open promises (not kept, not dropped) whose day falls from `first` to `last`."""
    rows = connection.execute(
        select(
            Entry.id,
            Entry.promise,
            Entry.promise_due,
            Entry.question_text,
            Leader.team_id,
            Leader.user_id,
            Leader.tz,
            Schedule.tz,
            Schedule.days,
            Schedule.resume_on,
        )
        .join(Leader, Leader.id == Entry.leader_id)
        .outerjoin(Schedule, Schedule.leader_id == Entry.leader_id)
        .where(
            Entry.promise.is_not(None),
            Entry.promise_kept_at.is_(None),
            Entry.promise_dropped_at.is_(None),
            Entry.promise_due.between(first, last),
        )
        .order_by(Entry.id)
    )
    return [
        OpenPromise(
            entry_id,
            promise or "",
            due or first,
            question,
            team,
            user,
            tz or schedule_tz,
            days,
            resume,
        )
        for (entry_id, promise, due, question, team, user, tz, schedule_tz, days, resume) in rows
    ]


def settled_reminders(
    connection: Connection, entry_ids: Collection[int], now: datetime
) -> set[tuple[int, str, date]]:
    """(entry, kind, day) of the reminders of `entry_ids` sent, or being sent under a lease."""
    if not entry_ids:
        return set()
    rows = connection.execute(
        select(PromiseReminder.entry_id, PromiseReminder.kind, PromiseReminder.due).where(
            PromiseReminder.entry_id.in_(entry_ids),
            or_(PromiseReminder.status == SENT, PromiseReminder.lease_until >= now),
        )
    )
    return {(entry_id, kind, due) for entry_id, kind, due in rows}


def claim_reminder(
    connection: Connection, entry_id: int, kind: str, due: date, now: datetime, lease: timedelta
) -> bool:
    """Whether this process may send the reminder: it is new, or its sender's lease ran out."""
    table = PromiseReminder.__table__
    inserted = connection.execute(
        insert_for_dialect(connection.dialect.name, table)
        .values(entry_id=entry_id, kind=kind, due=due, status=SENDING, lease_until=now + lease)
        .on_conflict_do_nothing(index_elements=["entry_id", "kind", "due"])
        .returning(table.c.entry_id)
    ).first()
    if inserted is not None:
        return True
    taken = connection.execute(
        update(PromiseReminder)
        .where(
            *_one(entry_id, kind, due),
            PromiseReminder.status == SENDING,
            PromiseReminder.lease_until < now,
        )
        .values(lease_until=now + lease)
        .returning(PromiseReminder.entry_id)
    ).first()
    return taken is not None


def _one(entry_id: int, kind: str, due: date) -> tuple[ColumnElement[bool], ...]:
    """Where-clauses naming one promise's reminder."""
    return (
        PromiseReminder.entry_id == entry_id,
        PromiseReminder.kind == kind,
        PromiseReminder.due == due,
    )


def finish_reminder(
    connection: Connection, entry_id: int, kind: str, due: date, now: datetime
) -> None:
    """The reminder was sent (or can never be): it is not sent again."""
    connection.execute(
        update(PromiseReminder)
        .where(
            *_one(entry_id, kind, due),
        )
        .values(status=SENT, sent_at=now, lease_until=None)
    )


def retry_reminder_after(
    connection: Connection, entry_id: int, kind: str, due: date, at: datetime
) -> None:
    """Slack said try later: the claim lapses at `at`, when any process's pass sends it."""
    connection.execute(
        update(PromiseReminder)
        .where(
            *_one(entry_id, kind, due),
            PromiseReminder.status == SENDING,
        )
        .values(lease_until=at)
    )


def reminder_not_needed(
    connection: Connection, entry_id: int, kind: str, due: date, now: datetime
) -> None:
    """The leader set this day while it already was that day: they need no reminder of it."""
    insert_ignoring_conflict(
        connection,
        PromiseReminder.__table__,  # type: ignore[arg-type]
        {"entry_id": entry_id, "kind": kind, "due": due, "status": SENT, "sent_at": now},
        ("entry_id", "kind", "due"),
    )


# -- people asked by DM -----------------------------------------------------------------------


@dataclass(frozen=True)
class AskToRemind:
    """An open ask by DM whose people may still be reminded."""

    ask_id: int
    team_id: str
    leader_id: int
    anonymous: bool
    sent_at: datetime
    closes_at: datetime
    reminded_through: datetime | None

    @property
    def halfway(self) -> datetime:
        return self.sent_at + (self.closes_at - self.sent_at) / 2


def asks_with_reminders_left(connection: Connection, now: datetime) -> list[AskToRemind]:
    """Open asks by DM, closing after `now`, not yet reminded up to their close."""
    rows = connection.execute(
        select(
            TeamAsk.id,
            TeamAsk.team_id,
            TeamAsk.leader_id,
            TeamAsk.anonymous,
            TeamAsk.created_at,
            TeamAsk.closes_at,
            TeamAsk.reminded_through,
        ).where(
            TeamAsk.status == AskStatus.OPEN,
            TeamAsk.channel_id.is_(None),
            TeamAsk.closes_at > now,
            or_(TeamAsk.reminded_through.is_(None), TeamAsk.reminded_through < TeamAsk.closes_at),
        )
    )
    return [AskToRemind(*row) for row in rows]


@dataclass(frozen=True)
class PersonAsked:
    user_id: str
    dm_channel: str
    tz: str | None


def people_reached(connection: Connection, ask_id: int) -> list[PersonAsked]:
    """The people the ask reached by DM, with their zone if it was asked of Slack."""
    rows = connection.execute(
        select(TeamAskPerson.user_id, TeamAskPerson.dm_channel, TeamAskPerson.tz).where(
            TeamAskPerson.ask_id == ask_id,
            TeamAskPerson.dm_channel.is_not(None),
            TeamAskPerson.message_ts.is_not(None),
        )
    )
    return [PersonAsked(user, channel, tz) for user, channel, tz in rows if channel]


def set_person_zone(connection: Connection, ask_id: int, user_id: str, tz: str) -> None:
    connection.execute(
        update(TeamAskPerson)
        .where(TeamAskPerson.ask_id == ask_id, TeamAskPerson.user_id == user_id)
        .values(tz=tz)
    )


def answerer_keys(connection: Connection, ask_id: int) -> set[str]:
    """The keyed hashes of everyone who answered the ask: who they are is not stored."""
    return set(
        connection.scalars(select(TeamAnswer.answerer_key).where(TeamAnswer.ask_id == ask_id))
    )


def claim_reminders_through(connection: Connection, ask: AskToRemind, through: datetime) -> bool:
    """Whether this process reminds the people due from the last turn up to `through`.

    A compare-and-set on the turn: of processes racing, one moves it on, so each person is
    reminded at most once.
    """
    unchanged = (
        TeamAsk.reminded_through.is_(None)
        if ask.reminded_through is None
        else TeamAsk.reminded_through == ask.reminded_through
    )
    moved = connection.execute(
        update(TeamAsk)
        .where(and_(TeamAsk.id == ask.ask_id, TeamAsk.status == AskStatus.OPEN, unchanged))
        .values(reminded_through=through)
        .returning(TeamAsk.id)
    ).first()
    return moved is not None


def count_reminded(connection: Connection, ask_id: int, count: int) -> None:
    connection.execute(
        update(TeamAsk)
        .where(TeamAsk.id == ask_id)
        .values(reminded_count=TeamAsk.reminded_count + count)
    )


def opted_out(connection: Connection, leader_id: int) -> set[str]:
    """The people who chose not to be reminded of this leader's questions."""
    return set(
        connection.scalars(
            select(ReminderOptOut.user_id).where(ReminderOptOut.leader_id == leader_id)
        )
    )


def opt_out(connection: Connection, leader_id: int, user_id: str, now: datetime) -> None:
    insert_ignoring_conflict(
        connection,
        ReminderOptOut.__table__,  # type: ignore[arg-type]
        {"leader_id": leader_id, "user_id": user_id, "created_at": now},
        ("leader_id", "user_id"),
    )
