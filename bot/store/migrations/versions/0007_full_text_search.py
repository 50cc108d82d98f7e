"""Word search on the database's own full-text index: PostgreSQL GIN, SQLite FTS5.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26

The SQL is written out here rather than imported from bot.store.fulltext: a migration is a
record of what was built, and must not change when the code does. Tests check that the
queries in bot.store.fulltext use what this builds.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# PostgreSQL. Each word of an entry is stored as "<leader id>:<word>", so the GIN index keeps
# every leader's words apart: a search reads only its own leader's postings, never those of
# the 100,000 entries of all leaders that mention "budget". A stored generated column:
# computed once per write, and no code path can forget to keep it current.
_POSTGRES = (
    r"""CREATE FUNCTION entry_search_document(
        leader integer, question text, answer text, promise text, outcome text
    ) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT array_to_tsvector(ARRAY(
            SELECT leader::text || ':' || word.lexeme
            FROM unnest(to_tsvector('simple'::regconfig, question || ' ' || answer || ' '
                || coalesce(promise, '') || ' ' || coalesce(outcome, ''))) AS word
        ))
    $$""",
    # The words a leader typed, split exactly as documents are, each a prefix, all required.
    # Immutable: given constants, the planner folds it to a constant tsquery and estimates
    # from the column's statistics. No lexemes (nothing searchable) gives NULL: no match.
    r"""CREATE FUNCTION entry_search_query(leader integer, words text)
    RETURNS tsquery LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT string_agg(
            '''' || replace(replace(leader::text || ':' || lexeme, '\', '\\'), '''', '''''')
                || ''':*',
            ' & '
        )::tsquery
        FROM unnest(tsvector_to_array(to_tsvector('simple'::regconfig, words))) AS lexeme
    $$""",
    "ALTER TABLE entries ADD COLUMN search_document tsvector GENERATED ALWAYS AS ("
    "entry_search_document(leader_id, question_text, answer, promise, promise_outcome)) STORED",
    "CREATE INDEX ix_entries_search ON entries USING gin (search_document)",
)

# SQLite: an external-content FTS5 table over entries, kept current by triggers. A later
# batch migration of `entries` rebuilds the table and drops the triggers, so such a
# migration must create them again.
_SQLITE = (
    # remove_diacritics 0: "cafe" does not find "café", as on PostgreSQL's simple config.
    "CREATE VIRTUAL TABLE entries_search USING fts5("
    "question_text, answer, promise, promise_outcome, content='entries', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
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
    # Entries logged before this migration.
    "INSERT INTO entries_search (entries_search) VALUES ('rebuild')",
)


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in _POSTGRES if postgres else _SQLITE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_entries_search")
        op.execute("ALTER TABLE entries DROP COLUMN search_document")
        op.execute("DROP FUNCTION entry_search_query(integer, text)")
        op.execute("DROP FUNCTION entry_search_document(integer, text, text, text, text)")
        return
    for action in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER entries_search_{action}")
    op.execute("DROP TABLE entries_search")
