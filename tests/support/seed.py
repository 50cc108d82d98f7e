"""Many leaders due at one instant, for the at-scale tests and the fan-out benchmark."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select

from bot.store.database import Database
from bot.store.models import Leader, Schedule


def seed_due_leaders(
    database: Database, count: int, due: datetime, zones: Sequence[str], team_id: str = "T0LOAD"
) -> None:
    """`count` leaders spread over `zones`, each subscribed daily at the local time of `due`."""
    with database.connection() as connection:
        connection.execute(
            insert(Leader),
            [{"team_id": team_id, "user_id": f"U{n:08d}", "created_at": due} for n in range(count)],
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
