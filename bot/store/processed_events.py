"""The SQL of Events API deliveries already seen, so that Slack's retries act once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Connection

from bot.store.models import ProcessedEvent
from bot.store.upsert import insert_for_dialect


def first_delivery(connection: Connection, event_id: str, now: datetime) -> bool:
    """True the first time an Events API `event_id` is seen; Slack retries deliveries."""
    table = ProcessedEvent.__table__
    statement = (
        insert_for_dialect(connection.dialect.name, table)
        .values(event_id=event_id, received_at=now)
        .on_conflict_do_nothing(index_elements=["event_id"])
        # RETURNING, not rowcount: psycopg reports -1 for an INSERT … ON CONFLICT.
        .returning(table.c.event_id)
    )
    return connection.execute(statement).first() is not None
