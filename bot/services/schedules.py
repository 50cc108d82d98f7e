"""A leader's nudge schedule: subscribe, change, pause, resume, stop, and the next nudge."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from bot.habits import Habit
from bot.scheduling import Rule, next_nudge, zone
from bot.store.models import Leader, Schedule

# Stands in the schedule until Slack has told us the leader's zone; no nudge is planned then.
UNKNOWN_ZONE = "UTC"


def days_to_mask(days: Iterable[int]) -> int:
    mask = 0
    for day in days:
        mask |= 1 << day
    return mask


def mask_to_days(mask: int) -> frozenset[int]:
    return frozenset(day for day in range(7) if mask & (1 << day))


def habits_to_text(habits: Iterable[Habit] | None) -> str | None:
    chosen = sorted({habit.value for habit in habits or ()})
    return ",".join(chosen) if chosen and len(chosen) < len(Habit) else None


def text_to_habits(text: str | None) -> tuple[Habit, ...]:
    """The preferred habits, in the bank's order; all five when none are stored."""
    if not text:
        return tuple(Habit)
    chosen = {part for part in text.split(",") if part}
    return tuple(habit for habit in Habit if habit.value in chosen) or tuple(Habit)


@dataclass(frozen=True)
class Plan:
    """A schedule as the leader sees it."""

    rule: Rule
    tz: str
    habits: tuple[Habit, ...]
    resume_on: date | None
    pause_reason: str | None
    next_due_at: datetime | None


def plan_of(schedule: Schedule) -> Plan:
    return Plan(
        rule=Rule(schedule.minute_of_day, mask_to_days(schedule.days)),
        tz=schedule.tz,
        habits=text_to_habits(schedule.habits),
        resume_on=schedule.resume_on,
        pause_reason=schedule.pause_reason,
        next_due_at=schedule.next_due_at,
    )


def get_schedule(session: Session, leader_id: int) -> Schedule | None:
    return session.get(Schedule, leader_id)


def leader_zone(session: Session, leader_id: int) -> str | None:
    """The zone Slack last gave for this leader, or None if we have not asked yet."""
    return session.scalar(select(Leader.tz).where(Leader.id == leader_id))


def zone_pending(schedule: Schedule) -> bool:
    """True while the schedule waits for Slack to tell us the leader's zone."""
    return schedule.next_due_at is None and schedule.resume_on is None and bool(schedule.days)


def reschedule(schedule: Schedule, now: datetime, *, zone_known: bool = True) -> None:
    """Set the schedule's next nudge: the first one after `now`, honouring any pause."""
    if not zone_known:
        schedule.next_local_date, schedule.next_due_at = None, None
        schedule.updated_at = now
        return
    rule = Rule(schedule.minute_of_day, mask_to_days(schedule.days))
    upcoming = next_nudge(rule, zone(schedule.tz), now, schedule.resume_on)
    schedule.next_local_date, schedule.next_due_at = upcoming if upcoming else (None, None)
    schedule.updated_at = now


def subscribe(
    session: Session,
    leader_id: int,
    rule: Rule,
    tz: str | None,
    now: datetime,
    habits: Iterable[Habit] | None = None,
) -> Schedule:
    """Create or change this leader's schedule; a subscription also ends any pause.

    With `tz` None (Slack has not told us the zone yet) the schedule is kept and its next
    nudge is planned by `learn_zone` once the zone is known.
    """
    schedule = session.get(Schedule, leader_id)
    if schedule is None:
        schedule = Schedule(leader_id=leader_id, tz=tz or UNKNOWN_ZONE, minute_of_day=0, days=0)
        session.add(schedule)
    schedule.minute_of_day = rule.minute_of_day
    schedule.days = days_to_mask(rule.days)
    schedule.tz = tz or UNKNOWN_ZONE
    if habits is not None:
        schedule.habits = habits_to_text(habits)
    schedule.resume_on = None
    schedule.pause_reason = None
    reschedule(schedule, now, zone_known=tz is not None)
    session.flush()
    return schedule


def pause(
    session: Session, leader_id: int, resume_on: date, now: datetime, reason: str | None = None
) -> Schedule | None:
    """No nudges on local dates before `resume_on` (INDEFINITELY: until resumed)."""
    schedule = session.get(Schedule, leader_id)
    if schedule is None:
        return None
    schedule.resume_on = resume_on
    schedule.pause_reason = reason
    reschedule(schedule, now)
    return schedule


def resume(session: Session, leader_id: int, now: datetime) -> Schedule | None:
    schedule = session.get(Schedule, leader_id)
    if schedule is None:
        return None
    schedule.resume_on = None
    schedule.pause_reason = None
    reschedule(schedule, now)
    return schedule


def stop(session: Session, leader_id: int) -> bool:
    """Unsubscribe; True if there was a schedule to remove."""
    result = session.execute(delete(Schedule).where(Schedule.leader_id == leader_id))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def learn_zone(session: Session, leader_id: int, tz: str, now: datetime) -> Schedule | None:
    """Remember the zone Slack gave; plan the next nudge in it if that changes anything.

    Returns the schedule when its next nudge moved (or was planned for the first time).
    """
    session.execute(update(Leader).where(Leader.id == leader_id).values(tz=tz))
    schedule = session.get(Schedule, leader_id)
    if schedule is None or (schedule.tz == tz and not zone_pending(schedule)):
        return None
    schedule.tz = tz
    reschedule(schedule, now)
    return schedule


_WAITING_FOR_ZONE = (
    select(Leader.id, Leader.team_id, Leader.user_id)
    .join(Schedule, Schedule.leader_id == Leader.id)
    .where(
        Leader.tz.is_(None),
        # What zone_pending() says, in SQL: planned schedules and paused ones are not waiting.
        Schedule.next_due_at.is_(None),
        Schedule.resume_on.is_(None),
        Schedule.days != 0,
    )
    .order_by(Schedule.updated_at)
)


def waiting_for_zone(connection: Connection, limit: int) -> list[tuple[int, str, str]]:
    """Leaders whose schedule waits for their zone: (leader id, team id, user id)."""
    rows = connection.execute(_WAITING_FOR_ZONE.limit(limit)).all()
    return [(row.id, row.team_id, row.user_id) for row in rows]
