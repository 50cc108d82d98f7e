"""Word search over logged entries: PostgreSQL full-text search on a GIN index, SQLite FTS5.

Both backends read a search the same way: every word must match, and a word matches any word
that starts with it (`hir` finds "hiring"), ignoring case. No stemming and no stop words: a
team writes in its own language, and "simple" tokenising treats every language alike.
Migration 0007 builds what these queries use; neither is described by the models.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, column, false, func, literal_column, select, table
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.engine import Connection

from bot.store.models import Entry

# A tsvector column PostgreSQL computes from the question, answer, promise and outcome, with
# a GIN index on it (migration 0007).
POSTGRES_COLUMN = "search_document"
POSTGRES_INDEX = "ix_entries_search"
# An external-content FTS5 table over entries, kept current by triggers (migration 0007).
SQLITE_TABLE = "entries_search"

# A word with no letter or digit in it (`%`, `--`) has nothing to search for.
_SEARCHABLE = re.compile(r"[^\W_]")


def searchable_words(words: str) -> list[str]:
    """The words of a search that can match something, in the order typed."""
    return [word for word in words.split() if _SEARCHABLE.search(word)]


def postgres_query(words: list[str]) -> str:
    """A `to_tsquery` text: each word quoted, so operators typed by a leader stay plain text.

    Inside quotes PostgreSQL still splits a word the way it splits the document (`e-mail`,
    `don't`), so both sides agree on what a word is.
    """
    quoted = ("'" + word.replace("\\", "\\\\").replace("'", "''") + "':*" for word in words)
    return " & ".join(quoted)


def sqlite_query(words: list[str]) -> str:
    """An FTS5 query: each word a quoted string, its last token a prefix; words are ANDed."""
    return " ".join('"' + word.replace('"', '""') + '"*' for word in words)


def entry_matches(dialect: str, words: str) -> ColumnElement[bool]:
    """A condition on `Entry`: its question, answer, promise or outcome has all these words."""
    searchable = searchable_words(words)
    if not searchable:
        return false()
    if dialect == "postgresql":
        document = literal_column(f"entries.{POSTGRES_COLUMN}", type_=TSVECTOR)
        query = func.to_tsquery(literal_column("'simple'::regconfig"), postgres_query(searchable))
        return document.bool_op("@@")(query)
    index = table(SQLITE_TABLE, column("rowid"))
    matching = select(index.c.rowid).where(
        literal_column(SQLITE_TABLE).op("MATCH")(sqlite_query(searchable))
    )
    return Entry.id.in_(matching)


def plan_for_these_words(connection: Connection) -> None:
    """Have PostgreSQL plan this transaction's search for its own words and leader.

    After five runs of a statement the driver prepares it, and PostgreSQL may then reuse one
    generic plan for every leader and every word. That plan walks the leader's entries
    newest first, which suits a 500-entry log and a common word, and reads all 100,000
    entries of a big log for a word it never finds (300 ms, against 48 ms on the index).
    """
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET LOCAL plan_cache_mode = force_custom_plan")


def include_object(
    _object: Any, name: str | None, type_: str, _reflected: bool, _compare_to: Any
) -> bool:
    """For Alembic's comparison: the search index and table are the migration's, not models'."""
    if type_ == "table":
        return not (name or "").startswith(SQLITE_TABLE)
    return name not in {POSTGRES_INDEX, POSTGRES_COLUMN}
