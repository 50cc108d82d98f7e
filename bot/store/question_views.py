"""The SQL of the rotation: which questions each leader was shown and how often, and what
choosing their next question starts from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.domain.question_bank import Question
from bot.store.driver_sql import Statements, fetch, run, stored_time
from bot.store.leaders import REMEMBER_QUESTION
from bot.store.models import QuestionView

# The rotation's statements run on every `/ask-team`, straight on the driver's cursor
# (store/driver_sql.py). `{}` marks a parameter.

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


def rotation_start(on: Statements, team_id: str, user_id: str, *, per_habit: bool) -> RotationStart:
    """The caller's leader id, their workspace's own questions and, with `per_habit`, how many
    times they were shown questions of each habit."""
    if per_habit:
        rows = fetch(on, _START_WITH_HABITS, team_id, user_id, team_id, team_id, user_id)
    else:
        rows = fetch(on, _START, team_id, user_id, team_id)
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
    on: Statements, leader_id: int, habit: str | None = None
) -> list[tuple[str, str, int]]:
    """(habit, question id, times shown) of each question the leader was shown; of `habit`
    only, if given."""
    if habit is None:
        return fetch(on, _ALL_SHOWN, leader_id)
    return fetch(on, _SHOWN_OF_HABIT, leader_id, habit)


_PER_HABIT = (
    "SELECT habit, SUM(times_shown) FROM question_views WHERE leader_id = {} GROUP BY habit"
)


def shown_per_habit(on: Statements, leader_id: int) -> dict[str, int]:
    """How many times the leader was shown questions of each habit (by value)."""
    return {habit: int(total) for habit, total in fetch(on, _PER_HABIT, leader_id)}


# Count one more showing and make the question what `/ask-team log` logs against. SQLite runs
# one statement per call, so two there; on PostgreSQL the upsert rides along with the update
# as a data-modifying CTE, one round trip instead of two.
_UPSERT_SHOWN = (
    "INSERT INTO question_views (leader_id, question_id, habit, times_shown, last_shown_at)"
    " VALUES ({}, {}, {}, 1, {})"
    " ON CONFLICT (leader_id, question_id) DO UPDATE SET"
    " times_shown = question_views.times_shown + 1, last_shown_at = excluded.last_shown_at"
)


def record_shown(on: Statements, leader_id: int, question: Question, now: datetime) -> None:
    """Count one more showing of `question` and make it what `/ask-team log` logs against."""
    upsert = (leader_id, question.id, question.habit.value, stored_time(on)(now))
    remember = (question.id, leader_id)
    if on.dialect.name == "postgresql":
        run(on, (f"WITH shown AS ({_UPSERT_SHOWN}) {REMEMBER_QUESTION}", upsert + remember))
    else:
        run(on, (_UPSERT_SHOWN, upsert), (REMEMBER_QUESTION, remember))


def questions_shown_per_habit(session: Session, leader_id: int, since: datetime) -> dict[str, int]:
    """How many distinct questions of each habit (by value) the leader was last shown since
    `since`."""
    rows = session.execute(
        select(QuestionView.habit, func.count())
        .where(QuestionView.leader_id == leader_id, QuestionView.last_shown_at >= since)
        .group_by(QuestionView.habit)
    ).all()
    return {habit: int(count) for habit, count in rows}
