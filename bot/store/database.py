"""Engine and sessions: one `Database` per process, one session per request or job."""

from __future__ import annotations

import logging
import os
import threading
import weakref

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: threads are still ordered, processes not
    fcntl = None  # type: ignore[assignment]
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, make_url, text
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import PoolProxiedConnection

# Execution option telling our SQLite BEGIN hook whether the transaction will write.
_WRITES = "ask_team_writes"
# Execution option of a connection that runs single statements in autocommit: no transaction.
SINGLE_STATEMENTS = "ask_team_single_statements"
logger = logging.getLogger(__name__)


class DatabaseUnavailableError(RuntimeError):
    """The database cannot be opened; the one-line message names DATABASE_URL and the fix."""

    def naming(self, setting: str) -> DatabaseUnavailableError:
        """The same message naming `setting` instead, where the URL came from somewhere else
        (the playground's `--database-url`): it should name what the user actually gave."""
        return DatabaseUnavailableError(str(self).replace("DATABASE_URL", setting))


@dataclass(frozen=True)
class DriverConnection:
    """The driver's connection inside a transaction of `Database.driver_connection`, with its
    dialect: what plain statements (store/driver_sql.py) need, and no more."""

    connection: PoolProxiedConnection
    dialect: Dialect


class Database:
    """Owns the engine and hands out transactional sessions."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.engine: Engine = create_engine(
            url,
            echo=echo,
            pool_pre_ping=not is_sqlite(url),
            # A failed statement's parameters are what a team said: keep them out of errors.
            hide_parameters=True,
        )
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # The engine with `_WRITES` set each way, made once: they share its pool and its event
        # listeners (those added later too), and spare setting the option on every connection.
        self._engines = {
            writes: self.engine.execution_options(**{_WRITES: writes}) for writes in (True, False)
        }
        self._write_lock: SqliteWriteLock | None = None
        # Replaced, never changed in place: a request thread may be going through it.
        self._watchers: tuple[Callable[[], None], ...] = ()
        if is_sqlite(url):
            event.listen(self.engine, "connect", _tune_sqlite)
            event.listen(self.engine, "begin", _begin_sqlite)
            self._write_lock = SqliteWriteLock(self.engine.url.database)
        _forget_connections_in_children(self)

    @property
    def is_sqlite(self) -> bool:
        return is_sqlite(self.url)

    @contextmanager
    def transaction(self, *, writes: bool = True) -> Iterator[Session]:
        """An ORM session inside one transaction: committed on success, rolled back on error.

        Pass `writes=False` for read-only work: on SQLite it then does not take the write lock.
        """
        with self._guard(writes), self._sessions() as session, session.begin():
            session.connection(execution_options={_WRITES: writes})
            yield session

    @contextmanager
    def connection(self, *, writes: bool = True, durable: bool = True) -> Iterator[Connection]:
        """A Core connection inside one transaction, for hot paths: about half the cost of a
        session for a handful of statements.

        `durable=False` is for state that may be lost in a crash without harm (which questions
        a leader was shown): PostgreSQL then commits without waiting for its WAL flush.
        """
        with (
            self._guard(writes),
            self._engines[writes].connect() as connection,
            connection.begin(),
        ):
            if not durable and not self.is_sqlite:
                connection.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
            yield connection

    @contextmanager
    def driver_connection(self, *, durable: bool = True) -> Iterator[DriverConnection]:
        """A write transaction on the driver's connection itself, for a use case of a few plain
        statements before an acknowledgement (`/ask-team`): SQLAlchemy's connection and
        transaction objects cost more than such statements do (bench/ack.py).

        Committed on success, rolled back on error; `durable` is `connection`'s.
        """
        with self._guard(True):
            raw = self.engine.raw_connection()
            try:
                for watcher in self._watchers:
                    watcher()
                if self.is_sqlite:
                    raw.driver_connection.execute("BEGIN IMMEDIATE")  # type: ignore[union-attr]
                elif not durable:
                    # psycopg begins a transaction with the first statement.
                    cursor = raw.cursor()
                    cursor.execute("SET LOCAL synchronous_commit TO OFF")
                    cursor.close()
                yield DriverConnection(raw, self.engine.dialect)
                raw.commit()
            except BaseException as error:
                self._end_failed(raw, error)
                raise
            finally:
                raw.close()

    def _end_failed(self, raw: PoolProxiedConnection, error: BaseException) -> None:
        # As SQLAlchemy's own connection does: a connection the server dropped is thrown away,
        # not handed to the next request from the pool.
        dbapi = self.engine.dialect.loaded_dbapi
        if isinstance(error, dbapi.Error) and self.engine.dialect.is_disconnect(
            error, raw.dbapi_connection, None
        ):
            raw.invalidate(error)
            return
        try:
            raw.rollback()
        except dbapi.Error:
            raw.invalidate()

    def watch_transactions(self, on_begin: Callable[[], None]) -> Callable[[], None]:
        """Call `on_begin` as each transaction begins, SQLAlchemy's or the driver's; returns
        what stops it. Single statements in autocommit (`single_read`) are not transactions."""

        def on_sqlalchemy_begin(connection: Connection) -> None:
            if not connection.get_execution_options().get(SINGLE_STATEMENTS):
                on_begin()

        event.listen(self.engine, "begin", on_sqlalchemy_begin)
        self._watchers = (*self._watchers, on_begin)

        def stop() -> None:
            if event.contains(self.engine, "begin", on_sqlalchemy_begin):
                event.remove(self.engine, "begin", on_sqlalchemy_begin)
                self._watchers = tuple(w for w in self._watchers if w is not on_begin)

        return stop

    @contextmanager
    def single_read(self) -> Iterator[Connection]:
        """A connection for one read statement, in autocommit: no BEGIN or COMMIT, no write lock.

        For a lookup on every request (a workspace's install) that must not add a transaction
        to the one the request's use case opens: a single SELECT is atomic by itself.
        """
        options: dict[str, Any] = {SINGLE_STATEMENTS: True}
        if not self.is_sqlite:
            options["isolation_level"] = "AUTOCOMMIT"
        with self.engine.connect().execution_options(**options) as connection:
            yield connection

    def _guard(self, writes: bool) -> AbstractContextManager[Any]:
        return self._write_lock if writes and self._write_lock is not None else nullcontext()

    def is_usable(self) -> bool:
        """True when a statement can run now (readiness checks); never raises."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except (SQLAlchemyError, OSError) as error:
            logger.warning("database not usable: %s", type(error).__name__)
            return False
        return True

    def check_reachable(self) -> None:
        """Open one connection now, or raise `DatabaseUnavailableError` saying what to fix.

        Called once at the start of a command, so a wrong DATABASE_URL is one line instead of
        whichever statement happened to connect first failing with a driver traceback.
        """
        if self.is_sqlite:
            _check_sqlite_directory(self.engine.url.database)
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except (SQLAlchemyError, OSError) as error:
            raise DatabaseUnavailableError(self._unavailable(error)) from None

    def _unavailable(self, error: BaseException) -> str:
        url = self.engine.url
        # The driver's own words, first line only: libpq adds hints on later lines.
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        reason = reason.rsplit(" failed: ", 1)[-1].replace("FATAL:  ", "").strip()
        if self.is_sqlite:
            return (
                f"DATABASE_URL: cannot open the SQLite file {url.database} ({reason}); "
                "check that its directory is writable, or point DATABASE_URL elsewhere."
            )
        server = f"{url.host or 'localhost'}:{url.port or 5432}"
        # libpq's wording (the server's FATAL line); it has no SQLSTATE for connection errors.
        if reason.startswith('database "') and reason.endswith("does not exist"):
            return (
                f"DATABASE_URL: the PostgreSQL server at {server} has no database "
                f"{url.database!r}; create it (createdb {url.database}) or fix the name "
                "at the end of DATABASE_URL."
            )
        if reason.startswith('role "') or "password" in reason or "authentication" in reason:
            return (
                f"DATABASE_URL: the PostgreSQL server at {server} refused user "
                f"{url.username!r} ({reason}); fix the user or password in DATABASE_URL."
            )
        return (
            f"DATABASE_URL: cannot reach PostgreSQL at {server} ({reason}); start the "
            "database, or fix the host and port in DATABASE_URL."
        )

    def dispose(self) -> None:
        """Close every pooled connection and the writer lock file of this process."""
        self.engine.dispose()
        if self._write_lock is not None:
            self._write_lock.close()


def _forget_connections_in_children(database: Database) -> None:
    """Give a forked child an empty pool instead of the parent's live connections.

    A SQLite connection used, or even closed, in a child after the parent opened it breaks
    SQLite's POSIX locks: the child's close can checkpoint and delete the WAL under the
    processes still writing (lost commits, "database disk image is malformed"). A
    PostgreSQL socket shared by two processes interleaves their protocol. SQLAlchemy's
    pooling guide prescribes `dispose(close=False)` in the child: the parent keeps its
    connections, the child opens its own.
    """
    reference = weakref.ref(database)

    def in_child() -> None:
        child = reference()
        if child is not None:
            child.engine.dispose(close=False)
            if child._write_lock is not None:
                child._write_lock.forget()

    os.register_at_fork(after_in_child=in_child)


class SqliteWriteLock:
    """Queues SQLite writers, across threads and processes, on locks that wake them at once.

    SQLite allows one writer at a time, and a writer that finds the database busy sleeps in
    steps of 1, 2, 5, 10… up to 100 ms before trying again. Under load those sleeps, not the
    work, set the tail latency. A thread lock orders this process's writers; an flock on a
    file beside the database orders processes (gunicorn workers); the kernel wakes the next
    waiter as soon as the lock is free.
    """

    def __init__(self, database_path: str | None) -> None:
        self._threads = threading.Lock()
        self._path = (
            f"{database_path}.write-lock"
            if database_path and database_path != ":memory:" and fcntl is not None
            else None
        )
        # Opened on first use, in the process that writes: an flock belongs to the open file,
        # so a file inherited across fork would let parent and child hold "one" lock at once.
        self._file: Any = None

    def __enter__(self) -> None:
        self._threads.acquire()
        if self._path is not None:
            try:
                if self._file is None:
                    self._file = open(self._path, "a+b")
                fcntl.flock(self._file.fileno(), fcntl.LOCK_EX)
            except BaseException:
                self._threads.release()
                raise

    def __exit__(self, *_exc: object) -> None:
        if self._file is not None:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
        self._threads.release()

    def close(self) -> None:
        """Close the lock file; the next writer opens it again."""
        with self._threads:
            if self._file is not None:
                self._file.close()
                self._file = None

    def forget(self) -> None:
        """In a forked child: drop the parent's file without unlocking it, start afresh."""
        self._threads = threading.Lock()
        self._file = None


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def is_in_memory(url: str) -> bool:
    """True for SQLite URLs whose database lives only as long as the process."""
    if not is_sqlite(url):
        return False
    parsed = make_url(url)
    name = parsed.database or ""
    return name in ("", ":memory:") or "mode=memory" in name or parsed.query.get("mode") == "memory"


def _check_sqlite_directory(path: str | None) -> None:
    # SQLite only says "unable to open database file", and the writer lock beside the file
    # fails with a FileNotFoundError: neither says that it is the directory that is missing.
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    directory = Path(path).absolute().parent
    if not directory.is_dir():
        raise DatabaseUnavailableError(
            f"DATABASE_URL: the directory {directory} for the SQLite file does not exist; "
            "create it, or point DATABASE_URL at a file in an existing directory."
        )


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" hook issue BEGIN itself (pysqlite's own handling defers it).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # WAL lets readers work while one writer writes; NORMAL sync is safe with WAL and keeps a
    # commit well under a millisecond; SQLite leaves foreign keys off unless asked.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _begin_sqlite(connection: Connection) -> None:
    # A deferred transaction that reads, then writes, fails at once with SQLITE_BUSY if
    # another writer committed in between; IMMEDIATE takes the write lock up front instead.
    options = connection.get_execution_options()
    if options.get(SINGLE_STATEMENTS):
        return  # pysqlite runs each statement in autocommit unless we BEGIN (_tune_sqlite)
    # Straight to the driver: every request begins a transaction, and going through
    # SQLAlchemy's statement machinery for a bare BEGIN cost a third of the transaction's time.
    begin = "BEGIN IMMEDIATE" if options.get(_WRITES, True) else "BEGIN"
    connection.connection.driver_connection.execute(begin)  # type: ignore[union-attr]
