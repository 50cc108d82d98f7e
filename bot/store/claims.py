"""Claiming each leader's nudge for a local date exactly once, in SQL.

The unique (leader, local date) row in `nudges` is the claim: whichever process inserts it
(`INSERT … ON CONFLICT DO NOTHING RETURNING`) owns that day's nudge, so any number of
processes may run passes at once. A claim carries a lease; one whose process died is taken
again, by exactly one process, once the lease has run out. Every move of a schedule is a
compare-and-set on the instant it was read at, so passes in other processes agree on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import and_, bindparam, select, update
from sqlalchemy.engine import Connection

from bot.domain.nudge_rules import Rule, latest_nudge, mask_to_days, next_nudge_after_day, zone
from bot.store.models import Leader, Nudge, NudgeStatus, Schedule, UTCDateTime
from bot.store.upsert import insert_for_dialect


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

    def next_after_today(self, now: datetime) -> tuple[date, datetime] | None:
        """The (local date, UTC instant) of the nudge after this one, honouring a pause."""
        rule = Rule(self.minute_of_day, mask_to_days(self.days))
        return next_nudge_after_day(rule, zone(self.tz), now, self.resume_on, self.local_date)


@dataclass
class Decision:
    """Which due schedules a pass claims anew, retakes, or only moves on."""

    to_insert: list[Any] = field(default_factory=list)
    to_retake: list[Any] = field(default_factory=list)
    to_advance: list[Any] = field(default_factory=list)
    in_flight_elsewhere: int = 0
    missed: int = 0

    @property
    def due(self) -> int:
        return len(self.to_insert) + len(self.to_retake)


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
    .values(status=NudgeStatus.SENT, sent_at=bindparam("now"), lease_until=None)
)
_MOVE_ON = (
    update(Schedule)
    .where(
        Schedule.leader_id == bindparam("who"),
        Schedule.next_local_date <= bindparam("day"),
    )
    .values(next_local_date=bindparam("next_day"), next_due_at=bindparam("next_at"))
)


def decide(connection: Connection, now: datetime, grace: timedelta, *, dry_run: bool) -> Decision:
    """Read every schedule due at `now` and sort it: claim, retake, leave, or move on.

    A schedule more than `grace` late is first caught up (see `_catch_up`).
    """
    rows = connection.execute(_CANDIDATES, {"now": now}).all()
    decision = Decision()
    stale = [row for row in rows if row.next_due_at < now - grace]
    if stale:
        rows = _catch_up(connection, rows, stale, now, grace, decision, dry_run=dry_run)
    for row in rows:
        if row.next_due_at < now - grace:
            decision.to_advance.append(row)
        elif row.id is None:
            decision.to_insert.append(row)
        elif row.status == NudgeStatus.CLAIMED and (
            row.lease_until is None or row.lease_until < now
        ):
            decision.to_retake.append(row)
        elif row.status == NudgeStatus.CLAIMED:
            decision.in_flight_elsewhere += 1
        else:
            decision.to_advance.append(row)
    return decision


def _catch_up(
    connection: Connection,
    rows: Sequence[Any],
    stale: Sequence[Any],
    now: datetime,
    grace: timedelta,
    decision: Decision,
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
        decision.missed += 1
        rule = Rule(row.minute_of_day, mask_to_days(row.days))
        latest = latest_nudge(rule, zone(row.tz), now, row.resume_on)
        if latest is None or latest[1] < now - grace:
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


def claim(connection: Connection, decision: Decision, lease_until: datetime) -> list[DueNudge]:
    """Claim the new nudges in one statement and retake the expired leases: what we now own."""
    by_leader = {row.leader_id: row for row in decision.to_insert}
    claimed: list[DueNudge] = []
    if decision.to_insert:
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
                    "status": NudgeStatus.CLAIMED,
                    "lease_until": lease_until,
                }
                for row in decision.to_insert
            ],
        ).all()
        claimed += [_due(by_leader[leader_id], nudge_id) for nudge_id, leader_id in inserted]
    for row in decision.to_retake:
        # Only one process can move an expired lease forward; the others see 0 rows.
        result = connection.execute(
            update(Nudge)
            .where(
                Nudge.id == row.id,
                Nudge.status == NudgeStatus.CLAIMED,
                Nudge.lease_until == row.lease_until,
            )
            .values(lease_until=lease_until)
        )
        if result.rowcount == 1:
            claimed.append(_due(row, row.id))
    return claimed


def claim_snoozed(connection: Connection, now: datetime, lease_until: datetime) -> list[DueNudge]:
    """Claim the snoozed nudges whose hour is up, to send the same question again."""
    rows = connection.execute(
        update(Nudge)
        .where(Nudge.status == NudgeStatus.SNOOZED, Nudge.snoozed_until <= now)
        .values(status=NudgeStatus.CLAIMED, snoozed_until=None, lease_until=lease_until)
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


def advance(connection: Connection, decision: Decision, now: datetime) -> int:
    """Move schedules whose nudge for the day is done, or missed, to their next date."""
    moved = 0
    for row in decision.to_advance:
        rule = Rule(row.minute_of_day, mask_to_days(row.days))
        upcoming = next_nudge_after_day(rule, zone(row.tz), now, row.resume_on, row.next_local_date)
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


def set_question(connection: Connection, nudge_id: int, ref: str) -> None:
    """Remember what the nudge asks, so a snooze brings the same question back."""
    connection.execute(_SET_QUESTION, {"nudge_id": nudge_id, "ref": ref})


_QUESTIONS_NUDGED = select(Nudge.question_ref).where(
    Nudge.leader_id == bindparam("leader_id"),
    Nudge.sent_at >= bindparam("since", type_=UTCDateTime()),
    Nudge.question_ref.is_not(None),
)


def questions_nudged_since(
    connection: Connection, leader_id: int, since: datetime
) -> list[str | None]:
    """The question refs of the leader's nudges sent since `since`."""
    params = {"leader_id": leader_id, "since": since}
    return list(connection.execute(_QUESTIONS_NUDGED, params).scalars())


def mark_sent(
    connection: Connection, due: DueNudge, now: datetime, upcoming: tuple[date, datetime] | None
) -> None:
    """The nudge is sent: end its lease and move the schedule on to `upcoming`."""
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


def extend_leases(connection: Connection, nudge_ids: Sequence[int], lease_until: datetime) -> int:
    """Keep this process's claims (still being sent) from running out; how many were kept."""
    if not nudge_ids:
        return 0
    result = connection.execute(
        update(Nudge)
        .where(Nudge.id.in_(nudge_ids), Nudge.status == NudgeStatus.CLAIMED)
        .values(lease_until=lease_until)
    )
    return int(result.rowcount)


def mark_failed(connection: Connection, nudge_id: int, error: str) -> None:
    """Slack refused the nudge for good: keep its reason, end its lease."""
    connection.execute(
        update(Nudge)
        .where(Nudge.id == nudge_id)
        .values(status=NudgeStatus.FAILED, error=error, lease_until=None)
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
