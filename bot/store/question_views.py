"""The SQL of the rotation: which questions each leader was shown and how often, and what
choosing their next question starts from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache, lru_cache
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.orm import Session

from bot.domain.question_bank import Question
from bot.store.models import QuestionView

# The rotation's statements run on every `/ask-team`, straight on the driver's cursor: building
# SQLAlchemy rows and results for them cost more than running them (bench/ack.py). `{}` marks
# a parameter, in the driver's own style (see `_driver_sql`).

# The leader's id, the workspace's own questions (oldest first, as the bank lists them) and,
# unless a habit was asked for, how often the leader was shown each habit: one statement, so
# one round trip on PostgreSQL instead of three. Each part is scoped by workspace and user.
_LEADER_AND_OWN_QUESTIONS = (
    "SELECT 0, NULL, id, NULL FROM leaders WHERE team_id = {} AND user_id = {}"
    " UNION ALL SELECT 1, habit, id, text FROM custom_questions WHERE team_id = {}"
)
_PER_HABIT_OF_CALLER = (
    " UNION ALL SELECT 2, habit, SUM(times_shown), NULL FROM question_views"
    " WHERE leader_id = (SELECT id FROM leaders WHERE team_id = {} AND user_id = {})"
    " GROUP BY habit"
)
_BY_KIND = " ORDER BY 1, 3"
_START = _LEADER_AND_OWN_QUESTIONS + _BY_KIND
_START_WITH_HABITS = _LEADER_AND_OWN_QUESTIONS + _PER_HABIT_OF_CALLER + _BY_KIND
_LEADER, _OWN_QUESTION, _HABIT_TOTAL = 0, 1, 2


@dataclass(frozen=True)
class RotationStart:
    """What choosing a question for a caller starts from, read in one statement."""

    # None for someone who never used the bot: they have no leader row yet.
    leader_id: int | None
    # (id, habit, text) of each of the workspace's own questions, as
    # store.custom_questions.question_rows reads them.
    own_questions: tuple[tuple[int, str, str], ...]
    # Times shown per habit (by value), if asked for; empty for a new leader.
    shown_per_habit: dict[str, int]


def rotation_start(
    connection: Connection, team_id: str, user_id: str, *, per_habit: bool
) -> RotationStart:
    """The caller's leader id, their workspace's own questions and, with `per_habit`, how many
    times they were shown questions of each habit."""
    if per_habit:
        rows = _fetch(connection, _START_WITH_HABITS, team_id, user_id, team_id, team_id, user_id)
    else:
        rows = _fetch(connection, _START, team_id, user_id, team_id)
    leader_id: int | None = None
    own: list[tuple[int, str, str]] = []
    totals: dict[str, int] = {}
    for kind, habit, number, text in rows:
        if kind == _LEADER:
            leader_id = number
        elif kind == _OWN_QUESTION:
            own.append((number, habit, text))
        elif kind == _HABIT_TOTAL:
            totals[habit] = int(number)
    return RotationStart(leader_id, tuple(own), totals)


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


# Count one more showing and make the question what `/ask-team log` logs against. SQLite runs
# one statement per call, so two there; on PostgreSQL the upsert rides along with the update
# as a data-modifying CTE, one round trip instead of two.
_UPSERT_SHOWN = (
    "INSERT INTO question_views (leader_id, question_id, habit, times_shown, last_shown_at)"
    " VALUES ({}, {}, {}, 1, {})"
    " ON CONFLICT (leader_id, question_id) DO UPDATE SET"
    " times_shown = question_views.times_shown + 1, last_shown_at = excluded.last_shown_at"
)
_REMEMBER = "UPDATE leaders SET last_question_ref = {} WHERE id = {}"


def record_shown(connection: Connection, leader_id: int, question: Question, now: datetime) -> None:
    """Count one more showing of `question` and make it what `/ask-team log` logs against."""
    shown_at = _stored_time(connection.dialect)(now)
    upsert = (leader_id, question.id, question.habit.value, shown_at)
    remember = (question.id, leader_id)
    cursor = connection.connection.cursor()
    try:
        if connection.dialect.name == "postgresql":
            sql = f"WITH shown AS ({_UPSERT_SHOWN}) {_REMEMBER}"
            cursor.execute(_driver_sql(sql, connection.dialect.paramstyle), upsert + remember)
        else:
            cursor.execute(_driver_sql(_UPSERT_SHOWN, connection.dialect.paramstyle), upsert)
            cursor.execute(_driver_sql(_REMEMBER, connection.dialect.paramstyle), remember)
    finally:
        cursor.close()


@lru_cache(maxsize=16)
def _stored_time(dialect: Dialect) -> Any:
    """How the column stores a time on this dialect (naive UTC; text on SQLite), as SQLAlchemy
    would bind it."""
    column_type = QuestionView.__table__.c.last_shown_at.type
    return column_type.bind_processor(dialect) or (lambda value: value)


def _fetch(connection: Connection, sql: str, *params: object) -> list[Any]:
    cursor = connection.connection.cursor()
    try:
        cursor.execute(_driver_sql(sql, connection.dialect.paramstyle), params)
        return list(cursor.fetchall())
    finally:
        cursor.close()


@cache
def _driver_sql(sql: str, paramstyle: str) -> str:
    """`sql` with the driver's placeholder for each `{}`: `?` for SQLite, `%s` for psycopg."""
    return sql.replace("{}", "?" if paramstyle == "qmark" else "%s")


def questions_shown_per_habit(session: Session, leader_id: int, since: datetime) -> dict[str, int]:
    """How many distinct questions of each habit (by value) the leader was last shown since
    `since`."""
    rows = session.execute(
        select(QuestionView.habit, func.count())
        .where(QuestionView.leader_id == leader_id, QuestionView.last_shown_at >= since)
        .group_by(QuestionView.habit)
    ).all()
    return {habit: int(count) for habit, count in rows}
