"""The SQL of the promises a leader logged with their answers: open, kept, due on a day.

A dropped promise is neither open nor kept: the leader let it go, and it stays in the log."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from bot.store.models import Entry

_DUE = (
    select(Entry.promise)
    .where(
        Entry.leader_id == bindparam("leader_id"),
        Entry.promise_due == bindparam("day"),
        Entry.promise_kept_at.is_(None),
        Entry.promise_dropped_at.is_(None),
        Entry.promise.is_not(None),
    )
    .order_by(Entry.created_at)
    .limit(bindparam("limit"))
)


def open_promises(session: Session, leader_id: int, limit: int) -> tuple[list[Entry], int]:
    """The leader's open promises, oldest first (at most `limit`), and how many there are."""
    still_open = (
        Entry.leader_id == leader_id,
        Entry.promise.is_not(None),
        Entry.promise_kept_at.is_(None),
        Entry.promise_dropped_at.is_(None),
    )
    shown = session.scalars(
        select(Entry).where(*still_open).order_by(Entry.created_at).limit(limit)
    ).all()
    return list(shown), session.scalar(select(func.count()).where(*still_open)) or 0


def kept_promises(session: Session, leader_id: int, since: datetime, limit: int) -> list[Entry]:
    """The leader's promises kept since `since`, newest first (at most `limit`)."""
    kept = session.scalars(
        select(Entry)
        .where(
            Entry.leader_id == leader_id,
            Entry.promise.is_not(None),
            Entry.promise_kept_at >= since,
        )
        .order_by(Entry.promise_kept_at.desc())
        .limit(limit)
    ).all()
    return list(kept)


def promises_due(connection: Connection, leader_id: int, day: date, limit: int) -> list[str]:
    """Open promises the leader said they would keep by local `day`, oldest first."""
    rows = connection.execute(_DUE, {"leader_id": leader_id, "day": day, "limit": limit})
    return [promise for promise in rows.scalars() if promise]
