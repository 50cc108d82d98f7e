"""What happens next in a workspace, and when: nudges, snoozed nudges coming back, answers
closing and reminders. Read only, for a playground clock that jumps and must stop at each
event on the way rather than skip past it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from bot.domain.nudge_rules import local_instant, zone
from bot.domain.reminder_rules import DAY_STARTS, OVERDUE_AFTER, ask_reminder_at
from bot.services.deps import Deps
from bot.store.models import AskStatus, Leader, Nudge, NudgeStatus, Schedule, TeamAsk
from bot.store.reminders import asks_with_reminders_left, people_reached, promises_due_between


@dataclass(frozen=True, order=True)
class Event:
    """Something the clock's passes do at `at`: a nudge, a snooze ending, a close, a reminder."""

    at: datetime
    what: str


def earliest_open_close(deps: Deps, team_id: str) -> datetime | None:
    """When answers close on the workspace's open ask that closes first; None if none is open."""
    with deps.database.transaction(writes=False) as session:
        # Only open asks: one still posting is not closed until it is out (claim_due_closings).
        return session.scalar(
            select(func.min(TeamAsk.closes_at)).where(
                TeamAsk.team_id == team_id, TeamAsk.status == AskStatus.OPEN
            )
        )


def events_between(deps: Deps, team_id: str, after: datetime, before: datetime) -> list[Event]:
    """The workspace's events after `after` and before `before`, in order."""
    with deps.database.connection(writes=False) as connection:
        found = [
            *_nudges(connection, team_id),
            *_closes(connection, team_id),
            *_reminders(connection, team_id, after),
        ]
    return sorted({event for event in found if after < event.at < before})


def next_event(deps: Deps, team_id: str, now: datetime) -> Event | None:
    """The workspace's next event, if any comes within a fortnight."""
    coming = events_between(deps, team_id, now, now + timedelta(days=14))
    return coming[0] if coming else None


def _nudges(connection: Connection, team_id: str) -> list[Event]:
    planned = connection.execute(
        select(Schedule.next_due_at)
        .join(Leader, Leader.id == Schedule.leader_id)
        .where(Leader.team_id == team_id, Schedule.next_due_at.is_not(None))
    ).scalars()
    snoozed = connection.execute(
        select(Nudge.snoozed_until)
        .join(Leader, Leader.id == Nudge.leader_id)
        .where(Leader.team_id == team_id, Nudge.status == NudgeStatus.SNOOZED)
    ).scalars()
    return [
        *(Event(at, "nudge") for at in planned if at is not None),
        *(Event(at, "snoozed nudge") for at in snoozed if at is not None),
    ]


def _closes(connection: Connection, team_id: str) -> list[Event]:
    closes = connection.execute(
        select(TeamAsk.closes_at).where(
            TeamAsk.team_id == team_id, TeamAsk.status == AskStatus.OPEN
        )
    ).scalars()
    return [Event(at, "answers close") for at in closes]


def _reminders(connection: Connection, team_id: str, after: datetime) -> list[Event]:
    """Each DM ask's halfway (where Slack is asked people's zones) and each person's own
    time once their zone is known; and each open promise's 9:00 on its day and a week on."""
    events: list[Event] = []
    for ask in asks_with_reminders_left(connection, after):
        if ask.team_id != team_id:
            continue
        events.append(Event(ask.halfway, "reminder"))
        for person in people_reached(connection, ask.ask_id):
            if person.tz is not None:
                at = ask_reminder_at(ask.sent_at, ask.closes_at, zone(person.tz))
                events.extend([Event(at, "reminder")] if at is not None else [])
    today = after.date()
    for promise in promises_due_between(connection, today - OVERDUE_AFTER, today + timedelta(14)):
        if promise.team_id == team_id:
            for day in (promise.due, promise.due + OVERDUE_AFTER):
                nine = DAY_STARTS.hour * 60 + DAY_STARTS.minute
                events.append(Event(local_instant(day, nine, zone(promise.tz)), "reminder"))
    return events
