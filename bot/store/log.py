"""The SQL of the leader's log: writing entries, reading them back by page, by leader; and
the heartbeats and answers a nudge's question is chosen from."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, bindparam, exists, func, or_, select, tuple_
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from bot.domain.heartbeat import LOW_IN_A_ROW
from bot.domain.history_cursor import Cursor
from bot.domain.history_filters import HistoryQuery
from bot.domain.question_bank import Asked
from bot.store.fulltext import entry_matches
from bot.store.models import Entry, EntryPerson, Nudge, TeamAsk, UTCDateTime
from bot.store.team_asks import entries_with_answer_words, entries_with_named_answer


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
        entry.promise_dropped_at = None
    wanted = list(dict.fromkeys(people))
    if [person.user_id for person in entry.people] != wanted:
        entry.people.clear()
        # Flush the removals first: the same (entry, user) may be re-added below.
        Session.object_session(entry).flush()  # type: ignore[union-attr]
        entry.people.extend(
            EntryPerson(user_id=user_id, position=n) for n, user_id in enumerate(wanted)
        )


def count_entries(session: Session, leader_id: int) -> int:
    """How many entries this leader logged."""
    return session.scalar(select(func.count()).where(Entry.leader_id == leader_id)) or 0


def entries_oldest_first(session: Session, leader_id: int) -> Iterable[Entry]:
    """Every entry of this leader, oldest first."""
    return session.scalars(
        select(Entry).where(Entry.leader_id == leader_id).order_by(Entry.created_at, Entry.id)
    )


def recent_entries(session: Session, leader_id: int, limit: int) -> list[Entry]:
    """The leader's latest entries, newest first."""
    return list(
        session.scalars(
            select(Entry)
            .where(Entry.leader_id == leader_id)
            .order_by(Entry.created_at.desc(), Entry.id.desc())
            .limit(limit)
        )
    )


def heartbeats_since(
    session: Session, leader_id: int, since: datetime
) -> list[tuple[datetime, int]]:
    """(when, heartbeat) of each entry logged with a heartbeat after `since`."""
    rows = session.execute(
        select(Entry.created_at, Entry.heartbeat).where(
            Entry.leader_id == leader_id,
            Entry.created_at > since,
            Entry.heartbeat.is_not(None),
        )
    ).all()
    return [(created_at, beat) for created_at, beat in rows if beat is not None]


# -- what a nudge asks next (bot/services/todays_question.py) ---------------------------------

# Built once: they run for every nudge of the pass.
_LAST_HEARTBEATS = (
    select(Entry.heartbeat)
    .where(Entry.leader_id == bindparam("leader_id"), Entry.heartbeat.is_not(None))
    .order_by(Entry.created_at.desc(), Entry.id.desc())
    .limit(LOW_IN_A_ROW)
)


def last_heartbeats(connection: Connection, leader_id: int) -> list[int | None]:
    """The leader's latest heartbeats, newest first: as many as make a low run."""
    return list(connection.execute(_LAST_HEARTBEATS, {"leader_id": leader_id}).scalars())


@dataclass(frozen=True)
class LoggedAnswer:
    """An answer in the log, to follow up."""

    question_ref: str
    answer: str
    created_at: datetime


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


def answer_to_follow_up(
    connection: Connection, leader_id: int, since: datetime
) -> LoggedAnswer | None:
    """The latest answer since `since`, not a follow-up, neither followed up nor offered one."""
    row = connection.execute(_FOLLOW_UP, {"leader_id": leader_id, "since": since}).first()
    return LoggedAnswer(row.question_ref, row.answer, row.created_at) if row else None


# -- history, by page ---------------------------------------------------------------------------


def history_rows(
    session: Session,
    leader_id: int,
    query: HistoryQuery,
    older_than: Cursor | None,
    newer_than: Cursor | None,
    page_size: int,
    minimum: int,
) -> tuple[list[Entry], bool, bool]:
    """A page of the leader's entries matching `query`, newest first, by keyset on
    (created_at, id); and whether there are older ones and newer ones.

    Unfiltered, only conversations (no follow-ups); filtered, every matching entry.
    """
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
        return rows[:page_size][::-1], True, len(rows) > page_size
    statement = base
    if older_than is not None:
        statement = statement.where(position < (older_than.created_at, older_than.entry_id))
    rows = list(
        session.scalars(
            statement.order_by(Entry.created_at.desc(), Entry.id.desc()).limit(page_size + 1)
        )
    )
    return rows[:page_size], len(rows) > page_size, older_than is not None


def follow_ups_of(session: Session, leader_id: int, parent_ids: Collection[int]) -> list[Entry]:
    """The leader's follow-ups to these entries, oldest first."""
    return list(
        session.scalars(
            select(Entry)
            .where(Entry.leader_id == leader_id, Entry.parent_id.in_(parent_ids))
            .order_by(Entry.created_at, Entry.id)
        )
    )


def _filtered(
    statement: Select[Any], query: HistoryQuery, leader_id: int, dialect: str, minimum: int
) -> Select[Any]:
    if query.habit is not None:
        statement = statement.where(Entry.habit == query.habit.value)
    if query.from_team:
        statement = statement.where(Entry.id.in_(select(TeamAsk.entry_id)))
    if query.channel:
        asked_there = select(TeamAsk.entry_id).where(
            TeamAsk.leader_id == leader_id, TeamAsk.channel_id == query.channel
        )
        statement = statement.where(Entry.id.in_(asked_there))
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


def is_team_asked(session: Session, entry_id: int) -> bool:
    """Whether entry `entry_id` is a question asked of the team in Slack."""
    return session.scalar(select(exists().where(TeamAsk.entry_id == entry_id))) or False
