"""Deleting every row the bot keeps: the playground's Reset button."""

from __future__ import annotations

from bot.store.database import Database
from bot.store.models import Base


def empty_every_table(database: Database) -> None:
    """Every table emptied, children first; the schema and its migrations stay as they are."""
    with database.engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
