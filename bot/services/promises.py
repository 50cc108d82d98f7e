"""Follow through: the promises a leader logged, open and kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.services.context import Context
from bot.services.journal import own_entry
from bot.store.models import Entry

OPEN_SHOWN = 20
KEPT_SHOWN = 10
KEPT_WINDOW = timedelta(days=30)


@dataclass(frozen=True)
class Promises:
    open: list[Entry]
    open_count: int
    kept: list[Entry]


def open_promises(session: Session, leader_id: int, limit: int) -> tuple[list[Entry], int]:
    """The leader's open promises, oldest first (at most `limit`), and how many there are."""
    still_open = (
        Entry.leader_id == leader_id,
        Entry.promise.is_not(None),
        Entry.promise_kept_at.is_(None),
    )
    shown = session.scalars(
        select(Entry).where(*still_open).order_by(Entry.created_at).limit(limit)
    ).all()
    return list(shown), session.scalar(select(func.count()).where(*still_open)) or 0


def promises_of(session: Session, leader_id: int | None, now: datetime) -> Promises:
    """Open promises, oldest first, and those kept in the last 30 days, newest first."""
    if leader_id is None:
        return Promises([], 0, [])
    still_open, count = open_promises(session, leader_id, OPEN_SHOWN)
    kept = session.scalars(
        select(Entry)
        .where(
            Entry.leader_id == leader_id,
            Entry.promise.is_not(None),
            Entry.promise_kept_at >= now - KEPT_WINDOW,
        )
        .order_by(Entry.promise_kept_at.desc())
        .limit(KEPT_SHOWN)
    ).all()
    return Promises(still_open, count, list(kept))


def mark_promise_kept(
    session: Session, leader_id: int, entry_id: int, now: datetime, outcome: str
) -> Entry | None:
    """Mark the leader's own promise kept; None if it is not theirs or has no promise."""
    entry = own_entry(session, leader_id, entry_id)
    if entry is None or not entry.promise:
        return None
    if entry.promise_kept_at is None:
        entry.promise_kept_at = now
    # The form refuses an empty outcome, so there is always one to keep.
    entry.promise_outcome = outcome
    return entry


# -- use cases ------------------------------------------------------------------------------


def promises_for(ctx: Context) -> Promises:
    """The caller's open promises and those they kept lately, for `/ask-team promises`."""
    with ctx.deps.database.transaction(writes=False) as session:
        return promises_of(session, ctx.leader_id(session.connection()), ctx.now)


def promise_to_keep(ctx: Context, entry_id: int) -> Entry | None:
    """The caller's own entry `entry_id` if it holds a promise, for the Done form."""
    with ctx.deps.database.transaction(writes=False) as session:
        # The id comes from a button: it must be the presser's own promise.
        entry = own_entry(session, ctx.leader_id(session.connection()), entry_id)
        return entry if entry is not None and entry.promise else None


def keep_promise(ctx: Context, entry_id: int, outcome: str) -> Entry | None:
    """Mark the caller's own promise kept with what was done; None if it is not theirs."""
    with ctx.deps.database.transaction() as session:
        leader_id = ctx.leader_id(session.connection())
        if leader_id is None:
            return None
        return mark_promise_kept(session, leader_id, entry_id, ctx.now, outcome)
