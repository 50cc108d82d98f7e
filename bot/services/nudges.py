"""The daily nudge's use cases: the database steps of a nudge pass (claim who is due, choose
what each nudge asks, record what Slack did with it), and the nudge's Snooze and Skip buttons.

The pass itself, which renders and sends, is `bot.senders.nudges`; the SQL of claims and
leases is `bot.store.claims`.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.domain.nudge_rules import INDEFINITELY
from bot.domain.question_bank import QuestionBank
from bot.services.context import Context
from bot.services.schedules import Plan, leader_zone, pause, plan_of, text_to_habits
from bot.services.todays_question import Choice, promises_due, todays_question
from bot.services.workspace_bank import bank_for
from bot.store import claims
from bot.store.claims import DueNudge
from bot.store.database import Database
from bot.store.models import Nudge, NudgeStatus, Schedule

SNOOZE = timedelta(hours=1)


@dataclass(frozen=True)
class DueNow:
    """What a pass's database step decided and claimed."""

    claimed: list[DueNudge]
    due: int
    in_flight_elsewhere: int
    missed: int
    advanced: int
    # (team id, user id, local date, due at) of each nudge a dry run would send.
    preview: list[tuple[str, str, date, datetime]]
    decide_seconds: float
    claim_seconds: float


def claim_due_nudges(
    database: Database, now: datetime, grace: timedelta, lease: timedelta, *, dry_run: bool
) -> DueNow:
    """Claim every nudge due at `now` that no other process owns, and move on the schedules
    whose day is done or missed; a dry run only says who is due, and writes nothing."""
    started = time.perf_counter()
    with database.connection(writes=not dry_run) as connection:
        decision = claims.decide(connection, now, grace, dry_run=dry_run)
        decide_seconds = time.perf_counter() - started
        if dry_run:
            preview = [
                (row.team_id, row.user_id, row.next_local_date, row.next_due_at)
                for row in (*decision.to_insert, *decision.to_retake)
            ]
            claimed, advanced = [], 0
        else:
            preview = []
            claimed = claims.claim(connection, decision, now + lease)
            claimed += claims.claim_snoozed(connection, now, now + lease)
            advanced = claims.advance(connection, decision, now)
    return DueNow(
        claimed=claimed,
        due=decision.due,
        in_flight_elsewhere=decision.in_flight_elsewhere,
        missed=decision.missed,
        advanced=advanced,
        preview=preview,
        decide_seconds=decide_seconds,
        claim_seconds=time.perf_counter() - started - decide_seconds,
    )


def keep_claims(database: Database, nudge_ids: Sequence[int], lease_until: datetime) -> int:
    """Nudges this pass still owes are still ours until `lease_until`: no other process may
    take them while they only wait for their workspace's turn."""
    with database.connection() as connection:
        return claims.extend_leases(connection, nudge_ids, lease_until)


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
        choice = todays_question(
            connection,
            bank_for(connection, bank, due.team_id),
            due.leader_id,
            text_to_habits(due.habits),
            now,
            rng,
            again=due.question_ref,
        )
        reminders = promises_due(connection, due.leader_id, due.local_date)
        claims.set_question(connection, due.nudge_id, choice.asked.ref)
    return TodaysNudge(choice, reminders, due.next_after_today(now))


def record_sent(
    database: Database, due: DueNudge, now: datetime, upcoming: tuple[date, datetime] | None
) -> None:
    """Slack has the nudge: mark it sent and move the schedule on to `upcoming`."""
    with database.connection() as connection:
        claims.mark_sent(connection, due, now, upcoming)


def pause_unreachable(database: Database, due: DueNudge, reason: str, now: datetime) -> None:
    """Slack says the leader cannot be reached (`reason`, its error): fail the nudge and pause
    the schedule until they resume, keeping the reason to show them."""
    with database.transaction() as session:
        claims.mark_failed(session.connection(), due.nudge_id, reason)
        pause(session, due.leader_id, INDEFINITELY, now, reason)


# -- use cases ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Snoozed:
    # The question that comes back, None if the bank no longer holds it.
    question: str | None
    until: datetime
    # The zone of the caller's schedule; None if they unsubscribed since the nudge.
    tz: str | None


@dataclass(frozen=True)
class Skipped:
    # The caller's schedule, for when the next nudge comes; None if they unsubscribed.
    plan: Plan | None


def snooze(ctx: Context, nudge_id: int) -> Snoozed | None:
    """Bring the caller's nudge back in an hour; None if it is not theirs or is settled."""
    with ctx.deps.database.transaction() as session:
        leader_id = ctx.leader_id(session.connection())
        nudge = _own_open_nudge(session.get(Nudge, nudge_id), leader_id)
        if nudge is None or leader_id is None:
            return None
        nudge.status, nudge.snoozed_until = NudgeStatus.SNOOZED, ctx.now + SNOOZE
        schedule = session.get(Schedule, leader_id)
        asked = ctx.bank(session.connection()).resolve(nudge.question_ref or "")
        return Snoozed(
            asked.text if asked else None,
            ctx.now + SNOOZE,
            schedule.tz if schedule else None,
        )


def skip(ctx: Context, nudge_id: int) -> Skipped | None:
    """Skip the caller's nudge for today; None if it is not theirs or is settled."""
    with ctx.deps.database.transaction() as session:
        leader_id = ctx.leader_id(session.connection())
        nudge = _own_open_nudge(session.get(Nudge, nudge_id), leader_id)
        if nudge is None or leader_id is None:
            return None
        nudge.status, nudge.snoozed_until = NudgeStatus.SKIPPED, None
        schedule = session.get(Schedule, leader_id)
        plan = plan_of(schedule, leader_zone(session, leader_id)) if schedule else None
        return Skipped(plan)


def _own_open_nudge(nudge: Nudge | None, leader_id: int | None) -> Nudge | None:
    # The id came from a button: it must name a nudge of the person who pressed it.
    if nudge is None or leader_id is None or nudge.leader_id != leader_id:
        return None
    return nudge if nudge.status in (NudgeStatus.SENT, NudgeStatus.SNOOZED) else None
