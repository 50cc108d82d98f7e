"""The daily nudge's use cases: the database steps of a nudge pass (claim who is due, record
what Slack did with it), and the nudge's Snooze and Skip buttons.

The pass itself, which renders and sends, is `bot.senders.nudges`; what each nudge asks is
`bot.services.todays_question`; pausing a leader Slack cannot reach is
`bot.services.schedules`; the SQL of claims and leases is `bot.store.claims`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.domain.question_bank import Asked
from bot.services.context import Context
from bot.services.questions import ask
from bot.services.schedules import Plan, plan_of
from bot.store import claims
from bot.store.claims import DueNudge
from bot.store.database import Database
from bot.store.leaders import leader_zone
from bot.store.models import Nudge, NudgeStatus, Schedule
from bot.vocabulary.refusals import Reason, Refusal

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


def record_sent(
    database: Database, due: DueNudge, now: datetime, upcoming: tuple[date, datetime] | None
) -> None:
    """Slack has the nudge: mark it sent and move the schedule on to `upcoming`."""
    with database.connection() as connection:
        claims.mark_sent(connection, due, now, upcoming)


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


def snooze(ctx: Context, nudge_id: int) -> Snoozed | Refusal:
    """Bring the caller's nudge back in an hour; refused if it is not theirs or is settled."""
    with ctx.transaction() as session:
        leader_id = ctx.leader_id(session.connection())
        nudge = _own_open_nudge(session.get(Nudge, nudge_id), leader_id)
        if nudge is None or leader_id is None:
            return Refusal(Reason.SETTLED)
        nudge.status, nudge.snoozed_until = NudgeStatus.SNOOZED, ctx.now + SNOOZE
        schedule = session.get(Schedule, leader_id)
        asked = ctx.bank(session.connection()).resolve(nudge.question_ref or "")
        return Snoozed(
            asked.text if asked else None,
            ctx.now + SNOOZE,
            schedule.tz if schedule else None,
        )


def skip(ctx: Context, nudge_id: int) -> Skipped | Refusal:
    """Skip the caller's nudge for today; refused if it is not theirs or is settled."""
    with ctx.transaction() as session:
        leader_id = ctx.leader_id(session.connection())
        nudge = _own_open_nudge(session.get(Nudge, nudge_id), leader_id)
        if nudge is None or leader_id is None:
            return Refusal(Reason.SETTLED)
        nudge.status, nudge.snoozed_until = NudgeStatus.SKIPPED, None
        schedule = session.get(Schedule, leader_id)
        plan = plan_of(schedule, leader_zone(session, leader_id)) if schedule else None
        return Skipped(plan)


@dataclass(frozen=True)
class Swapped:
    """Another question in today's nudge, and the caller's schedule for its footer."""

    asked: Asked
    plan: Plan | None


def another_question(ctx: Context, nudge_id: int) -> Swapped | Refusal:
    """A new question in place of the nudge's own (a snooze brings the new one back);
    refused if the nudge is not the caller's or is settled."""
    with ctx.transaction() as session:
        leader_id = ctx.leader_id(session.connection())
        nudge = _own_open_nudge(session.get(Nudge, nudge_id), leader_id)
        if nudge is None or leader_id is None or nudge.status != NudgeStatus.SENT:
            return Refusal(Reason.SETTLED)
        asked = ask(ctx, None)
        nudge.question_ref = asked.ref
        schedule = session.get(Schedule, leader_id)
        plan = plan_of(schedule, leader_zone(session, leader_id)) if schedule else None
        return Swapped(asked, plan)


def _own_open_nudge(nudge: Nudge | None, leader_id: int | None) -> Nudge | None:
    # The id came from a button: it must name a nudge of the person who pressed it.
    if nudge is None or leader_id is None or nudge.leader_id != leader_id:
        return None
    return nudge if nudge.status in (NudgeStatus.SENT, NudgeStatus.SNOOZED) else None
