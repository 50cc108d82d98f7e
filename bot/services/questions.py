"""Choosing the next question for a leader, so questions rotate before they repeat."""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy.engine import Connection

from bot.domain.question_bank import Asked, Question, QuestionBank
from bot.services.context import Context
from bot.store.leaders import last_question_ref, remember_question
from bot.store.question_views import (
    record_shown,
    rotation_start,
    shown_per_habit,
    times_shown,
)
from bot.vocabulary.habits import Habit
from bot.vocabulary.refusals import Reason, Refusal


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
    # One lookup per question, not two: this runs before every `/ask-team` acknowledgement.
    counts = [times_shown.get(q.id, 0) for q in candidates]
    least = min(counts)
    return rng.choice([q for q, count in zip(candidates, counts, strict=True) if count == least])


def next_follow_up(bank: QuestionBank, ref: str) -> Asked | None:
    """The follow-up after `ref`: the first for a question, the next (wrapping) for a follow-up."""
    asked = bank.resolve(ref)
    if asked is None:
        return None
    count = len(asked.question.follow_ups)
    number = 1 if asked.follow_up is None else asked.follow_up % count + 1
    return bank.resolve(f"{asked.question.id}/{number}")


def next_question(
    bank: QuestionBank,
    shown: Iterable[tuple[str, str, int]],
    habit: Habit | None,
    rng: random.Random,
    allowed: Sequence[Habit] | None = None,
) -> Question:
    """The next question: of `habit`, or of the habit the leader was asked least about.

    `shown` holds (habit, question id, times shown) of what the leader was shown: of `habit`
    only, when one is asked for (store.question_views.times_shown reads it).
    """
    times: dict[str, int] = {}
    per_habit: dict[str, int] = {}
    for habit_value, question_id, count in shown:
        times[question_id] = count
        per_habit[habit_value] = per_habit.get(habit_value, 0) + count
    if habit is not None:
        return choose_question(bank, habit, times, rng)
    return choose_question(bank, choose_habit(bank, per_habit, rng, allowed), times, rng)


def _ask_follow_up(
    connection: Connection, bank: QuestionBank, leader_id: int, ref: str
) -> Asked | None:
    """The follow-up to `ref` for this leader, remembered as what they would log next."""
    asked = next_follow_up(bank, ref)
    if asked is not None:
        remember_question(connection, leader_id, asked.ref)
    return asked


# -- use cases ------------------------------------------------------------------------------


def ask(ctx: Context, habit: Habit | None) -> Asked:
    """The caller's next question (of `habit`, or the habit they were asked least about)."""
    # Which questions were shown is not precious: a crash that loses the last few
    # milliseconds of it at worst repeats a question, so do not wait for a disk flush.
    with ctx.statements(durable=False) as connection:
        # The leader, the workspace's own questions and the habits' five sums in one statement;
        # then only the chosen habit's questions: a leader of a year has been shown every
        # question of the bank, and reading them all cost more than the rest of the ack.
        start = rotation_start(connection, ctx.team_id, ctx.user_id, per_habit=habit is None)
        bank = ctx.bank_with(start.own_questions)
        leader_id = ctx.ensure_leader_id(connection, found=start.leader_id)
        per_habit = start.shown_per_habit
        if start.leader_id is None and habit is None:
            # Created just now; on PostgreSQL a concurrent first request may have created it,
            # and shown it a question, in between: read its sums now that the row is there.
            per_habit = shown_per_habit(connection, leader_id)
        chosen = habit or choose_habit(bank, per_habit, ctx.deps.rng)
        # Migration 0016's index holds these rows: read from it alone, on either backend.
        shown = {qid: count for _, qid, count in times_shown(connection, leader_id, chosen.value)}
        question = choose_question(bank, chosen, shown, ctx.deps.rng)
        record_shown(connection, leader_id, question, ctx.now)
        return Asked(ref=question.id, question=question)


def follow_up(ctx: Context, ref: str) -> Asked | Refusal:
    """The follow-up to question `ref`, now what the caller would log next."""
    with ctx.connection() as connection:
        leader_id = ctx.ensure_leader_id(connection)
        asked = _ask_follow_up(connection, ctx.bank(connection), leader_id, ref)
        return asked or Refusal(Reason.QUESTION_GONE)


def follow_up_latest(ctx: Context) -> Asked | None:
    """The follow-up to the last question (or follow-up) the caller was shown, if any."""
    with ctx.connection() as connection:
        leader_id = ctx.leader_id(connection)
        ref = last_question_ref(connection, leader_id) if leader_id is not None else None
        if leader_id is None or ref is None:
            return None
        return _ask_follow_up(connection, ctx.bank(connection), leader_id, ref)


def latest_asked(ctx: Context) -> Asked | None:
    """What `/ask-team log` logs against: the last question the caller was shown."""
    with ctx.connection(writes=False) as connection:
        leader_id = ctx.leader_id(connection)
        ref = last_question_ref(connection, leader_id) if leader_id is not None else None
        return ctx.bank(connection).resolve(ref) if ref else None


def remember_for_logging(ctx: Context, ref: str) -> Asked | Refusal:
    """Question `ref`, remembered as what the caller is logging answers to."""
    with ctx.connection() as connection:
        asked = ctx.bank(connection).resolve(ref)
        if asked is None:
            return Refusal(Reason.QUESTION_GONE)
        remember_question(connection, ctx.ensure_leader_id(connection), asked.ref)
        return asked
