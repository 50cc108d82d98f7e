"""The leader behind a Slack request: one row per workspace and user, found by id."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Connection

from bot.store.models import Leader
from bot.store.upsert import insert_ignoring_conflict

# Built once: these run on every request, and building a statement costs more than running it.
_FIND_ID = select(Leader.id).where(
    Leader.team_id == bindparam("team_id"), Leader.user_id == bindparam("user_id")
)
_LAST_REF = select(Leader.last_question_ref).where(Leader.id == bindparam("leader_id"))
# Public: the rotation sends it in one round trip with its own upsert (services/questions.py).
REMEMBER_QUESTION = (
    update(Leader)
    .where(Leader.id == bindparam("leader_id"))
    .values(last_question_ref=bindparam("ref"))
)


def leader_id_for(connection: Connection, team_id: str, user_id: str, now: datetime) -> int:
    """The id of this workspace's user, created on first use (safe under concurrent requests)."""
    found = find_leader_id(connection, team_id, user_id)
    if found is not None:
        return found
    insert_ignoring_conflict(
        connection,
        Leader.__table__,  # type: ignore[arg-type]
        {"team_id": team_id, "user_id": user_id, "created_at": now},
        conflict=("team_id", "user_id"),
    )
    found = find_leader_id(connection, team_id, user_id)
    assert found is not None, "inserted just now, by us or by a concurrent request"
    return found


def find_leader_id(connection: Connection, team_id: str, user_id: str) -> int | None:
    """The id of this workspace's user, if they have used the bot before."""
    return connection.execute(
        _FIND_ID, {"team_id": team_id, "user_id": user_id}
    ).scalar_one_or_none()


def last_question_ref(connection: Connection, leader_id: int) -> str | None:
    """What `/ask-team log` logs against: the last question or follow-up the leader was shown."""
    return connection.execute(_LAST_REF, {"leader_id": leader_id}).scalar_one_or_none()


def remember_question(connection: Connection, leader_id: int, ref: str) -> None:
    """Make `ref` what `/ask-team log` logs against."""
    connection.execute(REMEMBER_QUESTION, {"leader_id": leader_id, "ref": ref})
