"""Alembic, driven from code: upgrade the schema and tell whether a database is current."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from bot.store.database import Database

# "package:resource": Alembic finds the scripts through importlib.resources, so an installed
# wheel (they are package data, see pyproject.toml) migrates from any working directory.
SCRIPT_LOCATION = "bot.store:migrations"


def alembic_config(database: Database) -> Config:
    """An Alembic config that runs on this database's engine (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.set_main_option("sqlalchemy.url", database.url.replace("%", "%%"))
    config.attributes["engine"] = database.engine
    return config


def upgrade(database: Database, revision: str = "head") -> None:
    """Bring the schema up to `revision`."""
    command.upgrade(alembic_config(database), revision)


def head_revision(database: Database) -> str | None:
    return ScriptDirectory.from_config(alembic_config(database)).get_current_head()


def current_revision(database: Database) -> str | None:
    with database.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def is_empty(database: Database) -> bool:
    """True when the database has no tables at all (a fresh file or schema)."""
    return not inspect(database.engine).get_table_names()


def is_current(database: Database) -> bool:
    return current_revision(database) == head_revision(database)
