"""Follow through: the promises a leader logged, open and kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.store.models import Entry

OPEN_SHOWN = 20
KEPT_SHOWN = 10
KEPT_WINDOW = timedelta(days=30)


@dataclass(frozen=True)
class Promises:
    open: list[Entry]
    open_count: int
    kept: list[Entry]


def promises_of(session: Session, leader_id: int | None, now: datetime) -> Promises:
    """Open promises, oldest first, and those kept in the last 30 days, newest first."""
    if leader_id is None:
        return Promises([], 0, [])
    mine = (Entry.leader_id == leader_id, Entry.promise.is_not(None))
    still_open = Entry.promise_kept_at.is_(None)
    open_promises = session.scalars(
        select(Entry).where(*mine, still_open).order_by(Entry.created_at).limit(OPEN_SHOWN)
    ).all()
    kept = session.scalars(
        select(Entry)
        .where(*mine, Entry.promise_kept_at >= now - KEPT_WINDOW)
        .order_by(Entry.promise_kept_at.desc())
        .limit(KEPT_SHOWN)
    ).all()
    count = session.scalar(select(func.count()).where(*mine, still_open)) or 0
    return Promises(list(open_promises), count, list(kept))


def mark_promise_kept(
    session: Session, leader_id: int, entry_id: int, now: datetime, outcome: str | None = None
) -> Entry | None:
    """Mark the leader's own promise kept; None if it is not theirs or has no promise."""
    entry = session.get(Entry, entry_id)
    if entry is None or entry.leader_id != leader_id or not entry.promise:
        return None
    if entry.promise_kept_at is None:
        entry.promise_kept_at = now
    if outcome:
        entry.promise_outcome = outcome
    return entry
