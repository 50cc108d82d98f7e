"""The SQL of morale alerts: whether a leader wants them, the claim that sends each one once,
and the readings a low run is seen in."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from bot.domain.heartbeat import LOW_IN_A_ROW
from bot.store.models import Entry, Leader, MoraleAlert
from bot.store.upsert import insert_for_dialect


def wants_alerts(connection: Connection, leader_id: int) -> bool:
    """Whether the leader has morale alerts on (they are, until turned off)."""
    found = connection.scalar(select(Leader.morale_alerts).where(Leader.id == leader_id))
    return bool(found)


def set_alerts(connection: Connection, leader_id: int, on: bool) -> None:
    """Turn the leader's morale alerts on or off."""
    connection.execute(update(Leader).where(Leader.id == leader_id).values(morale_alerts=on))


def claim_alert(connection: Connection, leader_id: int, source: str, now: datetime) -> bool:
    """True for the one caller that may send the alert for `source`; False if it was sent."""
    table = MoraleAlert.__table__
    statement = (
        insert_for_dialect(connection.dialect.name, table)
        .values(leader_id=leader_id, source=source, sent_at=now)
        .on_conflict_do_nothing()
        # RETURNING, not rowcount: psycopg reports -1 for an INSERT … ON CONFLICT.
        .returning(table.c.source)
    )
    return connection.execute(statement).first() is not None


def latest_readings(connection: Connection, leader_id: int) -> list[tuple[int, datetime]]:
    """The leader's latest heartbeats with when they were logged, newest first: enough to see a
    low run begin (one more than a run)."""
    rows = connection.execute(
        select(Entry.heartbeat, Entry.created_at)
        .where(Entry.leader_id == leader_id, Entry.heartbeat.is_not(None))
        .order_by(Entry.created_at.desc(), Entry.id.desc())
        .limit(LOW_IN_A_ROW + 1)
    ).all()
    return [(beat, at) for beat, at in rows if beat is not None]
