"""Choosing the next question for a leader, so questions rotate before they repeat."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.habits import Habit
from bot.prompts import Asked, Question, QuestionBank
from bot.store.models import Leader, QuestionView
from bot.store.upsert import insert_for


def choose_question(
    bank: QuestionBank,
    habit: Habit | None,
    times_shown: Mapping[str, int],
    rng: random.Random,
) -> Question:
    """Pick among the least-shown questions, of `habit` or else of the least-asked habit.

    Choosing only among the least-shown questions means no question comes back until
    every question of its habit has been shown once more.
    """
    if habit is None:
        asked_per_habit: dict[Habit, int] = defaultdict(int)
        for question_id, count in times_shown.items():
            question = bank.get(question_id)
            if question is not None:
                asked_per_habit[question.habit] += count
        fewest = min(asked_per_habit[h] for h in Habit if bank.for_habit(h))
        habit = rng.choice([h for h in Habit if bank.for_habit(h) and asked_per_habit[h] == fewest])
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


def ask_next_question(
    session: Session,
    bank: QuestionBank,
    leader: Leader,
    habit: Habit | None,
    rng: random.Random,
    now: datetime,
) -> Asked:
    """Choose this leader's next question and remember that they were shown it."""
    rows = session.execute(
        select(QuestionView.question_id, QuestionView.times_shown).where(
            QuestionView.leader_id == leader.id
        )
    )
    times_shown = {row.question_id: row.times_shown for row in rows}
    question = choose_question(bank, habit, times_shown, rng)
    _record_view(session, leader, question, now)
    leader.last_question_ref = question.id
    return bank.resolve(question.id)  # type: ignore[return-value]


def ask_follow_up(session: Session, bank: QuestionBank, leader: Leader, ref: str) -> Asked | None:
    """The follow-up to `ref` for this leader, remembered as what they would log next."""
    asked = next_follow_up(bank, ref)
    if asked is not None:
        leader.last_question_ref = asked.ref
    return asked


def _record_view(session: Session, leader: Leader, question: Question, now: datetime) -> None:
    table = QuestionView.__table__
    statement = insert_for(session, table).values(  # type: ignore[arg-type]
        leader_id=leader.id,
        question_id=question.id,
        habit=question.habit.value,
        times_shown=1,
        last_shown_at=now,
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["leader_id", "question_id"],
            set_={"times_shown": table.c.times_shown + 1, "last_shown_at": now},
        )
    )
