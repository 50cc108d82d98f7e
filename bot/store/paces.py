"""The pace each workspace's chat.postMessage calls keep to, as learned from Slack's 429s, kept
so that the next pass, another process or a restart starts from it."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select

from bot.domain.pace_rules import PaceChange
from bot.store.database import Database
from bot.store.models import WorkspacePace
from bot.store.upsert import insert_for_dialect
from bot.vocabulary.metrics import count_pace_change


class StoredPaces:
    """A PaceMemory (bot/senders/pacing.py) in the `workspace_paces` table, by team id."""

    def __init__(self, database: Database, clock: Callable[[], datetime]) -> None:
        self._database = database
        self._clock = clock

    def learned(self, key: str) -> float | None:
        """The pace learned for workspace `key`, if any."""
        with self._database.connection(writes=False) as connection:
            found = connection.scalar(
                select(WorkspacePace.per_minute).where(WorkspacePace.team_id == key)
            )
        return float(found) if found is not None and math.isfinite(found) else None

    def learn(self, key: str, per_minute: float, outcome: PaceChange) -> None:
        """Keep the new pace of workspace `key`; the last writer wins, as the last answer
        Slack gave is the freshest."""
        table = WorkspacePace.__table__
        now = self._clock()
        # Through the database's write guard, as every writer is: on SQLite the next writer
        # then wakes when the lock is free, not in the busy handler's sleeps.
        with self._database.connection() as connection:
            statement = insert_for_dialect(connection.dialect.name, table).values(
                team_id=key, per_minute=per_minute, updated_at=now
            )
            connection.execute(
                statement.on_conflict_do_update(
                    index_elements=["team_id"],
                    set_={"per_minute": per_minute, "updated_at": now},
                )
            )
        count_pace_change(outcome)
