"""Daily nudges: who is due, claiming each (leader, local date) exactly once, and sending.

A pass reads every schedule whose next nudge has come, claims the due ones with one
`INSERT … ON CONFLICT DO NOTHING RETURNING` (the unique (leader, local date) row is the
claim, so any number of processes may run passes at once), sends the DMs from a bounded
thread pool, then marks each nudge sent and moves the schedule to its next date. A claim
whose process died keeps its row with an expired lease and is taken again by a later pass,
within the grace window; after that the day is skipped.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from types import SimpleNamespace
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import and_, bindparam, exists, select, update
from sqlalchemy.engine import Connection

from bot import heartbeat
from bot.blocks import as_dicts
from bot.blocks.nudge import greeting, nudge_blocks, nudge_text
from bot.habits import Habit
from bot.prompts import Asked, QuestionBank
from bot.scheduling import (
    INDEFINITELY,
    Rule,
    describe_instant,
    latest_nudge,
    next_nudge,
    zone,
)
from bot.services.custom_questions import bank_for
from bot.services.leaders import remember_question
from bot.services.questions import next_follow_up, next_question, record_shown
from bot.services.schedules import learn_zone, mask_to_days, text_to_habits, waiting_for_zone
from bot.slack_client import fetch_zone
from bot.store.database import Database
from bot.store.models import Entry, Leader, Nudge, Schedule, UTCDateTime
from bot.store.upsert import insert_for_dialect

logger = logging.getLogger(__name__)

# Slack errors that mean this leader cannot be reached until something changes on their side.
LEAVER_ERRORS = frozenset(
    {
        "user_not_found",
        "account_inactive",
        "cannot_dm_bot",
        "user_disabled",
        "channel_not_found",
        "is_archived",
        "not_allowed_token_type",
        "messages_tab_disabled",
    }
)
# users.info look-ups per pass for schedules waiting for a zone; the rest wait a minute.
ZONES_PER_PASS = 50
FOLLOW_UP_WINDOW = timedelta(days=7)
# An answer is followed up within this long: this week ("follow it up"), or last week ("ask
# what changed") when seven days have passed with no follow-up.
FOLLOW_UP_OFFER_WINDOW = timedelta(days=14)


LOW_HEARTBEAT_NOTE = (
    "The last three heartbeats you logged were low. Today, a question about how the team is doing:"
)


@dataclass(frozen=True)
class Choice:
    """The question a nudge asks, with what to say before it."""

    asked: Asked
    earlier_answer: str | None = None
    note: str | None = None
    last_week: bool = False


class Outcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"
    PAUSED = "paused"


@dataclass(frozen=True)
class DueNudge:
    """A nudge this pass owns: who, for which local date, and what zone and rule they keep."""

    nudge_id: int
    leader_id: int
    team_id: str
    user_id: str
    local_date: date
    tz: str
    minute_of_day: int
    days: int
    habits: str | None
    resume_on: date | None
    # Set when re-sending after a snooze: the same question again.
    question_ref: str | None = None


@dataclass
class PassReport:
    due: int = 0
    claimed: int = 0
    in_flight_elsewhere: int = 0
    missed: int = 0
    advanced: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    decide_seconds: float = 0.0
    claim_seconds: float = 0.0
    send_seconds: float = 0.0
    preview: list[tuple[str, str, date, datetime]] = field(default_factory=list)


@dataclass(frozen=True)
class NudgePolicy:
    grace: timedelta = timedelta(hours=3)
    lease: timedelta = timedelta(minutes=5)
    concurrency: int = 16


_CANDIDATES = (
    select(
        Schedule.leader_id,
        Leader.team_id,
        Leader.user_id,
        Schedule.next_local_date,
        Schedule.next_due_at,
        Schedule.tz,
        Schedule.minute_of_day,
        Schedule.days,
        Schedule.habits,
        Schedule.resume_on,
        Nudge.id,
        Nudge.status,
        Nudge.lease_until,
    )
    .join(Leader, Leader.id == Schedule.leader_id)
    .outerjoin(
        Nudge,
        and_(Nudge.leader_id == Schedule.leader_id, Nudge.local_date == Schedule.next_local_date),
    )
    .where(Schedule.next_due_at <= bindparam("now"))
)


# Built once: a pass runs these thousands of times, and building costs more than running.
_SET_QUESTION = (
    update(Nudge).where(Nudge.id == bindparam("nudge_id")).values(question_ref=bindparam("ref"))
)
_MARK_SENT = (
    update(Nudge)
    .where(Nudge.id == bindparam("nudge_id"))
    .values(status="sent", sent_at=bindparam("now"), lease_until=None)
)
_MOVE_ON = (
    update(Schedule)
    .where(
        Schedule.leader_id == bindparam("who"),
        Schedule.next_local_date <= bindparam("day"),
    )
    .values(next_local_date=bindparam("next_day"), next_due_at=bindparam("next_at"))
)


class NudgeDispatcher:
    """Runs passes: decides who is due at `now`, claims, sends, records."""

    def __init__(
        self,
        database: Database,
        bank: QuestionBank,
        client: WebClient,
        policy: NudgePolicy = NudgePolicy(),
        rng: random.Random | None = None,
    ) -> None:
        self.database = database
        self.bank = bank
        self.client = client
        self.policy = policy
        self.rng = rng or random.Random()  # noqa: S311 - choosing questions, not secrets

    def run_pass(self, now: datetime, *, dry_run: bool = False) -> PassReport:
        """One pass at `now`: every due leader gets their nudge, once."""
        report = PassReport()
        if not dry_run:
            self._learn_waiting_zones(now)
        started = time.perf_counter()
        with self.database.connection(writes=not dry_run) as connection:
            rows = connection.execute(_CANDIDATES, {"now": now}).all()
            stale = [row for row in rows if row.next_due_at < now - self.policy.grace]
            if stale:
                rows = self._catch_up(connection, rows, stale, now, report, dry_run=dry_run)
            to_insert, to_retake, to_advance = [], [], []
            for row in rows:
                if row.next_due_at < now - self.policy.grace:
                    to_advance.append(row)
                elif row.id is None:
                    to_insert.append(row)
                elif row.status == "claimed" and (row.lease_until is None or row.lease_until < now):
                    to_retake.append(row)
                elif row.status == "claimed":
                    report.in_flight_elsewhere += 1
                else:
                    to_advance.append(row)
            report.due = len(to_insert) + len(to_retake)
            report.decide_seconds = time.perf_counter() - started
            if dry_run:
                report.preview = [
                    (row.team_id, row.user_id, row.next_local_date, row.next_due_at)
                    for row in (*to_insert, *to_retake)
                ]
                return report
            claimed = self._claim(connection, to_insert, to_retake, now)
            claimed += self._claim_snoozed(connection, now)
            report.advanced = self._advance(connection, to_advance, now)
        report.claimed = len(claimed)
        report.claim_seconds = time.perf_counter() - started - report.decide_seconds

        started = time.perf_counter()
        if claimed:
            workers = max(1, min(self.policy.concurrency, len(claimed)))
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="nudge") as pool:
                for outcome in pool.map(lambda due: self._deliver(due, now), claimed):
                    report.outcomes[outcome] = report.outcomes.get(outcome, 0) + 1
        report.send_seconds = time.perf_counter() - started
        return report

    def _learn_waiting_zones(self, now: datetime) -> None:
        """Plan the schedules saved while Slack could not tell us the leader's zone."""
        with self.database.connection(writes=False) as connection:
            waiting = waiting_for_zone(connection, ZONES_PER_PASS)
        for leader_id, _team_id, user_id in waiting:
            tz = fetch_zone(self.client, user_id)
            if tz is not None:
                with self.database.transaction() as session:
                    learn_zone(session, leader_id, tz, now)

    def _catch_up(
        self,
        connection: Connection,
        rows: Sequence[Any],
        stale: Sequence[Any],
        now: datetime,
        report: PassReport,
        *,
        dry_run: bool,
    ) -> Sequence[Any]:
        """After downtime, move each stale schedule to its latest nudge still within grace.

        Older days are skipped (counted as missed), so nobody gets a burst of old nudges, and
        the one nudge that is only a little late still goes out. The move is a compare-and-set
        on the stale instant, so passes in other processes agree on it.
        """
        moved: dict[int, tuple[date, datetime]] = {}
        for row in stale:
            report.missed += 1
            rule = Rule(row.minute_of_day, mask_to_days(row.days))
            latest = latest_nudge(rule, zone(row.tz), now, row.resume_on)
            if latest is None or latest[1] < now - self.policy.grace:
                continue
            if latest[0] <= row.next_local_date:
                continue
            moved[row.leader_id] = latest
            if not dry_run:
                connection.execute(
                    update(Schedule)
                    .where(
                        Schedule.leader_id == row.leader_id,
                        Schedule.next_due_at == row.next_due_at,
                    )
                    .values(next_local_date=latest[0], next_due_at=latest[1])
                )
        if not moved:
            return rows
        if dry_run:
            # Nothing written: show the moved schedules as the next pass will see them.
            return [
                SimpleNamespace(
                    **{
                        **row._asdict(),
                        "next_local_date": moved[row.leader_id][0],
                        "next_due_at": moved[row.leader_id][1],
                        "id": None,
                    }
                )
                if row.leader_id in moved
                else row
                for row in rows
            ]
        # Read again: the moved schedules now join their (possibly claimed) nudge for that day.
        return connection.execute(_CANDIDATES, {"now": now}).all()

    # -- claiming ----------------------------------------------------------------------------

    def _claim(
        self,
        connection: Connection,
        to_insert: Sequence[Any],
        to_retake: Sequence[Any],
        now: datetime,
    ) -> list[DueNudge]:
        lease_until = now + self.policy.lease
        by_leader = {row.leader_id: row for row in to_insert}
        claimed: list[DueNudge] = []
        if to_insert:
            table = Nudge.__table__
            statement = (
                insert_for_dialect(connection.dialect.name, table)
                .on_conflict_do_nothing(index_elements=["leader_id", "local_date"])
                .returning(table.c.id, table.c.leader_id)
            )
            inserted = connection.execute(
                statement,
                [
                    {
                        "leader_id": row.leader_id,
                        "local_date": row.next_local_date,
                        "status": "claimed",
                        "lease_until": lease_until,
                    }
                    for row in to_insert
                ],
            ).all()
            claimed += [_due(by_leader[leader_id], nudge_id) for nudge_id, leader_id in inserted]
        for row in to_retake:
            # Only one process can move an expired lease forward; the others see 0 rows.
            result = connection.execute(
                update(Nudge)
                .where(
                    Nudge.id == row.id,
                    Nudge.status == "claimed",
                    Nudge.lease_until == row.lease_until,
                )
                .values(lease_until=lease_until)
            )
            if result.rowcount == 1:
                claimed.append(_due(row, row.id))
        return claimed

    def _claim_snoozed(self, connection: Connection, now: datetime) -> list[DueNudge]:
        rows = connection.execute(
            update(Nudge)
            .where(Nudge.status == "snoozed", Nudge.snoozed_until <= now)
            .values(status="claimed", snoozed_until=None, lease_until=now + self.policy.lease)
            .returning(Nudge.id, Nudge.leader_id, Nudge.local_date, Nudge.question_ref)
        ).all()
        if not rows:
            return []
        leaders = {
            row.leader_id: row
            for row in connection.execute(
                select(
                    Schedule.leader_id,
                    Leader.team_id,
                    Leader.user_id,
                    Schedule.tz,
                    Schedule.minute_of_day,
                    Schedule.days,
                    Schedule.habits,
                    Schedule.resume_on,
                )
                .join(Leader, Leader.id == Schedule.leader_id)
                .where(Schedule.leader_id.in_([row.leader_id for row in rows]))
            )
        }
        claimed = []
        for nudge_id, leader_id, local_date, question_ref in rows:
            who = leaders.get(leader_id)
            if who is None:
                continue  # unsubscribed since the snooze: let it lapse
            claimed.append(
                DueNudge(
                    nudge_id,
                    leader_id,
                    who.team_id,
                    who.user_id,
                    local_date,
                    who.tz,
                    who.minute_of_day,
                    who.days,
                    who.habits,
                    who.resume_on,
                    question_ref,
                )
            )
        return claimed

    def _advance(self, connection: Connection, rows: Sequence[Any], now: datetime) -> int:
        """Move schedules whose nudge for the day is done, or missed, to their next date."""
        moved = 0
        for row in rows:
            rule = Rule(row.minute_of_day, mask_to_days(row.days))
            upcoming = _after_day(rule, row.tz, now, row.resume_on, row.next_local_date)
            result = connection.execute(
                update(Schedule)
                .where(Schedule.leader_id == row.leader_id, Schedule.next_due_at == row.next_due_at)
                .values(
                    next_local_date=upcoming[0] if upcoming else None,
                    next_due_at=upcoming[1] if upcoming else None,
                )
            )
            moved += result.rowcount
        return moved

    # -- sending -----------------------------------------------------------------------------

    def _deliver(self, due: DueNudge, now: datetime) -> Outcome:
        try:
            with self.database.connection() as connection:
                choice = self._choose(connection, due, now)
                reminders = promises_due(connection, due.leader_id, due.local_date)
                asked = choice.asked
                connection.execute(_SET_QUESTION, {"nudge_id": due.nudge_id, "ref": asked.ref})
            tz = zone(due.tz)
            rule = Rule(due.minute_of_day, mask_to_days(due.days))
            upcoming = _after_day(rule, due.tz, now, due.resume_on, due.local_date)
            blocks = nudge_blocks(
                asked,
                due.nudge_id,
                greeting(now.astimezone(tz).hour),
                describe_instant(upcoming[1], tz, now) if upcoming else None,
                choice.earlier_answer,
                choice.note,
                reminders,
                last_week=choice.last_week,
            )
            self.client.chat_postMessage(
                channel=due.user_id, text=nudge_text(asked), blocks=as_dicts(blocks)
            )
        except SlackApiError as error:
            code = str(error.response.get("error", "")) if error.response is not None else ""
            if code in LEAVER_ERRORS:
                self._pause_leaver(due, code, now)
                return Outcome.PAUSED
            logger.warning("nudge for leader %s not sent (%s); will retry", due.leader_id, code)
            return Outcome.RETRY
        except OSError as error:
            # Slack unreachable: one line per leader, not a traceback per leader.
            logger.warning(
                "nudge for leader %s not sent (%s); will retry", due.leader_id, type(error).__name__
            )
            return Outcome.RETRY
        except Exception:
            logger.exception("nudge for leader %s not sent; will retry", due.leader_id)
            return Outcome.RETRY
        try:
            with self.database.connection() as connection:
                connection.execute(_MARK_SENT, {"nudge_id": due.nudge_id, "now": now})
                connection.execute(
                    _MOVE_ON,
                    {
                        "who": due.leader_id,
                        "day": due.local_date,
                        "next_day": upcoming[0] if upcoming else None,
                        "next_at": upcoming[1] if upcoming else None,
                    },
                )
        except Exception:
            # Sent but not recorded: the claim's lease runs out and the nudge goes again.
            logger.exception("nudge for leader %s sent but not recorded", due.leader_id)
            return Outcome.RETRY
        return Outcome.SENT

    def _choose(self, connection: Connection, due: DueNudge, now: datetime) -> Choice:
        bank = bank_for(connection, self.bank, due.team_id)
        if due.question_ref:
            again = bank.resolve(due.question_ref)
            if again is not None:
                return Choice(again)
        habits = text_to_habits(due.habits)
        if needs_heartbeat_check(connection, bank, due.leader_id, now):
            question = next_question(connection, bank, due.leader_id, Habit.HEARTBEAT, self.rng)
            record_shown(connection, due.leader_id, question, now)
            return Choice(Asked(ref=question.id, question=question), note=LOW_HEARTBEAT_NOTE)
        offer = follow_up_offer(connection, bank, due.leader_id, now)
        if offer is not None:
            remember_question(connection, due.leader_id, offer.asked.ref)
            return Choice(offer.asked, offer.earlier_answer, last_week=offer.last_week)
        question = next_question(connection, bank, due.leader_id, None, self.rng, allowed=habits)
        record_shown(connection, due.leader_id, question, now)
        return Choice(Asked(ref=question.id, question=question))

    def _pause_leaver(self, due: DueNudge, code: str, now: datetime) -> None:
        logger.info("pausing nudges for leader %s: %s", due.leader_id, code)
        with self.database.connection() as connection:
            connection.execute(
                update(Nudge)
                .where(Nudge.id == due.nudge_id)
                .values(status="failed", error=code, lease_until=None)
            )
            connection.execute(
                update(Schedule)
                .where(Schedule.leader_id == due.leader_id)
                .values(
                    resume_on=INDEFINITELY,
                    pause_reason=code,
                    next_due_at=None,
                    next_local_date=None,
                    updated_at=now,
                )
            )


def _due(row: Any, nudge_id: int) -> DueNudge:
    return DueNudge(
        nudge_id=nudge_id,
        leader_id=row.leader_id,
        team_id=row.team_id,
        user_id=row.user_id,
        local_date=row.next_local_date,
        tz=row.tz,
        minute_of_day=row.minute_of_day,
        days=row.days,
        habits=row.habits,
        resume_on=row.resume_on,
    )


def _after_day(
    rule: Rule, tz: str, now: datetime, resume_on: date | None, day: date
) -> tuple[date, datetime] | None:
    """The next nudge after local `day` (and after `now`), honouring a pause."""
    not_before = day + timedelta(days=1)
    if resume_on is not None and resume_on > not_before:
        not_before = resume_on
    return next_nudge(rule, zone(tz), now, not_before)


_LAST_HEARTBEATS = (
    select(Entry.heartbeat)
    .where(Entry.leader_id == bindparam("leader_id"), Entry.heartbeat.is_not(None))
    .order_by(Entry.created_at.desc(), Entry.id.desc())
    .limit(heartbeat.LOW_IN_A_ROW)
)
_QUESTIONS_NUDGED = select(Nudge.question_ref).where(
    Nudge.leader_id == bindparam("leader_id"),
    Nudge.sent_at >= bindparam("since", type_=UTCDateTime()),
    Nudge.question_ref.is_not(None),
)


_DUE_PROMISES = (
    select(Entry.promise)
    .where(
        Entry.leader_id == bindparam("leader_id"),
        Entry.promise_due == bindparam("day"),
        Entry.promise_kept_at.is_(None),
        Entry.promise.is_not(None),
    )
    .order_by(Entry.created_at)
    .limit(5)
)


def promises_due(connection: Connection, leader_id: int, day: date) -> list[str]:
    """Open promises the leader said they would keep by local `day`."""
    rows = connection.execute(_DUE_PROMISES, {"leader_id": leader_id, "day": day})
    return [promise for promise in rows.scalars() if promise]


def needs_heartbeat_check(
    connection: Connection, bank: QuestionBank, leader_id: int, now: datetime
) -> bool:
    """Three low heartbeats in a row (2 or less), and no heartbeat question in the last week.

    A question's habit is the one the bank holds for it, so a workspace's own heartbeat
    questions count as much as ours.
    """
    beats = connection.execute(_LAST_HEARTBEATS, {"leader_id": leader_id}).scalars().all()
    if not heartbeat.is_low_run(beats):
        return False
    since = now - FOLLOW_UP_WINDOW
    refs = connection.execute(_QUESTIONS_NUDGED, {"leader_id": leader_id, "since": since})
    for ref in refs.scalars():
        asked = bank.resolve(ref or "")
        if asked is not None and asked.habit == Habit.HEARTBEAT:
            return False
    return True


def _follow_up_statement() -> Any:
    later = Entry.__table__.alias("later")
    since = bindparam("since", type_=UTCDateTime())
    return (
        select(Entry.question_ref, Entry.answer, Entry.created_at)
        .where(
            Entry.leader_id == bindparam("leader_id"),
            Entry.created_at >= since,
            ~Entry.question_ref.contains("/"),
            # Not already followed up…
            ~exists().where(
                later.c.leader_id == Entry.leader_id,
                later.c.created_at >= Entry.created_at,
                later.c.question_ref.startswith(Entry.question_ref + "/"),
            ),
            # …nor already offered in a nudge.
            ~exists().where(
                Nudge.leader_id == Entry.leader_id,
                Nudge.question_ref.startswith(Entry.question_ref + "/"),
                Nudge.sent_at >= since,
            ),
        )
        .order_by(Entry.created_at.desc())
        .limit(1)
    )


_FOLLOW_UP = _follow_up_statement()


@dataclass(frozen=True)
class FollowUpOffer:
    asked: Asked
    earlier_answer: str
    last_week: bool  # logged seven or more days ago


def follow_up_offer(
    connection: Connection, bank: QuestionBank, leader_id: int, now: datetime
) -> FollowUpOffer | None:
    """A follow-up to the latest answer of the last two weeks that was neither followed up
    nor offered already."""
    row = connection.execute(
        _FOLLOW_UP, {"leader_id": leader_id, "since": now - FOLLOW_UP_OFFER_WINDOW}
    ).first()
    if row is None:
        return None
    asked = next_follow_up(bank, row.question_ref)
    if asked is None:
        return None
    return FollowUpOffer(asked, row.answer, now - row.created_at >= FOLLOW_UP_WINDOW)
