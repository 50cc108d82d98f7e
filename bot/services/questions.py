"""Choosing the next question for a leader, so questions rotate before they repeat."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy.engine import Connection

from bot.domain.question_bank import Asked, Question, QuestionBank
from bot.services.context import Context
from bot.services.leaders import REMEMBER_QUESTION, last_question_ref, remember_question
from bot.store.models import QuestionView, UTCDateTime
from bot.store.upsert import insert_for_dialect
from bot.vocabulary.habits import Habit


def choose_habit(
    bank: QuestionBank,
    asked_per_habit: Mapping[str, int],
    rng: random.Random,
    allowed: Sequence[Habit] | None = None,
) -> Habit:
    """The habit (of `allowed`, default all) this leader was asked least about; ties at random."""
    habits = [h for h in bank.habits_in_use if allowed is None or h in allowed] or list(
        bank.habits_in_use
    )
    fewest = min(asked_per_habit.get(habit.value, 0) for habit in habits)
    return rng.choice([h for h in habits if asked_per_habit.get(h.value, 0) == fewest])


def choose_question(
    bank: QuestionBank, habit: Habit, times_shown: Mapping[str, int], rng: random.Random
) -> Question:
    """A least-shown question of `habit`.

    Choosing only among the least-shown questions means no question comes back until
    every question of its habit has been shown once more.
    """
    candidates = bank.for_habit(habit)
    least = min(times_shown.get(q.id, 0) for q in candidates)
    return rng.choice([q for q in candidates if times_shown.get(q.id, 0) == least])


def next_follow_up(bank: QuestionBank, ref: str) -> Asked | None:
    """The follow-up after `ref`: the first for a question, the next (wrapping) for a follow-up."""
    asked = bank.resolve(ref)
    if asked is None:
        return None
    count = len(asked.question.follow_ups)
    number = 1 if asked.follow_up is None else asked.follow_up % count + 1
    return bank.resolve(f"{asked.question.id}/{number}")


# Read on every `/ask-team`, straight from the driver's cursor: building SQLAlchemy rows for
# them cost a quarter of the request's CPU. One query, not one for totals and one for the
# chosen habit: on PostgreSQL a round trip costs more than the couple of hundred rows.
_ALL_SHOWN = "SELECT habit, question_id, times_shown FROM question_views WHERE leader_id = {}"
_TIMES_SHOWN = (
    "SELECT question_id, times_shown FROM question_views WHERE leader_id = {} AND habit = {}"
)


def next_question(
    connection: Connection,
    bank: QuestionBank,
    leader_id: int,
    habit: Habit | None,
    rng: random.Random,
    allowed: Sequence[Habit] | None = None,
) -> Question:
    """The next question: of `habit`, or of the habit this leader was asked least about."""
    shown: dict[str, int] = {}
    if habit is not None:
        shown.update(_fetch(connection, _TIMES_SHOWN, leader_id, habit.value))
        return choose_question(bank, habit, shown, rng)
    per_habit: dict[str, int] = {}
    for habit_value, question_id, count in _fetch(connection, _ALL_SHOWN, leader_id):
        shown[question_id] = count
        per_habit[habit_value] = per_habit.get(habit_value, 0) + count
    return choose_question(bank, choose_habit(bank, per_habit, rng, allowed), shown, rng)


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


def ask_next_question(
    connection: Connection,
    bank: QuestionBank,
    leader_id: int,
    habit: Habit | None,
    rng: random.Random,
    now: datetime,
) -> Asked:
    """Choose this leader's next question and remember that they were shown it."""
    question = next_question(connection, bank, leader_id, habit, rng)
    record_shown(connection, leader_id, question, now)
    return Asked(ref=question.id, question=question)


def ask_follow_up(
    connection: Connection, bank: QuestionBank, leader_id: int, ref: str
) -> Asked | None:
    """The follow-up to `ref` for this leader, remembered as what they would log next."""
    asked = next_follow_up(bank, ref)
    if asked is not None:
        remember_question(connection, leader_id, asked.ref)
    return asked


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


# -- use cases ------------------------------------------------------------------------------


def ask(ctx: Context, habit: Habit | None) -> Asked:
    """The caller's next question (of `habit`, or the habit they were asked least about)."""
    # Which questions were shown is not precious: a crash that loses the last few
    # milliseconds of it at worst repeats a question, so do not wait for a disk flush.
    with ctx.deps.database.connection(durable=False) as connection:
        leader_id = ctx.ensure_leader_id(connection)
        return ask_next_question(
            connection, ctx.bank(connection), leader_id, habit, ctx.deps.rng, ctx.now
        )


def follow_up(ctx: Context, ref: str) -> Asked | None:
    """The follow-up to question `ref`, now what the caller would log next."""
    with ctx.deps.database.connection() as connection:
        leader_id = ctx.ensure_leader_id(connection)
        return ask_follow_up(connection, ctx.bank(connection), leader_id, ref)


def follow_up_latest(ctx: Context) -> Asked | None:
    """The follow-up to the last question (or follow-up) the caller was shown, if any."""
    with ctx.deps.database.connection() as connection:
        leader_id = ctx.leader_id(connection)
        ref = last_question_ref(connection, leader_id) if leader_id is not None else None
        if leader_id is None or ref is None:
            return None
        return ask_follow_up(connection, ctx.bank(connection), leader_id, ref)


def latest_asked(ctx: Context) -> Asked | None:
    """What `/ask-team log` logs against: the last question the caller was shown."""
    with ctx.deps.database.connection(writes=False) as connection:
        leader_id = ctx.leader_id(connection)
        ref = last_question_ref(connection, leader_id) if leader_id is not None else None
        return ctx.bank(connection).resolve(ref) if ref else None


def remember_for_logging(ctx: Context, ref: str) -> Asked | None:
    """Question `ref`, remembered as what the caller is logging answers to."""
    with ctx.deps.database.connection() as connection:
        asked = ctx.bank(connection).resolve(ref)
        if asked is not None:
            remember_question(connection, ctx.ensure_leader_id(connection), asked.ref)
        return asked
