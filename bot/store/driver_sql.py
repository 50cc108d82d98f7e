"""Plain SQL on the driver's own cursor, for the statements on an acknowledgement's path.

Building SQLAlchemy statements, results and rows for a handful of small statements cost more
than running them (bench/ack.py). These run on a SQLAlchemy `Connection` inside a use case's
transaction, or on a `DriverConnection` (store/database.py) that skips SQLAlchemy's own
transaction too. In the SQL, `{}` marks a parameter: it becomes the driver's placeholder.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cache, lru_cache
from typing import Any, Protocol

from sqlalchemy.engine import Dialect
from sqlalchemy.pool import PoolProxiedConnection

from bot.store.models import UTCDateTime


class Statements(Protocol):
    """Where plain statements run: a SQLAlchemy `Connection`, or a `DriverConnection`."""

    @property
    def connection(self) -> PoolProxiedConnection: ...

    @property
    def dialect(self) -> Dialect: ...


def fetch(on: Statements, sql: str, *params: object) -> list[Any]:
    """The rows of one query."""
    cursor = on.connection.cursor()
    try:
        cursor.execute(driver_sql(sql, on.dialect.paramstyle), params)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def run(on: Statements, *statements: tuple[str, tuple[object, ...]]) -> None:
    """Run (sql, parameters) statements in order, on one cursor."""
    cursor = on.connection.cursor()
    try:
        for sql, params in statements:
            cursor.execute(driver_sql(sql, on.dialect.paramstyle), params)
    finally:
        cursor.close()


def stored_time(on: Statements) -> Callable[[datetime], Any]:
    """How a time column stores a time on this dialect (naive UTC; text on SQLite), as
    SQLAlchemy would bind it."""
    return _time_processor(on.dialect)


@lru_cache(maxsize=16)
def _time_processor(dialect: Dialect) -> Callable[[datetime], Any]:
    # The dialect's own implementation: on SQLite it writes the text SQLAlchemy writes
    # ("… 09:00:00.000000"), which the generic type leaves to sqlite3 ("… 09:00:00"), and
    # times are compared as text there.
    processor = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)
    return processor or (lambda value: value)


@cache
def driver_sql(sql: str, paramstyle: str) -> str:
    """`sql` with the driver's placeholder for each `{}`: `?` for SQLite, `%s` for psycopg."""
    return sql.replace("{}", "?" if paramstyle == "qmark" else "%s")
