"""Finding the leader behind a Slack request: one row per workspace and user."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.models import Leader
from bot.store.upsert import insert_ignoring_conflict


def leader_for(session: Session, team_id: str, user_id: str, now: datetime) -> Leader:
    """The leader for this workspace and user, created on first use (safe under races)."""
    leader = find_leader(session, team_id, user_id)
    if leader is not None:
        return leader
    insert_ignoring_conflict(
        session,
        Leader.__table__,  # type: ignore[arg-type]
        {"team_id": team_id, "user_id": user_id, "created_at": now},
        conflict=("team_id", "user_id"),
    )
    leader = find_leader(session, team_id, user_id)
    assert leader is not None  # we just inserted it, or a concurrent request did
    return leader


def find_leader(session: Session, team_id: str, user_id: str) -> Leader | None:
    """The leader for this workspace and user, if they have used the bot before."""
    return session.scalars(
        select(Leader).where(Leader.team_id == team_id, Leader.user_id == user_id)
    ).one_or_none()
