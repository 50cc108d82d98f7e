"""When the next question to a team closes, and when its people are reminded: read only, for
a clock that can jump to them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from bot.domain.nudge_rules import zone
from bot.domain.reminder_rules import ask_reminder_at
from bot.services.deps import Deps
from bot.store.models import AskStatus, TeamAsk
from bot.store.reminders import asks_with_reminders_left, people_reached


def earliest_open_close(deps: Deps, team_id: str) -> datetime | None:
    """When answers close on the workspace's open ask that closes first; None if none is open."""
    with deps.database.transaction(writes=False) as session:
        # Only open asks: one still posting is not closed until it is out (claim_due_closings).
        return session.scalar(
            select(func.min(TeamAsk.closes_at)).where(
                TeamAsk.team_id == team_id, TeamAsk.status == AskStatus.OPEN
            )
        )


def reminder_stops(deps: Deps, team_id: str, after: datetime, before: datetime) -> list[datetime]:
    """When the workspace's people asked by DM are due a reminder, after `after` and before
    `before`, so that a jump stops there on its way: each ask's halfway (where Slack is asked
    their zones) and each person's own time, once their zone is known."""
    stops: set[datetime] = set()
    with deps.database.connection(writes=False) as connection:
        for ask in asks_with_reminders_left(connection, after):
            if ask.team_id != team_id:
                continue
            stops.add(ask.halfway)
            for person in people_reached(connection, ask.ask_id):
                if person.tz is not None:
                    at = ask_reminder_at(ask.sent_at, ask.closes_at, zone(person.tz))
                    stops.update([at] if at is not None else [])
    return sorted(stop for stop in stops if after < stop < before)
