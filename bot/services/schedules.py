"""A leader's nudge schedule: subscribe, change, pause, resume, stop, and follow their zone.

The use cases at the end take the caller's `Context`; the nudge pass's steps in the middle,
which act for no caller, take the `Database`; both share the private steps above them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.domain.nudge_rules import (
    INDEFINITELY,
    Rule,
    days_to_mask,
    mask_to_days,
    next_nudge,
    parse_pause,
    zone,
)
from bot.services.context import Context
from bot.store import claims
from bot.store.alerts import set_alerts, wants_alerts
from bot.store.claims import DueNudge
from bot.store.database import Database
from bot.store.leaders import leader_zone, set_leader_zone
from bot.store.models import Schedule
from bot.store.schedules import delete_schedule, waiting_for_zone
from bot.store.team_asks import move_closes_into_zone
from bot.vocabulary.habits import Habit
from bot.vocabulary.refusals import Reason, Refusal

# Stands in the schedule until Slack has told us the leader's zone; no nudge is planned then.
UNKNOWN_ZONE = "UTC"


def habits_to_text(habits: Iterable[Habit] | None) -> str | None:
    """The preferred habits as stored: None for all five (or none)."""
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
    habits: tuple[Habit, ...]
    # The zone Slack gave for the leader; None until it has.
    slack_zone: str | None
    # The zone the next nudge is planned in (UNKNOWN_ZONE while waiting for Slack's).
    tz: str
    next_due_at: datetime | None
    # No nudges before this local date; INDEFINITELY until the leader resumes.
    resume_on: date | None
    # Why the bot paused the nudges itself: Slack's error for the last one.
    pause_reason: str | None
    waiting_for_zone: bool


def plan_of(schedule: Schedule, slack_zone: str | None) -> Plan:
    """The schedule as the leader sees it, with the zone Slack gave for them."""
    return Plan(
        rule=Rule(schedule.minute_of_day, mask_to_days(schedule.days)),
        habits=text_to_habits(schedule.habits),
        slack_zone=slack_zone,
        tz=schedule.tz,
        next_due_at=schedule.next_due_at,
        resume_on=schedule.resume_on,
        pause_reason=schedule.pause_reason,
        waiting_for_zone=zone_pending(schedule),
    )


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


def _subscribe(
    session: Session,
    leader_id: int,
    rule: Rule,
    tz: str | None,
    now: datetime,
    habits: Iterable[Habit] | None = None,
) -> Schedule:
    """Create or change this leader's schedule; a subscription also ends any pause.

    With `tz` None (Slack has not told us the zone yet) the schedule is kept and its next
    nudge is planned by `_remember_zone` once the zone is known.
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


def _pause(
    session: Session, leader_id: int, resume_on: date, now: datetime, reason: str | None = None
) -> Schedule | None:
    """No nudges on local dates before `resume_on` (INDEFINITELY: until resumed).

    `reason` says why the bot paused them itself; a leader's own pause has none.
    """
    schedule = session.get(Schedule, leader_id)
    if schedule is None:
        return None
    schedule.resume_on = resume_on
    schedule.pause_reason = reason
    reschedule(schedule, now)
    return schedule


def _resume(session: Session, leader_id: int, now: datetime) -> Schedule | None:
    schedule = session.get(Schedule, leader_id)
    if schedule is None:
        return None
    schedule.resume_on = None
    schedule.pause_reason = None
    reschedule(schedule, now)
    return schedule


def _remember_zone(session: Session, leader_id: int, tz: str, now: datetime) -> Schedule | None:
    """Remember the zone Slack gave; move into it the asks' default closes that waited for
    it; plan the next nudge in it if that changes anything.

    Returns the schedule when its next nudge moved (or was planned for the first time).
    """
    set_leader_zone(session, leader_id, tz)
    # Whichever way the zone came (an ask's look-up, a command's, user_change, the nudge
    # pass), asks that closed by default in UTC while it was unknown move into it.
    move_closes_into_zone(session.connection(), leader_id, tz)
    schedule = session.get(Schedule, leader_id)
    if schedule is None or (schedule.tz == tz and not zone_pending(schedule)):
        return None
    schedule.tz = tz
    reschedule(schedule, now)
    return schedule


# -- for the nudge pass, which acts for no caller ------------------------------------------


def leaders_waiting_for_zone(database: Database, limit: int) -> list[tuple[int, str, str]]:
    """Up to `limit` leaders whose schedule waits for Slack to give their zone, oldest first."""
    with database.connection(writes=False) as connection:
        return waiting_for_zone(connection, limit)


def zone_learned(database: Database, leader_id: int, tz: str, now: datetime) -> None:
    """Slack gave this leader's zone at last: plan their next nudge in it."""
    with database.transaction() as session:
        _remember_zone(session, leader_id, tz, now)


def pause_unreachable(database: Database, due: DueNudge, reason: str, now: datetime) -> None:
    """Slack says the leader cannot be reached (`reason`, its error): fail the nudge and pause
    the schedule until they resume, keeping the reason to show them."""
    with database.transaction() as session:
        claims.mark_failed(session.connection(), due.nudge_id, reason)
        _pause(session, due.leader_id, INDEFINITELY, now, reason)


# -- use cases ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Current:
    """What the settings modal opens on: the caller's plan, if any, and their zone."""

    plan: Plan | None
    slack_zone: str | None
    # Whether morale alerts are on (bot/services/alerts.py).
    alerts: bool = True


@dataclass(frozen=True)
class Resumed:
    plan: Plan
    # Why the bot had paused the nudges itself, if it had.
    paused_because: str | None


def set_schedule(
    ctx: Context, rule: Rule, habits: Iterable[Habit] | None = None, alerts: bool | None = None
) -> Plan:
    """Subscribe the caller, or change their schedule; any pause ends.

    While Slack has not given the caller's zone (`Plan.slack_zone` None) the schedule waits
    for it: see `follow_zone`.
    """
    with ctx.transaction() as session:
        leader_id = ctx.ensure_leader_id(session.connection())
        tz = leader_zone(session, leader_id)
        schedule = _subscribe(session, leader_id, rule, tz, ctx.now, habits)
        if alerts is not None:
            set_alerts(session.connection(), leader_id, alerts)
        return plan_of(schedule, tz)


def schedule_settings(ctx: Context) -> Current:
    """The caller's schedule as the settings modal shows it."""
    with ctx.transaction() as session:
        # Created now, so that the zone asked of Slack after the ack has a row to go to.
        leader_id = ctx.ensure_leader_id(session.connection())
        tz = leader_zone(session, leader_id)
        schedule = session.get(Schedule, leader_id)
        alerts = wants_alerts(session.connection(), leader_id)
        return Current(plan_of(schedule, tz) if schedule is not None else None, tz, alerts)


def next_nudge_at(ctx: Context) -> datetime | None:
    """When the caller's next nudge falls, if they have one planned (creates nothing)."""
    with ctx.transaction(writes=False) as session:
        leader_id = ctx.leader_id(session.connection())
        schedule = session.get(Schedule, leader_id) if leader_id is not None else None
        return schedule.next_due_at if schedule is not None else None


def follow_zone(ctx: Context, tz: str) -> Plan | None:
    """Slack gave the caller's zone: keep it, and the plan if their next nudge moved."""
    with ctx.transaction() as session:
        leader_id = ctx.leader_id(session.connection())
        if leader_id is None:
            return None
        schedule = _remember_zone(session, leader_id, tz, ctx.now)
        return plan_of(schedule, tz) if schedule is not None else None


def pause_nudges(ctx: Context, how_long: str) -> Plan | Refusal:
    """Pause the caller's nudges for `how_long` as they typed it; refused with no schedule.

    Raises ScheduleError, changing nothing, when `how_long` is not a pause.
    """
    with ctx.transaction() as session:
        leader_id = ctx.leader_id(session.connection())
        schedule = session.get(Schedule, leader_id) if leader_id is not None else None
        if schedule is None or leader_id is None:
            return Refusal(Reason.NO_SCHEDULE)
        # "for 2 weeks" counts from the caller's today, in their zone.
        today = ctx.now.astimezone(zone(schedule.tz)).date()
        paused = _pause(session, leader_id, parse_pause(how_long, today), ctx.now)
        assert paused is not None
        return plan_of(paused, leader_zone(session, leader_id))


def resume_nudges(ctx: Context) -> Resumed | Refusal:
    """End any pause of the caller's nudges; refused with no schedule."""
    with ctx.transaction() as session:
        leader_id = ctx.leader_id(session.connection())
        schedule = session.get(Schedule, leader_id) if leader_id is not None else None
        if schedule is None or leader_id is None:
            return Refusal(Reason.NO_SCHEDULE)
        paused_because = schedule.pause_reason
        resumed = _resume(session, leader_id, ctx.now)
        assert resumed is not None
        return Resumed(plan_of(resumed, leader_zone(session, leader_id)), paused_because)


def stop_nudges(ctx: Context) -> bool:
    """Unsubscribe the caller; False if they had no schedule."""
    with ctx.transaction() as session:
        leader_id = ctx.leader_id(session.connection())
        return leader_id is not None and delete_schedule(session, leader_id)
