"""The leader's log of what their team said: writing entries, reading them back by page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from bot.domain.forms import LogForm
from bot.domain.history_cursor import Cursor
from bot.domain.history_filters import HistoryQuery
from bot.domain.payloads import LogTarget
from bot.domain.question_bank import Asked
from bot.services.alerts import MoraleAlert, alert_after_reading
from bot.services.context import Context
from bot.services.entries import EntryView
from bot.services.questions import follow_up
from bot.services.reminders import seen_on_its_day
from bot.services.team_conversations import TeamConversation, conversations_by_entry
from bot.services.zones import past_due
from bot.store.log import (
    follow_ups_of,
    history_rows,
    is_team_asked,
    log_entry,
    own_entry,
    update_entry,
)
from bot.store.team_answers import answers_to_entries
from bot.vocabulary import ids
from bot.vocabulary.refusals import Reason, Refusal

PAGE_SIZE = 5


@dataclass(frozen=True)
class HistoryPage:
    entries: Sequence[EntryView]
    query: HistoryQuery
    has_older: bool
    has_newer: bool
    # Unfiltered history reads as threads: each conversation's follow-ups, oldest first.
    follow_ups: Mapping[int, Sequence[EntryView]] = field(default_factory=dict)
    # The team's own answers, for entries that are questions asked of the team in Slack.
    team: Mapping[int, TeamConversation] = field(default_factory=dict)

    @property
    def newest(self) -> Cursor | None:
        return _cursor(self.entries[0]) if self.entries else None

    @property
    def oldest(self) -> Cursor | None:
        return _cursor(self.entries[-1]) if self.entries else None


def _cursor(entry: EntryView) -> Cursor:
    return Cursor(created_at=entry.created_at, entry_id=entry.id)


def _history_page(
    session: Session,
    leader_id: int | None,
    query: HistoryQuery,
    older_than: Cursor | None,
    newer_than: Cursor | None,
    minimum: int,
) -> HistoryPage:
    """One page of this leader's entries, newest first, by keyset on (created_at, id).

    Unfiltered, a page lists conversations, each with its follow-ups; filtered, every
    matching entry stands on its own.
    """
    if leader_id is None:
        return HistoryPage(entries=[], query=query, has_older=False, has_newer=False)
    rows, has_older, has_newer = history_rows(
        session, leader_id, query, older_than, newer_than, PAGE_SIZE, minimum
    )
    ids = [entry.id for entry in rows]
    team = conversations_by_entry(answers_to_entries(session, ids), minimum) if rows else {}
    threads: dict[int, list[EntryView]] = {}
    if not query.is_filtered and rows:
        for child in follow_ups_of(session, leader_id, ids):
            threads.setdefault(child.parent_id or 0, []).append(EntryView.of(child))
    return HistoryPage(
        [EntryView.of(entry) for entry in rows], query, has_older, has_newer, threads, team
    )


# -- use cases ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Saved:
    entry: EntryView
    updated: bool
    # A heartbeat that began a low run: the alert to DM, claimed with the save.
    alert: MoraleAlert | None = None


def save_answers(ctx: Context, target: LogTarget, form: LogForm) -> Saved | Refusal:
    """Log what the team said to `target`'s question, or edit the caller's own entry."""
    with ctx.transaction() as session:
        connection = session.connection()
        if target.entry_id is not None:
            entry = own_entry(session, ctx.leader_id(connection), target.entry_id)
            if entry is None:
                return Refusal(Reason.GONE)
            team_asked = is_team_asked(session, entry.id)
            refused = _refusal(ctx, form, team_asked, entry.promise_due)
            if refused is not None:
                return refused
            answer = entry.answer if form.answer is None else form.answer
            update_entry(entry, answer, form.people, form.heartbeat, form.promise, form.promise_due)
            session.flush()
            seen_on_its_day(ctx, connection, entry.id, entry.promise_due)
            return Saved(EntryView.of(entry, team_asked=team_asked), updated=True)
        refused = _refusal(ctx, form, team_asked=False, due_before=None)
        if refused is not None or form.answer is None:
            return refused or Refusal(Reason.REQUIRED, ids.LOG_ANSWER_BLOCK)
        # Checked before the leader row is made: a question gone from the bank saves nothing.
        asked = ctx.bank(connection).resolve(target.ref) if target.ref else None
        if asked is None:
            return Refusal(Reason.QUESTION_GONE)
        leader_id = ctx.ensure_leader_id(connection)
        # A follow-up links to its parent only if the parent is the leader's own.
        parent = own_entry(session, leader_id, target.parent) if target.parent else None
        # Threads are one level deep: a follow-up of a follow-up joins the root.
        if parent is not None and parent.parent_id is not None:
            parent = own_entry(session, leader_id, parent.parent_id) or parent
        entry = log_entry(
            session,
            leader_id,
            asked,
            answer=form.answer,
            people=form.people,
            heartbeat=form.heartbeat,
            promise=form.promise,
            now=ctx.now,
            parent_id=parent.id if parent else None,
            promise_due=form.promise_due,
        )
        session.flush()
        seen_on_its_day(ctx, connection, entry.id, entry.promise_due)
        alert = (
            alert_after_reading(ctx, connection, leader_id, entry.id)
            if entry.heartbeat is not None
            else None
        )
        return Saved(EntryView.of(entry), updated=False, alert=alert)


def _refusal(
    ctx: Context, form: LogForm, team_asked: bool, due_before: date | None
) -> Refusal | None:
    """What the use case refuses of a well-formed form: only a team conversation may go
    without the team's words (they are its answers), and a promise's new day may not have
    ended in the caller's zone (one kept from before may, being overdue)."""
    if form.answer is None and not team_asked:
        return Refusal(Reason.REQUIRED, ids.LOG_ANSWER_BLOCK)
    if past_due(ctx, form.promise_due, due_before):
        return Refusal(Reason.DUE_IN_THE_PAST, ids.LOG_DUE_BLOCK)
    return None


def entry_to_edit(ctx: Context, entry_id: int) -> EntryView | Refusal:
    """The caller's own entry, for the edit form."""
    with ctx.transaction(writes=False) as session:
        entry = own_entry(session, ctx.leader_id(session.connection()), entry_id)
        if entry is None:
            return Refusal(Reason.GONE)
        return EntryView.of(entry, team_asked=is_team_asked(session, entry.id))


def delete_own_entry(ctx: Context, entry_id: int, query: HistoryQuery) -> HistoryPage | Refusal:
    """Delete the caller's own entry; the first page of the same filters, refused if not theirs."""
    with ctx.transaction() as session:
        leader_id = ctx.leader_id(session.connection())
        entry = own_entry(session, leader_id, entry_id)
        if entry is None:
            return Refusal(Reason.GONE)
        session.delete(entry)
        session.flush()
        return _history_page(session, leader_id, query, None, None, ctx.deps.anonymous_minimum)


def browse(
    ctx: Context,
    query: HistoryQuery,
    *,
    older_than: Cursor | None = None,
    newer_than: Cursor | None = None,
) -> HistoryPage:
    """A page of the caller's history. A cursor from a button only bounds the search: the
    leader comes from the signed request, so a forged one pages the caller's own entries."""
    with ctx.transaction(writes=False) as session:
        leader_id = ctx.leader_id(session.connection())
        return _history_page(
            session, leader_id, query, older_than, newer_than, ctx.deps.anonymous_minimum
        )


def follow_up_to_entry(ctx: Context, entry_id: int) -> tuple[Asked, int] | Refusal:
    """A follow-up to the conversation in the caller's own entry, and the entry it links to."""
    with ctx.transaction() as session:
        entry = own_entry(session, ctx.leader_id(session.connection()), entry_id)
        if entry is None:
            return Refusal(Reason.GONE)
        asked = follow_up(ctx, entry.question_ref)
        return asked if isinstance(asked, Refusal) else (asked, entry.id)
