"""The SQL of which questions each leader was shown, and how often, for the rotation."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from bot.domain.question_bank import Question
from bot.store.leaders import REMEMBER_QUESTION
from bot.store.models import QuestionView, UTCDateTime
from bot.store.upsert import insert_for_dialect

# Read on every `/ask-team`, straight from the driver's cursor: building SQLAlchemy rows for
# them cost a quarter of the request's CPU. One query, not one for totals and one for the
# chosen habit: on PostgreSQL a round trip costs more than the couple of hundred rows.
_ALL_SHOWN = "SELECT habit, question_id, times_shown FROM question_views WHERE leader_id = {}"
_SHOWN_OF_HABIT = _ALL_SHOWN + " AND habit = {}"


def times_shown(
    connection: Connection, leader_id: int, habit: str | None = None
) -> list[tuple[str, str, int]]:
    """(habit, question id, times shown) of each question the leader was shown; of `habit`
    only, if given."""
    if habit is None:
        return _fetch(connection, _ALL_SHOWN, leader_id)
    return _fetch(connection, _SHOWN_OF_HABIT, leader_id, habit)


_PER_HABIT = (
    "SELECT habit, SUM(times_shown) FROM question_views WHERE leader_id = {} GROUP BY habit"
)


def shown_per_habit(connection: Connection, leader_id: int) -> dict[str, int]:
    """How many times the leader was shown questions of each habit (by value)."""
    return {habit: int(total) for habit, total in _fetch(connection, _PER_HABIT, leader_id)}


def _fetch(connection: Connection, sql: str, *params: object) -> list[Any]:
    placeholder = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql.format(*[placeholder] * len(params)), params)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def record_shown(connection: Connection, leader_id: int, question: Question, now: datetime) -> None:
    """Count one more showing of `question` and make it what `/ask-team log` logs against."""
    params = {
        "leader_id": leader_id,
        "question_id": question.id,
        "ref": question.id,
        "habit": question.habit.value,
        "now": now,
    }
    for statement in _record_shown_statements(connection.dialect.name):
        connection.execute(statement, params)


@cache
def _record_shown_statements(dialect: str) -> tuple[Any, ...]:
    """The dialect's statements counting one more showing and remembering it, built once."""
    table = QuestionView.__table__
    statement = insert_for_dialect(dialect, table).values(
        leader_id=bindparam("leader_id"),
        question_id=bindparam("question_id"),
        habit=bindparam("habit"),
        times_shown=1,
        last_shown_at=bindparam("now", type_=UTCDateTime()),
    )
    upsert = statement.on_conflict_do_update(
        index_elements=["leader_id", "question_id"],
        set_={
            "times_shown": table.c.times_shown + 1,
            "last_shown_at": statement.excluded.last_shown_at,
        },
    )
    if dialect == "postgresql":
        # One round trip instead of two: the upsert rides along as a data-modifying CTE.
        return (REMEMBER_QUESTION.add_cte(upsert.cte("shown")),)
    return (upsert, REMEMBER_QUESTION)


def questions_shown_per_habit(session: Session, leader_id: int, since: datetime) -> dict[str, int]:
    """How many distinct questions of each habit (by value) the leader was last shown since
    `since`."""
    rows = session.execute(
        select(QuestionView.habit, func.count())
        .where(QuestionView.leader_id == leader_id, QuestionView.last_shown_at >= since)
        .group_by(QuestionView.habit)
    ).all()
    return {habit: int(count) for habit, count in rows}
