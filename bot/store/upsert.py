"""Dialect-aware INSERT … ON CONFLICT, the same call on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.sql.dml import Insert


def insert_for_dialect(dialect: str, table: Any) -> Any:
    """The dialect's own `insert`, which knows `on_conflict_do_*`."""
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"no upsert for {dialect}")


def insert_ignoring_conflict(
    connection: Connection, table: Table, values: Mapping[str, Any], conflict: Sequence[str]
) -> None:
    """Insert a row unless one with the same `conflict` columns exists."""
    statement: Insert = insert_for_dialect(connection.dialect.name, table).values(**values)
    connection.execute(statement.on_conflict_do_nothing(index_elements=list(conflict)))  # type: ignore[attr-defined]
