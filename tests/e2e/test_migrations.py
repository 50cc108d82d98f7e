"""Alembic migrations build exactly the schema the models describe, and run both ways."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import String, inspect
from sqlalchemy.types import TypeEngine

from bot.store import migrate
from bot.store.database import Database
from bot.store.fulltext import include_object
from bot.store.models import Base


def _type_differs(
    context: MigrationContext,
    _column: object,
    _metadata_column: object,
    inspected: TypeEngine[object],
    described: TypeEngine[object],
) -> bool | None:
    # SQLite ignores VARCHAR lengths, so migration 0008 widens them only on PostgreSQL.
    if context.dialect.name == "sqlite" and isinstance(inspected, String):
        return not isinstance(described, String)
    return None  # Alembic's own comparison


def test_the_migrated_schema_matches_the_models(database: Database) -> None:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": _type_differs, "include_object": include_object},
        )
        assert compare_metadata(context, Base.metadata) == []


def test_migrations_go_down_and_up_again(database: Database) -> None:
    config = migrate.alembic_config(database)

    command.downgrade(config, "base")
    assert set(inspect(database.engine).get_table_names()) <= {"alembic_version"}

    migrate.upgrade(database)
    assert migrate.is_current(database)
