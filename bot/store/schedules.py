"""The SQL of nudge schedules beyond the claims of bot/store/claims.py: removing one, and
finding those that wait for Slack to give their leader's zone; the zone one keeps."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from bot.store.models import Leader, Schedule

_WAITING_FOR_ZONE = (
    select(Leader.id, Leader.team_id, Leader.user_id)
    .join(Schedule, Schedule.leader_id == Leader.id)
    .where(
        Leader.tz.is_(None),
        # What services.schedules.zone_pending() says, in SQL: planned schedules and paused
        # ones are not waiting.
        Schedule.next_due_at.is_(None),
        Schedule.resume_on.is_(None),
        Schedule.days != 0,
    )
    .order_by(Schedule.updated_at)
)


def waiting_for_zone(connection: Connection, limit: int) -> list[tuple[int, str, str]]:
    """Leaders whose schedule waits for their zone, oldest first: (leader id, team id, user id)."""
    rows = connection.execute(_WAITING_FOR_ZONE.limit(limit)).all()
    return [(row.id, row.team_id, row.user_id) for row in rows]


def delete_schedule(session: Session, leader_id: int) -> bool:
    """Remove this leader's schedule; True if there was one."""
    result = session.execute(delete(Schedule).where(Schedule.leader_id == leader_id))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def schedule_zone(session: Session, leader_id: int) -> str | None:
    """The zone this leader's schedule keeps, if they have one."""
    return session.scalar(select(Schedule.tz).where(Schedule.leader_id == leader_id))
