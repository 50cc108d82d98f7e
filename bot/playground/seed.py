"""Data put straight into the store, past the bot: many leaders due at once (the at-scale
tests, bench/fanout.py) and a leader's log (the history tests, scripts/screenshots.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select

from bot.playground.slack_driver import User
from bot.services.deps import Deps
from bot.store.database import Database
from bot.store.leaders import leader_id_for
from bot.store.log import log_entry
from bot.store.models import Leader, Schedule
from bot.vocabulary.habits import Habit


def seed_due_leaders(
    database: Database, count: int, due: datetime, zones: Sequence[str], team_id: str = "T0LOAD"
) -> None:
    """`count` leaders spread over `zones`, each subscribed daily at the local time of `due`."""
    with database.connection() as connection:
        connection.execute(
            insert(Leader),
            [
                {
                    "team_id": team_id,
                    "user_id": f"U{n:08d}",
                    "tz": zones[n % len(zones)],
                    "created_at": due,
                }
                for n in range(count)
            ],
        )
        ids = connection.execute(
            select(Leader.id).where(Leader.team_id == team_id).order_by(Leader.id)
        ).scalars()
        rows = []
        for n, leader_id in enumerate(ids):
            tz = zones[n % len(zones)]
            local = due.astimezone(ZoneInfo(tz))
            rows.append(
                {
                    "leader_id": leader_id,
                    "minute_of_day": local.hour * 60 + local.minute,
                    "days": 127,
                    "tz": tz,
                    "next_due_at": due,
                    "next_local_date": local.date(),
                    "updated_at": due,
                }
            )
        connection.execute(insert(Schedule), rows)


def seed_entries(
    deps: Deps,
    user: User,
    rows: Sequence[tuple[str, str, Sequence[str], datetime]],
    promise: str | None = None,
) -> list[int]:
    """Log `(habit, answer, people, when)` entries for `user` straight into the store; ids."""
    ids = []
    with deps.database.transaction() as session:
        leader_id = leader_id_for(session.connection(), user.team_id, user.user_id, deps.clock())
        for habit, answer, people, when in rows:
            asked = deps.bank.resolve(deps.bank.for_habit(Habit(habit))[0].id)
            assert asked is not None
            entry = log_entry(session, leader_id, asked, answer, people, 3, promise, when)
            ids.append(entry.id)
    return ids
