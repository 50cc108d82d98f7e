"""The leader's log of what their team said: writing entries, reading them back by page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, exists, select, tuple_
from sqlalchemy.orm import Session

from bot.history_cursor import Cursor
from bot.history_filters import HistoryQuery
from bot.prompts import Asked
from bot.store.fulltext import entry_matches
from bot.store.models import Entry, EntryPerson

PAGE_SIZE = 5


@dataclass(frozen=True)
class HistoryPage:
    entries: Sequence[Entry]
    query: HistoryQuery
    has_older: bool
    has_newer: bool
    # Unfiltered history reads as threads: each conversation's follow-ups, oldest first.
    follow_ups: Mapping[int, Sequence[Entry]] = field(default_factory=dict)

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
) -> HistoryPage:
    """One page of this leader's entries, newest first, by keyset on (created_at, id).

    Unfiltered, a page lists conversations, each with its follow-ups; filtered, every
    matching entry stands on its own.
    """
    if leader_id is None:
        return HistoryPage(entries=[], query=query, has_older=False, has_newer=False)
    page = _page(session, leader_id, query, older_than, newer_than, page_size)
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
) -> HistoryPage:
    dialect = session.get_bind().dialect.name
    base = _filtered(select(Entry).where(Entry.leader_id == leader_id), query, leader_id, dialect)
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
    statement: Select[Any], query: HistoryQuery, leader_id: int, dialect: str
) -> Select[Any]:
    if query.habit is not None:
        statement = statement.where(Entry.habit == query.habit.value)
    if query.person is not None:
        statement = statement.where(
            exists().where(EntryPerson.entry_id == Entry.id, EntryPerson.user_id == query.person)
        )
    if query.since is not None:
        statement = statement.where(Entry.created_at >= _midnight(query.since))
    if query.until is not None:
        statement = statement.where(Entry.created_at < _midnight(query.until + timedelta(days=1)))
    if query.words:
        statement = statement.where(entry_matches(dialect, leader_id, query.words))
    return statement


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def _cursor(entry: Entry) -> Cursor:
    return Cursor(created_at=entry.created_at, entry_id=entry.id)
