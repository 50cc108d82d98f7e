"""Word search on the database's own full-text index: PostgreSQL GIN, SQLite FTS5.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26

The SQL is written out here rather than imported from bot.store.fulltext: a migration is a
record of what was built, and must not change when the code does. A test checks that the
queries in bot.store.fulltext use what this builds.

SQLite: the triggers live on `entries`. A later batch migration of `entries` rebuilds the
table and drops them, so such a migration must create them again (see _SQLITE_TRIGGERS).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQLITE_TRIGGERS = (
    """CREATE TRIGGER entries_search_insert AFTER INSERT ON entries BEGIN
        INSERT INTO entries_search (rowid, question_text, answer, promise, promise_outcome)
        VALUES (new.id, new.question_text, new.answer, new.promise, new.promise_outcome);
    END""",
    # An external-content FTS5 table forgets a row by being told exactly what it indexed.
    """CREATE TRIGGER entries_search_delete AFTER DELETE ON entries BEGIN
        INSERT INTO entries_search
            (entries_search, rowid, question_text, answer, promise, promise_outcome)
        VALUES ('delete', old.id, old.question_text, old.answer, old.promise,
            old.promise_outcome);
    END""",
    """CREATE TRIGGER entries_search_update
    AFTER UPDATE OF question_text, answer, promise, promise_outcome ON entries BEGIN
        INSERT INTO entries_search
            (entries_search, rowid, question_text, answer, promise, promise_outcome)
        VALUES ('delete', old.id, old.question_text, old.answer, old.promise,
            old.promise_outcome);
        INSERT INTO entries_search (rowid, question_text, answer, promise, promise_outcome)
        VALUES (new.id, new.question_text, new.answer, new.promise, new.promise_outcome);
    END""",
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # Stored, so a search that reads a leader's rows one by one need not parse each
        # text again; generated, so no code path can forget to keep it current.
        op.execute(
            "ALTER TABLE entries ADD COLUMN search_document tsvector GENERATED ALWAYS AS ("
            "to_tsvector('simple'::regconfig, question_text || ' ' || answer || ' ' "
            "|| coalesce(promise, '') || ' ' || coalesce(promise_outcome, ''))) STORED"
        )
        op.execute("CREATE INDEX ix_entries_search ON entries USING gin (search_document)")
        return
    # remove_diacritics 0: "cafe" does not find "café", as on PostgreSQL's simple config.
    op.execute(
        "CREATE VIRTUAL TABLE entries_search USING fts5("
        "question_text, answer, promise, promise_outcome, content='entries', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 0')"
    )
    for trigger in _SQLITE_TRIGGERS:
        op.execute(trigger)
    op.execute("INSERT INTO entries_search (entries_search) VALUES ('rebuild')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_entries_search")
        op.execute("ALTER TABLE entries DROP COLUMN search_document")
        return
    for action in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER entries_search_{action}")
    op.execute("DROP TABLE entries_search")
