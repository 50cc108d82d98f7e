"""Follow through: the promises a leader logged, open and kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from bot.domain.forms import PromiseForm
from bot.services.closing import ReplyTarget, reply_targets
from bot.services.context import Context
from bot.services.entries import EntryView
from bot.services.reminders import seen_on_its_day
from bot.services.zones import caller_today, past_due
from bot.store.log import own_entry
from bot.store.models import Entry
from bot.store.promises import kept_promises, open_promises
from bot.store.team_asks import ask_of_entry
from bot.vocabulary import ids
from bot.vocabulary.refusals import Reason, Refusal

OPEN_SHOWN = 20
KEPT_SHOWN = 10
KEPT_WINDOW = timedelta(days=30)


@dataclass(frozen=True)
class Promises:
    open: list[EntryView]
    open_count: int
    kept: list[EntryView]
    # The caller's day now, against which a promise's day is overdue.
    today: date | None = None


# -- use cases ------------------------------------------------------------------------------


def promises_for(ctx: Context) -> Promises:
    """The caller's open promises, oldest first, and those they kept in the last 30 days,
    newest first, for `/ask-team promises`."""
    with ctx.transaction(writes=False) as session:
        leader_id = ctx.leader_id(session.connection())
        if leader_id is None:
            return Promises([], 0, [], today=None)
        still_open, count = open_promises(session, leader_id, OPEN_SHOWN)
        kept = kept_promises(session, leader_id, ctx.now - KEPT_WINDOW, KEPT_SHOWN)
        return Promises(
            [EntryView.of(entry) for entry in still_open],
            count,
            [EntryView.of(entry) for entry in kept],
            today=caller_today(ctx),
        )


def promise_to_keep(ctx: Context, entry_id: int) -> EntryView | Refusal:
    """The caller's own entry `entry_id` if it holds a promise, for the Done form."""
    with ctx.transaction(writes=False) as session:
        # The id comes from a button: it must be the presser's own promise.
        entry = own_entry(session, ctx.leader_id(session.connection()), entry_id)
        if entry is None or not entry.promise:
            return Refusal(Reason.GONE)
        return EntryView.of(entry)


@dataclass(frozen=True)
class Promised:
    """A promise kept on an entry, and the threads where the team hears of it (none when the
    leader chose not to tell them, or the conversation was never posted)."""

    entry: EntryView
    threads: list[ReplyTarget]


def keep_promise(ctx: Context, entry_id: int, outcome: str) -> Promised | Refusal:
    """Mark the caller's own promise kept with what was done; refused if there is none."""
    with ctx.transaction() as session:
        leader_id = ctx.leader_id(session.connection())
        entry = own_entry(session, leader_id, entry_id) if leader_id is not None else None
        if entry is None or not entry.promise:
            return Refusal(Reason.GONE)
        if entry.promise_kept_at is None:
            entry.promise_kept_at = ctx.now
        # The form refuses an empty outcome, so there is always one to keep.
        entry.promise_outcome = outcome
        threads = _threads(ctx, session, entry_id) if entry.promise_told else []
        return Promised(EntryView.of(entry), threads)


def promise_form_for(ctx: Context, entry_id: int) -> EntryView | Refusal:
    """The caller's own team conversation `entry_id`, for the Promise something form."""
    with ctx.transaction(writes=False) as session:
        entry = _own_team_conversation(ctx, session, entry_id)
        return entry if isinstance(entry, Refusal) else EntryView.of(entry, team_asked=True)


def make_promise(ctx: Context, entry_id: int, form: PromiseForm) -> Promised | Refusal:
    """Keep the caller's promise on their team conversation; with the threads to tell."""
    with ctx.transaction() as session:
        entry = _own_team_conversation(ctx, session, entry_id)
        if isinstance(entry, Refusal):
            return entry
        if past_due(ctx, form.due, entry.promise_due):
            return Refusal(Reason.DUE_IN_THE_PAST, ids.PROMISE_BY_BLOCK)
        if form.promise != entry.promise:
            entry.promise_kept_at = entry.promise_dropped_at = None
        entry.promise, entry.promise_due = form.promise, form.due
        session.flush()
        seen_on_its_day(ctx, session.connection(), entry.id, entry.promise_due)
        threads = _threads(ctx, session, entry_id) if form.tell_the_team else []
        # Told only if there was a thread to tell it in: Done then goes to the same place.
        entry.promise_told = bool(threads)
        return Promised(EntryView.of(entry, team_asked=True), threads)


def promise_to_move(ctx: Context, entry_id: int) -> tuple[EntryView, date] | Refusal:
    """The caller's own promise `entry_id` while it is open, and their today, for New date."""
    with ctx.transaction(writes=False) as session:
        entry = _own_open_promise(ctx, session, entry_id)
        return entry if isinstance(entry, Refusal) else (EntryView.of(entry), caller_today(ctx))


def move_promise(ctx: Context, entry_id: int, due: date) -> EntryView | Refusal:
    """Give the caller's open promise a new day (not one already over where they are)."""
    with ctx.transaction() as session:
        entry = _own_open_promise(ctx, session, entry_id)
        if isinstance(entry, Refusal):
            return entry
        if past_due(ctx, due, None):
            return Refusal(Reason.DUE_IN_THE_PAST, ids.PROMISE_NEW_DATE_BLOCK)
        entry.promise_due = due
        session.flush()
        seen_on_its_day(ctx, session.connection(), entry.id, entry.promise_due)
        return EntryView.of(entry)


def drop_promise(ctx: Context, entry_id: int) -> EntryView | Refusal:
    """Let the caller's open promise go: off their list and their reminders, kept in the log."""
    with ctx.transaction() as session:
        entry = _own_open_promise(ctx, session, entry_id)
        if isinstance(entry, Refusal):
            return entry
        entry.promise_dropped_at = ctx.now
        return EntryView.of(entry)


def _own_open_promise(ctx: Context, session: Session, entry_id: int) -> Entry | Refusal:
    entry = own_entry(session, ctx.leader_id(session.connection()), entry_id)
    if entry is None or not entry.promise:
        return Refusal(Reason.GONE)
    if entry.promise_kept_at is not None or entry.promise_dropped_at is not None:
        return Refusal(Reason.PROMISE_SETTLED)
    return entry


def _own_team_conversation(ctx: Context, session: Session, entry_id: int) -> Entry | Refusal:
    """The caller's own entry `entry_id`, if it is a question asked of the team in Slack."""
    entry = own_entry(session, ctx.leader_id(session.connection()), entry_id)
    if entry is None or ask_of_entry(session, entry_id) is None:
        return Refusal(Reason.GONE, ids.PROMISE_WHAT_BLOCK)
    return entry


def _threads(ctx: Context, session: Session, entry_id: int) -> list[ReplyTarget]:
    ask = ask_of_entry(session, entry_id)
    found = reply_targets(ctx, ask.id) if ask is not None else []
    return [] if isinstance(found, Refusal) else found
