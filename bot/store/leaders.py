"""The SQL of leaders: one row per workspace and user, found by id; their zone; forgetting them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from bot.store.driver_sql import Statements, fetch, run, stored_time
from bot.store.log import count_entries
from bot.store.models import CustomQuestion, Leader, WorkspaceInstall

# Plain SQL (store/driver_sql.py): finding the caller's row runs on nearly every request.
_FIND_ID = "SELECT id FROM leaders WHERE team_id = {} AND user_id = {}"
_CREATE = (
    "INSERT INTO leaders (team_id, user_id, created_at) VALUES ({}, {}, {})"
    " ON CONFLICT (team_id, user_id) DO NOTHING"
)
# What `/ask-team log` logs against; store.question_views.record_shown runs it too.
REMEMBER_QUESTION = "UPDATE leaders SET last_question_ref = {} WHERE id = {}"
# Built once: building a statement costs more than running it.
_LAST_REF = select(Leader.last_question_ref).where(Leader.id == bindparam("leader_id"))


def leader_id_for(on: Statements, team_id: str, user_id: str, now: datetime) -> int:
    """The id of this workspace's user, created on first use (safe under concurrent requests)."""
    found = find_leader_id(on, team_id, user_id)
    if found is not None:
        return found
    run(on, (_CREATE, (team_id, user_id, stored_time(on)(now))))
    found = find_leader_id(on, team_id, user_id)
    assert found is not None, "inserted just now, by us or by a concurrent request"
    return found


def find_leader_id(on: Statements, team_id: str, user_id: str) -> int | None:
    """The id of this workspace's user, if they have used the bot before."""
    rows = fetch(on, _FIND_ID, team_id, user_id)
    return int(rows[0][0]) if rows else None


def last_question_ref(connection: Connection, leader_id: int) -> str | None:
    """What `/ask-team log` logs against: the last question or follow-up the leader was shown."""
    return connection.execute(_LAST_REF, {"leader_id": leader_id}).scalar_one_or_none()


def remember_question(on: Statements, leader_id: int, ref: str) -> None:
    """Make `ref` what `/ask-team log` logs against."""
    run(on, (REMEMBER_QUESTION, (ref, leader_id)))


def leader_zone(session: Session, leader_id: int) -> str | None:
    """The zone Slack last gave for this leader, or None if we have not asked yet."""
    return session.scalar(select(Leader.tz).where(Leader.id == leader_id))


def set_leader_zone(session: Session, leader_id: int, tz: str) -> None:
    """Keep the zone Slack gave for this leader."""
    session.execute(update(Leader).where(Leader.id == leader_id).values(tz=tz))


def forget_leader(session: Session, leader_id: int) -> int:
    """Delete every row of this leader (entries, schedule, nudges cascade); entries deleted."""
    entries = count_entries(session, leader_id)
    session.execute(delete(Leader).where(Leader.id == leader_id))
    return entries


def forget_workspace(session: Session, team_id: str) -> int:
    """Delete every leader of a workspace and all that hangs off them, and its install (its
    tokens); leaders deleted."""
    session.execute(delete(WorkspaceInstall).where(WorkspaceInstall.team_id == team_id))
    session.execute(delete(CustomQuestion).where(CustomQuestion.team_id == team_id))
    result = session.execute(delete(Leader).where(Leader.team_id == team_id))
    return int(result.rowcount)  # type: ignore[attr-defined]
