"""Word search over a leader's entries: PostgreSQL full-text search on a GIN index, SQLite FTS5.

Both backends read a search the same way: every word must match, and a word matches any word
that starts with it (`hir` finds "hiring"), ignoring case. No stemming and no stop words: a
team writes in its own language, and "simple" tokenising treats every language alike.
Migration 0007 builds what these queries use; the models do not describe it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, column, false, func, literal_column, select, table
from sqlalchemy.dialects.postgresql import TSVECTOR

from bot.domain.history_filters import searchable_words
from bot.store.models import Entry

# PostgreSQL: a generated tsvector column of each entry's words, prefixed with its leader's
# id so the GIN index keeps leaders apart, and entry_search_query(leader, words) turning
# typed words into a query for one leader's words.
POSTGRES_COLUMN = "search_document"
POSTGRES_INDEX = "ix_entries_search"
# SQLite: an external-content FTS5 table over entries, kept current by triggers.
SQLITE_TABLE = "entries_search"


def sqlite_query(words: list[str]) -> str:
    """An FTS5 query: each word a quoted string (so operators stay plain text) whose last
    token is a prefix; words are ANDed."""
    return " ".join('"' + word.replace('"', '""') + '"*' for word in words)


def entry_matches(dialect: str, leader_id: int, words: str) -> ColumnElement[bool]:
    """This leader's entries with all these words in question, answer, promise or outcome."""
    searchable = searchable_words(words)
    if not searchable:
        return false()
    if dialect == "postgresql":
        document = literal_column(f"entries.{POSTGRES_COLUMN}", type_=TSVECTOR)
        # A scalar subquery, so PostgreSQL runs the function once per search: as a bare
        # call, a plan that filters the leader's rows ran it once per row (130 µs each).
        query = select(func.entry_search_query(leader_id, " ".join(searchable)))
        return and_(Entry.leader_id == leader_id, document.bool_op("@@")(query.scalar_subquery()))
    index = table(SQLITE_TABLE, column("rowid"))
    matching = select(index.c.rowid).where(
        literal_column(SQLITE_TABLE).op("MATCH")(sqlite_query(searchable))
    )
    return and_(Entry.leader_id == leader_id, Entry.id.in_(matching))


def include_object(
    _object: Any, name: str | None, type_: str, _reflected: bool, _compare_to: Any
) -> bool:
    """For Alembic's comparison: the search index and table are the migration's, not models'."""
    if type_ == "table":
        return not (name or "").startswith(SQLITE_TABLE)
    return name not in {POSTGRES_INDEX, POSTGRES_COLUMN}
