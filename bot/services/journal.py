"""The leader's log of what their team said: writing entries, reading them back by page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, exists, or_, select, tuple_
from sqlalchemy.orm import Session

from bot.domain.forms import LogForm
from bot.domain.history_cursor import Cursor
from bot.domain.history_filters import HistoryQuery
from bot.domain.payloads import LogTarget
from bot.domain.question_bank import Asked
from bot.domain.team_ask_rules import MIN_GROUP
from bot.services.context import Context
from bot.services.questions import ask_follow_up
from bot.services.team_conversations import TeamConversation, team_conversations
from bot.store.fulltext import entry_matches
from bot.store.models import Entry, EntryPerson, TeamAsk
from bot.store.team_asks import entries_with_answer_words, entries_with_named_answer

PAGE_SIZE = 5


@dataclass(frozen=True)
class HistoryPage:
    entries: Sequence[Entry]
    query: HistoryQuery
    has_older: bool
    has_newer: bool
    # Unfiltered history reads as threads: each conversation's follow-ups, oldest first.
    follow_ups: Mapping[int, Sequence[Entry]] = field(default_factory=dict)
    # The team's own answers, for entries that are questions asked of the team in Slack.
    team: Mapping[int, TeamConversation] = field(default_factory=dict)

    @property
    def newest(self) -> Cursor | None:
        return _cursor(self.entries[0]) if self.entries else None

    @property
    def oldest(self) -> Cursor | None:
        return _cursor(self.entries[-1]) if self.entries else None


def log_entry(
    session: Session,
    leader_id: int,
    asked: Asked,
    answer: str,
    people: Sequence[str],
    heartbeat: int | None,
    promise: str | None,
    now: datetime,
    parent_id: int | None = None,
    promise_due: date | None = None,
) -> Entry:
    """Store what the team answered to `asked`; inputs are expected to be validated.

    `parent_id` links a follow-up to the entry it follows; check it is the leader's own first.
    """
    entry = Entry(
        leader_id=leader_id,
        question_ref=asked.ref,
        question_text=asked.text,
        habit=asked.habit.value,
        answer=answer,
        heartbeat=heartbeat,
        promise=promise or None,
        created_at=now,
        parent_id=parent_id,
        promise_due=promise_due if promise else None,
        people=[
            EntryPerson(user_id=user_id, position=n)
            for n, user_id in enumerate(dict.fromkeys(people))
        ],
    )
    session.add(entry)
    session.flush()
    return entry


def own_entry(session: Session, leader_id: int | None, entry_id: int) -> Entry | None:
    """The entry, only if it belongs to this leader: the one gate for ids from buttons."""
    entry = session.get(Entry, entry_id)
    if entry is None or leader_id is None or entry.leader_id != leader_id:
        return None
    return entry


def update_entry(
    entry: Entry,
    answer: str,
    people: Sequence[str],
    heartbeat: int | None,
    promise: str | None,
    promise_due: date | None = None,
) -> None:
    """Change what was logged; the question and when it was asked stay as they were."""
    entry.answer = answer
    entry.heartbeat = heartbeat
    entry.promise_due = promise_due if promise else None
    if (promise or None) != entry.promise:
        entry.promise = promise or None
        entry.promise_kept_at = None
    wanted = list(dict.fromkeys(people))
    if [person.user_id for person in entry.people] != wanted:
        entry.people.clear()
        # Flush the removals first: the same (entry, user) may be re-added below.
        Session.object_session(entry).flush()  # type: ignore[union-attr]
        entry.people.extend(
            EntryPerson(user_id=user_id, position=n) for n, user_id in enumerate(wanted)
        )


def delete_entry(session: Session, entry: Entry) -> None:
    session.delete(entry)


def history_page(
    session: Session,
    leader_id: int | None,
    query: HistoryQuery,
    *,
    older_than: Cursor | None = None,
    newer_than: Cursor | None = None,
    page_size: int = PAGE_SIZE,
    minimum: int = MIN_GROUP,
) -> HistoryPage:
    """One page of this leader's entries, newest first, by keyset on (created_at, id).

    Unfiltered, a page lists conversations, each with its follow-ups; filtered, every
    matching entry stands on its own.
    """
    if leader_id is None:
        return HistoryPage(entries=[], query=query, has_older=False, has_newer=False)
    page = _page(session, leader_id, query, older_than, newer_than, page_size, minimum)
    if page.entries:
        team = team_conversations(session, [entry.id for entry in page.entries], minimum)
        page = replace(page, team=team)
    if query.is_filtered or not page.entries:
        return page
    children = session.scalars(
        select(Entry)
        .where(Entry.leader_id == leader_id, Entry.parent_id.in_([e.id for e in page.entries]))
        .order_by(Entry.created_at, Entry.id)
    )
    threads: dict[int, list[Entry]] = {}
    for child in children:
        threads.setdefault(child.parent_id or 0, []).append(child)
    return replace(page, follow_ups=threads)


def _page(
    session: Session,
    leader_id: int,
    query: HistoryQuery,
    older_than: Cursor | None,
    newer_than: Cursor | None,
    page_size: int,
    minimum: int,
) -> HistoryPage:
    dialect = session.get_bind().dialect.name
    base = _filtered(
        select(Entry).where(Entry.leader_id == leader_id), query, leader_id, dialect, minimum
    )
    if not query.is_filtered:
        base = base.where(Entry.parent_id.is_(None))
    position = tuple_(Entry.created_at, Entry.id)
    if newer_than is not None:
        bound = (newer_than.created_at, newer_than.entry_id)
        rows: list[Entry] = list(
            session.scalars(
                base.where(position > bound)
                .order_by(Entry.created_at.asc(), Entry.id.asc())
                .limit(page_size + 1)
            )
        )
        has_newer = len(rows) > page_size
        return HistoryPage(
            entries=rows[:page_size][::-1], query=query, has_older=True, has_newer=has_newer
        )
    statement = base
    if older_than is not None:
        statement = statement.where(position < (older_than.created_at, older_than.entry_id))
    rows = list(
        session.scalars(
            statement.order_by(Entry.created_at.desc(), Entry.id.desc()).limit(page_size + 1)
        )
    )
    return HistoryPage(
        entries=rows[:page_size],
        query=query,
        has_older=len(rows) > page_size,
        has_newer=older_than is not None,
    )


def _filtered(
    statement: Select[Any], query: HistoryQuery, leader_id: int, dialect: str, minimum: int
) -> Select[Any]:
    if query.habit is not None:
        statement = statement.where(Entry.habit == query.habit.value)
    if query.from_team:
        statement = statement.where(Entry.id.in_(select(TeamAsk.entry_id)))
    if query.person is not None:
        statement = statement.where(
            or_(
                exists().where(
                    EntryPerson.entry_id == Entry.id, EntryPerson.user_id == query.person
                ),
                Entry.id.in_(entries_with_named_answer(leader_id, query.person)),
            )
        )
    if query.since is not None:
        statement = statement.where(Entry.created_at >= _midnight(query.since))
    if query.until is not None:
        statement = statement.where(Entry.created_at < _midnight(query.until + timedelta(days=1)))
    if query.words:
        statement = statement.where(
            or_(
                entry_matches(dialect, leader_id, query.words),
                Entry.id.in_(entries_with_answer_words(leader_id, query.words, minimum)),
            )
        )
    return statement


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def _cursor(entry: Entry) -> Cursor:
    return Cursor(created_at=entry.created_at, entry_id=entry.id)


# -- use cases ------------------------------------------------------------------------------


class NotSaved(StrEnum):
    """Why what the leader typed could not be saved (the form stays open with it)."""

    QUESTION_GONE = "question gone"
    NOT_THEIRS = "not theirs"


@dataclass(frozen=True)
class Saved:
    entry: Entry
    updated: bool


def save_answers(ctx: Context, target: LogTarget, form: LogForm) -> Saved | NotSaved:
    """Log what the team said to `target`'s question, or edit the caller's own entry."""
    with ctx.deps.database.transaction() as session:
        connection = session.connection()
        if target.entry_id is not None:
            entry = own_entry(session, ctx.leader_id(connection), target.entry_id)
            if entry is None:
                return NotSaved.NOT_THEIRS
            update_entry(
                entry, form.answer, form.people, form.heartbeat, form.promise, form.promise_due
            )
            session.flush()
            return Saved(entry, updated=True)
        # Checked before the leader row is made: a question gone from the bank saves nothing.
        asked = ctx.bank(connection).resolve(target.ref) if target.ref else None
        if asked is None:
            return NotSaved.QUESTION_GONE
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
        return Saved(entry, updated=False)


def entry_to_edit(ctx: Context, entry_id: int) -> Entry | None:
    """The caller's own entry, for the edit form."""
    with ctx.deps.database.transaction(writes=False) as session:
        return own_entry(session, ctx.leader_id(session.connection()), entry_id)


def delete_own_entry(ctx: Context, entry_id: int, query: HistoryQuery) -> HistoryPage | None:
    """Delete the caller's own entry; the first page of the same filters, or None if not theirs."""
    with ctx.deps.database.transaction() as session:
        leader_id = ctx.leader_id(session.connection())
        entry = own_entry(session, leader_id, entry_id)
        if entry is None:
            return None
        delete_entry(session, entry)
        session.flush()
        return history_page(session, leader_id, query, minimum=ctx.deps.anonymous_minimum)


def browse(
    ctx: Context,
    query: HistoryQuery,
    *,
    older_than: Cursor | None = None,
    newer_than: Cursor | None = None,
) -> HistoryPage:
    """A page of the caller's history. A cursor from a button only bounds the search: the
    leader comes from the signed request, so a forged one pages the caller's own entries."""
    with ctx.deps.database.transaction(writes=False) as session:
        leader_id = ctx.leader_id(session.connection())
        return history_page(
            session,
            leader_id,
            query,
            older_than=older_than,
            newer_than=newer_than,
            minimum=ctx.deps.anonymous_minimum,
        )


def follow_up_to_entry(ctx: Context, entry_id: int) -> tuple[Asked, int] | None:
    """A follow-up to the conversation in the caller's own entry, and the entry it links to."""
    with ctx.deps.database.transaction() as session:
        connection = session.connection()
        leader_id = ctx.leader_id(connection)
        entry = own_entry(session, leader_id, entry_id)
        if entry is None or leader_id is None:
            return None
        asked = ask_follow_up(connection, ctx.bank(connection), leader_id, entry.question_ref)
        return (asked, entry.id) if asked is not None else None
