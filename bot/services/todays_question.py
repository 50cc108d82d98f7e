"""What a day's nudge asks: the same question after a snooze; a heartbeat question after three
low heartbeats; else a follow-up to a recent answer; else the next question in rotation. And
the promises that fall due that day, which ride along.

A step of the nudge pass (bot/senders/nudges.py), which acts for no caller.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.engine import Connection

from bot.domain import heartbeat
from bot.domain.question_bank import Asked, QuestionBank
from bot.services.questions import next_follow_up, next_question
from bot.services.schedules import text_to_habits
from bot.services.workspace_bank import bank_with
from bot.store import claims
from bot.store.claims import DueNudge, questions_nudged_since
from bot.store.custom_questions import question_rows
from bot.store.database import Database
from bot.store.leaders import remember_question
from bot.store.log import answer_to_follow_up, last_heartbeats
from bot.store.promises import promises_due
from bot.store.question_views import record_shown, times_shown
from bot.vocabulary.habits import Habit

FOLLOW_UP_WINDOW = timedelta(days=7)
# An answer is followed up within this long: this week ("follow it up"), or last week ("ask
# what changed") when seven days have passed with no follow-up.
FOLLOW_UP_OFFER_WINDOW = timedelta(days=14)
# A nudge names at most this many promises: it is a reminder, not the list.
PROMISES_SHOWN = 5


@dataclass(frozen=True)
class Choice:
    """The question a nudge asks, and why it was chosen."""

    asked: Asked
    earlier_answer: str | None = None
    # Chosen because the last heartbeats logged were low.
    low_heartbeats: bool = False
    last_week: bool = False


@dataclass(frozen=True)
class TodaysNudge:
    """What one claimed nudge says: its question, the promises due, and when the next comes."""

    choice: Choice
    reminders: list[str]
    upcoming: tuple[date, datetime] | None


def todays_nudge(
    database: Database, bank: QuestionBank, due: DueNudge, now: datetime, rng: random.Random
) -> TodaysNudge:
    """Choose what the claimed nudge asks, and remember it on the claim."""
    with database.connection() as connection:
        choice = _todays_question(
            connection,
            bank_with(bank, question_rows(connection, due.team_id)),
            due.leader_id,
            text_to_habits(due.habits),
            now,
            rng,
            again=due.question_ref,
        )
        reminders = promises_due(connection, due.leader_id, due.local_date, PROMISES_SHOWN)
        claims.set_question(connection, due.nudge_id, choice.asked.ref)
    return TodaysNudge(choice, reminders, due.next_after_today(now))


def _todays_question(
    connection: Connection,
    bank: QuestionBank,
    leader_id: int,
    habits: tuple[Habit, ...],
    now: datetime,
    rng: random.Random,
    again: str | None = None,
) -> Choice:
    """What today's nudge asks this leader; `again` is the question a snooze brings back."""
    if again:
        asked = bank.resolve(again)
        if asked is not None:
            return Choice(asked)
    if _needs_heartbeat_check(connection, bank, leader_id, now):
        shown = times_shown(connection, leader_id, Habit.HEARTBEAT.value)
        question = next_question(bank, shown, Habit.HEARTBEAT, rng)
        record_shown(connection, leader_id, question, now)
        return Choice(Asked(ref=question.id, question=question), low_heartbeats=True)
    offer = _follow_up_offer(connection, bank, leader_id, now)
    if offer is not None:
        remember_question(connection, leader_id, offer.asked.ref)
        return Choice(offer.asked, offer.earlier_answer, last_week=offer.last_week)
    question = next_question(bank, times_shown(connection, leader_id), None, rng, allowed=habits)
    record_shown(connection, leader_id, question, now)
    return Choice(Asked(ref=question.id, question=question))


def _needs_heartbeat_check(
    connection: Connection, bank: QuestionBank, leader_id: int, now: datetime
) -> bool:
    """Three low heartbeats in a row (2 or less), and no heartbeat question in the last week.

    A question's habit is the one the bank holds for it, so a workspace's own heartbeat
    questions count as much as ours.
    """
    if not heartbeat.is_low_run(last_heartbeats(connection, leader_id)):
        return False
    for ref in questions_nudged_since(connection, leader_id, now - FOLLOW_UP_WINDOW):
        asked = bank.resolve(ref or "")
        if asked is not None and asked.habit == Habit.HEARTBEAT:
            return False
    return True


@dataclass(frozen=True)
class FollowUpOffer:
    asked: Asked
    earlier_answer: str
    last_week: bool  # logged seven or more days ago


def _follow_up_offer(
    connection: Connection, bank: QuestionBank, leader_id: int, now: datetime
) -> FollowUpOffer | None:
    """A follow-up to the latest answer of the last two weeks that was neither followed up
    nor offered already."""
    earlier = answer_to_follow_up(connection, leader_id, now - FOLLOW_UP_OFFER_WINDOW)
    if earlier is None:
        return None
    asked = next_follow_up(bank, earlier.question_ref)
    if asked is None:
        return None
    return FollowUpOffer(asked, earlier.answer, now - earlier.created_at >= FOLLOW_UP_WINDOW)
