"""Reminders: which promises come back to their leader now, which people asked by DM are
reminded now, and each claimed once across processes.

Steps of the reminder pass (bot/senders/reminders.py), which acts for no caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Connection

from bot.domain.nudge_rules import mask_to_days, zone
from bot.domain.reminder_rules import (
    OVERDUE_UNTIL,
    OpenPromise,
    PromiseReminder,
    ask_reminder_at,
    nudges_on,
    promise_reminder,
)
from bot.domain.team_ask_rules import answerer_key
from bot.services.asks import AskMessage, message_for
from bot.services.context import Context
from bot.services.deps import Deps
from bot.services.zones import caller_today
from bot.store import reminders as store
from bot.store.models import TeamAsk
from bot.store.reminders import AskToRemind, PersonAsked
from bot.store.team_asks import was_asked_by_dm
from bot.vocabulary.refusals import Reason, Refusal

# How long a process has to send a reminder before another takes it over.
REMINDER_LEASE = timedelta(minutes=5)


@dataclass(frozen=True)
class DueReminder:
    """A promise's reminder to send now."""

    kind: PromiseReminder
    promise: OpenPromise


def promise_reminders_now(deps: Deps, now: datetime) -> list[DueReminder]:
    """The promise reminders due at `now` in each leader's zone, not yet sent nor being sent."""
    today = now.date()
    # A day either side of UTC's today covers every zone.
    first, last = today - OVERDUE_UNTIL - timedelta(days=1), today + timedelta(days=1)
    with deps.database.connection(writes=False) as connection:
        candidates = store.promises_due_between(connection, first, last)
        settled = store.settled_reminders(connection, [p.entry_id for p in candidates], now)
    due: list[DueReminder] = []
    for promise in candidates:
        kind = _reminder_of(promise, now)
        if kind is not None and (promise.entry_id, kind.value, promise.due) not in settled:
            due.append(DueReminder(kind, promise))
    return due


def _reminder_of(promise: OpenPromise, now: datetime) -> PromiseReminder | None:
    local_now = now.astimezone(zone(promise.tz))
    nudged = promise.days is not None and nudges_on(
        mask_to_days(promise.days), promise.resume_on, local_now.date()
    )
    return promise_reminder(promise.due, local_now, nudged)


def claim_promise_reminder(deps: Deps, reminder: DueReminder, now: datetime) -> bool:
    """Whether this process sends `reminder` (no other has, nor holds it now)."""
    with deps.database.connection() as connection:
        return store.claim_reminder(connection, *_key(reminder), now, REMINDER_LEASE)


def promise_reminder_sent(deps: Deps, reminder: DueReminder, now: datetime) -> None:
    """Sent, or refused by Slack for good: never sent again."""
    with deps.database.connection() as connection:
        store.finish_reminder(connection, *_key(reminder), now)


def promise_reminder_later(deps: Deps, reminder: DueReminder, at: datetime) -> None:
    """Slack said try later: any process's pass sends it from `at`."""
    with deps.database.connection() as connection:
        store.retry_reminder_after(connection, *_key(reminder), at)


def _key(reminder: DueReminder) -> tuple[int, str, date]:
    return reminder.promise.entry_id, reminder.kind.value, reminder.promise.due


# -- people asked by DM -----------------------------------------------------------------------


def asks_to_remind(deps: Deps, now: datetime) -> list[AskToRemind]:
    """Open asks by DM whose people may still be reminded."""
    with deps.database.connection(writes=False) as connection:
        return store.asks_with_reminders_left(connection, now)


def people_of(deps: Deps, ask_id: int) -> list[PersonAsked]:
    """The people an ask reached by DM, with their zone when known."""
    with deps.database.connection(writes=False) as connection:
        return store.people_reached(connection, ask_id)


def record_zone(deps: Deps, ask_id: int, user_id: str, tz: str) -> None:
    """Keep the zone Slack gave for someone asked, so it is asked once."""
    with deps.database.connection() as connection:
        store.set_person_zone(connection, ask_id, user_id, tz)


def due_by(ask: AskToRemind, zones: dict[str, ZoneInfo], now: datetime) -> list[str]:
    """Who is due a reminder from the ask's last turn up to `now`, whatever they did since."""
    due: list[str] = []
    for user_id, tz in zones.items():
        at = ask_reminder_at(ask.sent_at, ask.closes_at, tz)
        if at is None or at > now:
            continue
        if ask.reminded_through is None or at > ask.reminded_through:
            due.append(user_id)
    return due


def take_reminder_turn(
    deps: Deps, ask: AskToRemind, due: list[str], now: datetime
) -> list[str] | None:
    """Claim the turn up to `now`; who of `due` to remind: not answered, not opted out.

    None when another process took this turn first. Whether someone answered is read from
    the answers' keyed hashes, so an anonymous ask stays without names.
    """
    with deps.database.connection() as connection:
        if not store.claim_reminders_through(connection, ask, now):
            return None
        answered = store.answerer_keys(connection, ask.ask_id)
        declined = store.opted_out(connection, ask.leader_id)
    return [
        user_id
        for user_id in due
        if user_id not in declined
        and answerer_key(deps.answer_secret, ask.ask_id, ask.team_id, user_id) not in answered
    ]


def record_reminded(deps: Deps, ask_id: int, count: int) -> None:
    """`count` more people were reminded: the summary says how many."""
    if count:
        with deps.database.connection() as connection:
            store.count_reminded(connection, ask_id, count)


# -- the leader's side -----------------------------------------------------------------------


def seen_on_its_day(ctx: Context, connection: Connection, entry_id: int, due: date | None) -> None:
    """The caller gave promise `entry_id` the day it is now where they are: they just saw it,
    so that day's reminder is not sent."""
    if due is not None and due == caller_today(ctx):
        store.reminder_not_needed(connection, entry_id, PromiseReminder.DUE.value, due, ctx.now)


# -- the people's side -------------------------------------------------------------------------


def decline_reminders(ctx: Context, ask_id: int) -> AskMessage | Refusal:
    """The caller, asked by DM in ask `ask_id`, is not reminded of its leader's questions again."""
    with ctx.transaction() as session:
        found = session.get(TeamAsk, ask_id)
        if found is None or not was_asked_by_dm(session, ask_id, ctx.user_id):
            return Refusal(Reason.NOT_ASKED)
        store.opt_out(session.connection(), found.leader_id, ctx.user_id, ctx.now)
        return message_for(ctx, ask_id) or Refusal(Reason.GONE)
