"""The SQL of asking the team: claiming an ask to post or to close, the count's throttle,
what the team's message about an ask shows, and how posting and closing it went.

Each claim is one conditional UPDATE … RETURNING, so however many processes run the pass,
each row goes to exactly one of them; a claim's lease lets another take over if its process
died mid-way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select, true, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, aliased

from bot.domain.history_filters import searchable_words
from bot.domain.team_ask_rules import MIN_GROUP, AskKind, default_close
from bot.store.models import AskStatus, Entry, Leader, TeamAnswer, TeamAsk, TeamAskPerson

# What `count_shown` holds for a message that must be drawn again, whatever the count: the
# close it shows has moved. The count's refresher and the closing pass both redraw it.
MUST_REDRAW = -1
# Asks whose close may still move: their answers have not closed.
_NOT_CLOSED = (AskStatus.POSTING, AskStatus.UNPOSTED, AskStatus.OPEN)


def claim_unposted(connection: Connection, now: datetime, lease: timedelta) -> list[int]:
    """Asks whose posting was started by a process that stopped before it finished."""
    statement = (
        update(TeamAsk)
        .where(
            TeamAsk.status == AskStatus.POSTING,
            or_(TeamAsk.lease_until.is_(None), TeamAsk.lease_until < now),
            TeamAsk.closes_at > now,
        )
        .values(lease_until=now + lease)
        .returning(TeamAsk.id)
    )
    return list(connection.scalars(statement))


# Closings are claimed a few at a time, so a slow pass never holds more than it can finish
# within the lease.
CLOSING_BATCH = 10


def claim_due_closings(connection: Connection, now: datetime, lease: timedelta) -> list[int]:
    """Up to CLOSING_BATCH asks whose answers close by `now`: open ones, closings a dead
    process left unfinished, and asks whose posting never finished before the close."""
    due = or_(
        and_(TeamAsk.status == AskStatus.OPEN, TeamAsk.closes_at <= now),
        and_(TeamAsk.status == AskStatus.CLOSING, TeamAsk.lease_until < now),
        and_(
            TeamAsk.status == AskStatus.POSTING,
            TeamAsk.closes_at <= now,
            or_(TeamAsk.lease_until.is_(None), TeamAsk.lease_until < now),
        ),
    )
    batch = select(TeamAsk.id).where(due).order_by(TeamAsk.closes_at).limit(CLOSING_BATCH)
    statement = (
        update(TeamAsk)
        # `due` again: a row another process claimed since the batch was read is not ours.
        .where(TeamAsk.id.in_(batch.scalar_subquery()), due)
        .values(status=AskStatus.CLOSING, lease_until=now + lease)
        .returning(TeamAsk.id)
    )
    return list(connection.scalars(statement))


def claim_count_update(
    connection: Connection, ask_id: int, now: datetime, every: timedelta
) -> bool:
    """Whether this process may update the channel message's count now (at most once per
    `every` for all processes together)."""
    statement = (
        update(TeamAsk)
        .where(
            TeamAsk.id == ask_id,
            TeamAsk.status == AskStatus.OPEN,
            TeamAsk.message_ts.is_not(None),
            or_(TeamAsk.count_updated_at.is_(None), TeamAsk.count_updated_at <= now - every),
        )
        .values(count_updated_at=now)
        .returning(TeamAsk.id)
    )
    return connection.scalar(statement) is not None


def move_closes_into_zone(connection: Connection, leader_id: int, tz: str) -> None:
    """Slack said the leader's zone: every default close of theirs planned in UTC before it
    did, on any ask still open, becomes the end of the next working day in `tz`.

    A message already posted shows the old close, so it is marked for redrawing.
    """
    waiting = connection.execute(
        select(TeamAsk.id, TeamAsk.created_at).where(
            TeamAsk.leader_id == leader_id,
            TeamAsk.close_awaits_zone,
            TeamAsk.status.in_(_NOT_CLOSED),
        )
    ).all()
    for ask_id, created_at in waiting:
        connection.execute(
            update(TeamAsk)
            # Again: the closing pass may have claimed it since it was read.
            .where(TeamAsk.id == ask_id, TeamAsk.close_awaits_zone, TeamAsk.status.in_(_NOT_CLOSED))
            .values(
                closes_at=default_close(created_at, tz),
                close_awaits_zone=False,
                count_shown=case(
                    (TeamAsk.status == AskStatus.OPEN, MUST_REDRAW), else_=TeamAsk.count_shown
                ),
            )
        )


def messages_to_redraw(connection: Connection, limit: int) -> list[int]:
    """Open asks whose messages show a close that has moved since they were posted."""
    return list(
        connection.scalars(
            select(TeamAsk.id)
            .where(TeamAsk.status == AskStatus.OPEN, TeamAsk.count_shown == MUST_REDRAW)
            .order_by(TeamAsk.id)
            .limit(limit)
        )
    )


def answer_count(connection: Connection, ask_id: int) -> int:
    """How many answers the ask has, named or not."""
    return connection.scalar(select(func.count()).where(TeamAnswer.ask_id == ask_id)) or 0


@dataclass(frozen=True)
class MessageRow:
    """An ask, with what the team's message about it shows beyond the ask's own row."""

    ask: TeamAsk
    question: str
    leader_user_id: str
    people: tuple[str, ...]
    answered: int
    # What the leader told the same channel or people last time, and whether it is done.
    last_promise: tuple[str, bool] | None = None


def message_row(session: Session, ask: TeamAsk) -> MessageRow:
    """The ask's question, who asked it, whom it asked and how many answered."""
    entry = session.get(Entry, ask.entry_id)
    people = people_asked(session, ask.id)
    return MessageRow(
        ask,
        entry.question_text if entry else "",
        asker_user_id(session, ask) or "",
        people,
        answer_count(session.connection(), ask.id),
        last_told_promise(session, ask, people),
    )


# How far back an ask by DM looks for one to the same people.
_EARLIER_DM_ASKS = 20


def last_told_promise(
    session: Session, ask: TeamAsk, people: tuple[str, ...]
) -> tuple[str, bool] | None:
    """The promise the leader last told this ask's channel (or these same people), and
    whether it is kept; None if they were told none."""
    earlier = (
        select(TeamAsk.id, Entry.promise, Entry.promise_kept_at)
        .join(Entry, Entry.id == TeamAsk.entry_id)
        .where(
            TeamAsk.leader_id == ask.leader_id,
            TeamAsk.id < ask.id,
            Entry.promise_told.is_(True),
            Entry.promise.is_not(None),
            TeamAsk.channel_id == ask.channel_id
            if ask.channel_id is not None
            else TeamAsk.channel_id.is_(None),
        )
        .order_by(TeamAsk.id.desc())
        .limit(1 if ask.channel_id is not None else _EARLIER_DM_ASKS)
    )
    for ask_id, promise, kept_at in session.execute(earlier):
        if promise and (ask.channel_id is not None or people_asked(session, ask_id) == people):
            return promise, kept_at is not None
    return None


def asker_user_id(session: Session, ask: TeamAsk) -> str | None:
    """The Slack user id of the leader who asked it."""
    return session.scalar(select(Leader.user_id).where(Leader.id == ask.leader_id))


def people_asked(session: Session, ask_id: int) -> tuple[str, ...]:
    """The people the ask went to by DM, by user id."""
    return tuple(
        session.scalars(
            select(TeamAskPerson.user_id)
            .where(TeamAskPerson.ask_id == ask_id)
            .order_by(TeamAskPerson.user_id)
        )
    )


def ask_of_entry(session: Session, entry_id: int) -> TeamAsk | None:
    """The ask that entry `entry_id` of the log is the conversation of, if it is one."""
    return session.scalar(select(TeamAsk).where(TeamAsk.entry_id == entry_id))


def ask_to_answer(session: Session, ask_id: int) -> TeamAsk | None:
    """The ask, read with a share lock on PostgreSQL, for an answer to be saved to it."""
    # The closing pass's claim waits for the lock, so no answer lands after its summary was read.
    return session.get(TeamAsk, ask_id, with_for_update={"read": True})


def was_asked_by_dm(session: Session, ask_id: int, user_id: str) -> bool:
    """Whether the ask went to `user_id` by DM."""
    return session.get(TeamAskPerson, (ask_id, user_id)) is not None


def ask_awaits_zone(session: Session, ask_id: int) -> bool:
    """Whether the ask's default close still waits for Slack to say the leader's zone."""
    return bool(session.scalar(select(TeamAsk.close_awaits_zone).where(TeamAsk.id == ask_id)))


def earlier_pulses(session: Session, current: TeamAsk, limit: int) -> list[TeamAsk]:
    """The leader's closed pulses in `current`'s channel that closed before it, latest first."""
    return list(
        session.scalars(
            select(TeamAsk)
            .where(
                TeamAsk.leader_id == current.leader_id,
                TeamAsk.kind == AskKind.PULSE.value,
                TeamAsk.status == AskStatus.CLOSED,
                TeamAsk.channel_id.is_not_distinct_from(current.channel_id),
                TeamAsk.closes_at < current.closes_at,
            )
            .order_by(TeamAsk.closes_at.desc())
            .limit(limit)
        )
    )


def posted_dms(session: Session, ask_id: int) -> list[tuple[str | None, str | None]]:
    """(DM channel, message ts) of each person the ask went to, as far as it was posted."""
    rows = session.execute(
        select(TeamAskPerson.dm_channel, TeamAskPerson.message_ts).where(
            TeamAskPerson.ask_id == ask_id
        )
    )
    return [(channel, ts) for channel, ts in rows]


# -- how posting and closing went --------------------------------------------------------------


def mark_posted(
    session: Session,
    ask_id: int,
    message_ts: str | None,
    dms: dict[str, tuple[str, str]],
    shown_close: datetime,
) -> None:
    """A posting ask is out and open: its message's ts, or each DM's (channel, ts) by user id."""
    session.execute(
        update(TeamAsk)
        .where(TeamAsk.id == ask_id, TeamAsk.status == AskStatus.POSTING)
        .values(
            status=AskStatus.OPEN,
            message_ts=message_ts,
            lease_until=None,
            # The leader's zone came while it was being posted: the close moved under it.
            count_shown=case(
                (TeamAsk.closes_at != shown_close, MUST_REDRAW), else_=TeamAsk.count_shown
            ),
        )
    )
    for user_id, (channel, ts) in dms.items():
        session.execute(
            update(TeamAskPerson)
            .where(TeamAskPerson.ask_id == ask_id, TeamAskPerson.user_id == user_id)
            .values(dm_channel=channel, message_ts=ts)
        )


def mark_unposted(session: Session, ask_id: int) -> None:
    """A posting ask could not be posted."""
    session.execute(
        update(TeamAsk)
        .where(TeamAsk.id == ask_id, TeamAsk.status == AskStatus.POSTING)
        .values(status=AskStatus.UNPOSTED, lease_until=None)
    )


def set_count_shown(session: Session, ask_id: int, count: int) -> None:
    """The ask's message now shows `count` answers."""
    session.execute(update(TeamAsk).where(TeamAsk.id == ask_id).values(count_shown=count))


def mark_closed(session: Session, ask_id: int, now: datetime) -> None:
    """A closing ask is closed for good."""
    session.execute(
        update(TeamAsk)
        .where(TeamAsk.id == ask_id, TeamAsk.status == AskStatus.CLOSING)
        .values(status=AskStatus.CLOSED, closed_at=now, lease_until=None)
    )


def _visible(minimum: int) -> ColumnElement[bool]:
    """Answers the leader may read: named ones, and anonymous ones of a closed ask once there
    are enough (as services/team_conversations.py decides for what it shows)."""
    others = aliased(TeamAnswer)
    unnamed = (
        select(func.count())
        .where(others.ask_id == TeamAnswer.ask_id, others.user_id.is_(None))
        .correlate(TeamAnswer)
        .scalar_subquery()
    )
    closed = TeamAsk.status.in_([AskStatus.CLOSING, AskStatus.CLOSED])
    return or_(TeamAnswer.user_id.is_not(None), and_(closed, unnamed >= max(minimum, MIN_GROUP)))


def entries_with_answer_words(leader_id: int, words: str, minimum: int) -> Select[Any]:
    """This leader's team conversations with an answer the leader may read containing every
    word (anywhere in the answer: team answers are few per leader, so no index is kept)."""
    matches = [
        TeamAnswer.text.ilike(f"%{_escape_like(word)}%", escape="\\")
        for word in searchable_words(words)
    ]
    return (
        select(TeamAsk.entry_id)
        .join(TeamAnswer, TeamAnswer.ask_id == TeamAsk.id)
        .where(TeamAsk.leader_id == leader_id, _visible(minimum), and_(true(), *matches))
    )


def entries_with_named_answer(leader_id: int, user_id: str) -> Select[Any]:
    """This leader's team conversations in which `user_id` answered by name."""
    return (
        select(TeamAsk.entry_id)
        .join(TeamAnswer, TeamAnswer.ask_id == TeamAsk.id)
        .where(TeamAsk.leader_id == leader_id, TeamAnswer.user_id == user_id)
    )


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
