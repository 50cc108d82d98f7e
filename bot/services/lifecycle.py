"""A leader's data as a whole: export it, forget it, and forget a workspace that uninstalls."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from itertools import islice

from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from bot.services.context import Context
from bot.services.deps import Deps
from bot.services.team_conversations import conversations_by_entry
from bot.store.installations import installed_at
from bot.store.leaders import forget_leader, forget_workspace, leader_id_for
from bot.store.log import count_entries, entries_oldest_first
from bot.store.models import Entry
from bot.store.processed_events import first_delivery
from bot.store.team_answers import answers_to_entries, forget_named_answers, named_answers_of

# "source": "you" for what the leader logged, "team" for a team member's own answer (asked in
# Slack). "who_answered" names the people (the leader logged them, or the team member who
# answered): Slack's names where the export could ask, else their user ids; "anonymous" for an
# anonymous answer, whose "who_answered_ids" stays empty. The promise's columns are the
# leader's entries' own: its due date, when it was done (and what was done), or dropped.
CSV_COLUMNS = (
    "entry_id",
    "logged_at_utc",
    "habit",
    "question",
    "answer",
    "who_answered",
    "who_answered_ids",
    "heartbeat",
    "promise",
    "promise_due",
    "promise_done_at_utc",
    "promise_outcome",
    "promise_dropped_at_utc",
    "follow_up_of_entry",
    "question_ref",
    "source",
)
WHO_ANSWERED = CSV_COLUMNS.index("who_answered")
ANONYMOUS = "anonymous"
# Several names in one cell: names hold spaces, and now and then a comma.
NAMES_JOINED_BY = "; "
EXPORT_BATCH = 500


# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: str) -> str:
    """The cell as text a spreadsheet shows and never evaluates (OWASP's CSV injection rule)."""
    return "'" + cell if cell.startswith(FORMULA_TRIGGERS) else cell


@dataclass(frozen=True)
class ExportRow:
    """One CSV row but its "who_answered" cell, which waits for the people's names."""

    cells: tuple[str, ...]  # every column, "who_answered" left empty
    people: tuple[str, ...]  # their user ids; none for an anonymous answer
    anonymous: bool = False


def _export_rows(session: Session, leader_id: int, minimum: int) -> Iterator[ExportRow]:
    """One row per entry the leader logged, oldest first, each followed by the team's own
    answers the leader may read."""
    entries = iter(entries_oldest_first(session, leader_id))
    while batch := list(islice(entries, EXPORT_BATCH)):
        ids = [entry.id for entry in batch]
        team = conversations_by_entry(answers_to_entries(session, ids), minimum)
        for entry in batch:
            yield _entry_row(entry)
            conversation = team.get(entry.id)
            for answer in conversation.answers if conversation else ():
                people = (answer.user_id,) if answer.user_id else ()
                yield ExportRow(
                    (
                        str(entry.id),
                        _utc(answer.at),
                        entry.habit,
                        entry.question_text,
                        answer.text,
                        "",
                        " ".join(people),
                        "" if answer.score is None else str(answer.score),
                        # No promise of their own, and no follow-up.
                        *("",) * 6,
                        entry.question_ref,
                        "team",
                    ),
                    people,
                    anonymous=not people,
                )


def _entry_row(entry: Entry) -> ExportRow:
    people = tuple(person.user_id for person in entry.people)
    return ExportRow(
        (
            str(entry.id),
            _utc(entry.created_at),
            entry.habit,
            entry.question_text,
            entry.answer,
            "",
            " ".join(people),
            "" if entry.heartbeat is None else str(entry.heartbeat),
            entry.promise or "",
            entry.promise_due.isoformat() if entry.promise_due else "",
            _utc(entry.promise_kept_at),
            entry.promise_outcome or "",
            _utc(entry.promise_dropped_at),
            "" if entry.parent_id is None else str(entry.parent_id),
            entry.question_ref,
            "you",
        ),
        people,
    )


def _utc(moment: datetime | None) -> str:
    return "" if moment is None else moment.isoformat(timespec="seconds")


def export_csv(rows: Iterable[ExportRow], names: Mapping[str, str]) -> str:
    """The rows as CSV text (RFC 4180 quoting; newlines inside answers are kept), each
    person by their name in `names`, or their user id if it has none; the header first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        cells = list(row.cells)
        cells[WHO_ANSWERED] = (
            ANONYMOUS
            if row.anonymous
            else NAMES_JOINED_BY.join(names.get(person, person) for person in row.people)
        )
        writer.writerow(spreadsheet_safe(cell) for cell in cells)
    return buffer.getvalue()


# -- use cases ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Export:
    entries: int
    rows: tuple[ExportRow, ...]  # none when there is nothing to export

    def people(self) -> list[str]:
        """Everyone the rows name, once each, in the order they first appear."""
        return list(dict.fromkeys(person for row in self.rows for person in row.people))

    def named(self, names: Mapping[str, str]) -> str:
        """The CSV, each person by their name in `names` (their user id if none)."""
        return export_csv(self.rows, names) if self.entries else ""

    @property
    def csv(self) -> str:
        """The CSV with people by user id: for whoever cannot ask Slack their names."""
        return self.named({})


def export_of(ctx: Context) -> Export:
    """The caller's log as CSV rows, and how many entries it holds."""
    with ctx.transaction(writes=False) as session:
        leader_id = ctx.leader_id(session.connection())
        entries = count_entries(session, leader_id) if leader_id is not None else 0
        rows = (
            tuple(_export_rows(session, leader_id, ctx.deps.anonymous_minimum))
            if leader_id is not None and entries
            else ()
        )
    return Export(entries, rows)


@dataclass(frozen=True)
class Kept:
    """What ask-team keeps about a person: as a leader, and as a team member."""

    entries: int
    named_answers: int


def kept_about(ctx: Context) -> Kept:
    """How many entries the caller logged, and named answers they gave."""
    with ctx.transaction(writes=False) as session:
        leader_id = ctx.leader_id(session.connection())
        entries = count_entries(session, leader_id) if leader_id is not None else 0
        return Kept(entries, named_answers_of(session, ctx.team_id, ctx.user_id))


def forget_me(ctx: Context) -> Kept:
    """Delete everything kept about the caller, their named answers included; what it was."""
    with ctx.transaction() as session:
        answers = forget_named_answers(session, ctx.team_id, ctx.user_id)
        leader_id = ctx.leader_id(session.connection())
        entries = forget_leader(session, leader_id) if leader_id is not None else 0
        ctx.forget_leader()
        return Kept(entries, answers)


def installer_becomes_leader(
    clock: Callable[[], datetime],
) -> Callable[[Connection, str, str], None]:
    """The install's hook: whoever installed the app is its workspace's first leader, kept in
    the install's own transaction (one unit of work after Slack's oauth.v2.access)."""

    def welcome(connection: Connection, team_id: str, user_id: str) -> None:
        leader_id_for(connection, team_id, user_id, clock())

    return welcome


def forget_uninstalled(
    deps: Deps, team_id: str, event_id: str, happened_at: datetime | None = None
) -> int | None:
    """Forget a workspace that removed the app; leaders forgotten, or None for a retry, or
    for news older than the workspace's latest install (it removed the app, then installed
    it again, and Slack's delivery of the removal came late)."""
    # One transaction: if forgetting fails, the delivery is not marked seen, and Slack's
    # retry forgets the workspace after all.
    with deps.database.transaction() as session:
        if not first_delivery(session.connection(), event_id, deps.clock()):
            return None
        installed = installed_at(session.connection(), team_id)
        if installed is not None and happened_at is not None and installed > happened_at:
            return None
        return forget_workspace(session, team_id)
