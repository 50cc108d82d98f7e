"""Who a use case acts for, and the one transaction it works in.

Listeners get one `Context` per request from the caller middleware and hand it to a use
case. The use case opens its transaction through the context (`ctx.connection()` or
`ctx.transaction()`); a use case it calls joins that transaction instead of opening its own,
so a request costs one transaction, and the caller's leader row is looked up once and kept.
Tests and the CLI (`ask-team export`) build one directly.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from bot.domain.question_bank import QuestionBank
from bot.services.deps import Deps
from bot.services.workspace_bank import bank_with
from bot.store.driver_sql import Statements
from bot.store.leaders import find_leader_id, leader_id_for


@dataclass(frozen=True)
class Caller:
    """A Slack user in a workspace, from Slack's signed request, never from a value a client
    could tamper with."""

    team_id: str
    user_id: str


class DoomedTransactionError(RuntimeError):
    """A joined use case failed and its caller carried on: the transaction is rolled back."""


class NestedWriteError(RuntimeError):
    """A use case opened a transaction where it cannot: one that writes inside a read-only one
    (open the outer one to write), or any inside plain statements."""


@dataclass
class _Work:
    """The open transaction of a context's use case, and what it found once."""

    connection: Connection | None = None
    session: Session | None = None
    writes: bool = False
    durable: bool = True
    leader_id: int | None = None
    doomed: bool = False
    # A transaction of plain statements is open (Context.statements): it has no Connection
    # to join, and on SQLite a second transaction would wait for its write lock for ever.
    plain: bool = False

    def join(self, *, writes: bool, durable: bool) -> None:
        if writes and not self.writes:
            # On SQLite a read transaction cannot safely start writing (SQLITE_BUSY_SNAPSHOT).
            raise NestedWriteError("a use case that writes ran inside a read-only one")
        if durable and not self.durable and self.connection is not None:
            if self.connection.dialect.name == "postgresql":
                self.connection.exec_driver_sql("SET LOCAL synchronous_commit TO ON")
            self.durable = True

    @contextmanager
    def failing_dooms(self) -> Iterator[None]:
        """A joined use case that fails dooms the whole transaction, even if its caller goes on:
        what it wrote before failing must not be committed."""
        try:
            yield
        except BaseException:
            self.doomed = True
            raise

    def refuse_inside_plain(self) -> None:
        """Raise rather than open a second transaction inside plain statements."""
        if self.plain:
            raise NestedWriteError("a use case opened a transaction inside plain statements")

    def refuse_if_doomed(self) -> None:
        """Raise rather than commit a transaction a joined use case failed in."""
        if self.doomed:
            raise DoomedTransactionError("a use case failed inside this transaction")

    def forget(self) -> None:
        # A rolled-back transaction may have created the leader row it found.
        self.connection = self.session = None
        self.leader_id = None
        self.doomed = False


@dataclass(frozen=True)
class Context:
    deps: Deps
    caller: Caller
    now: datetime
    _work: _Work = field(default_factory=_Work, init=False, repr=False, compare=False)

    @property
    def team_id(self) -> str:
        return self.caller.team_id

    @property
    def user_id(self) -> str:
        return self.caller.user_id

    @contextmanager
    def statements(self, *, durable: bool = True) -> Iterator[Statements]:
        """The use case's transaction for plain statements (store/driver_sql.py): the caller's
        joined, or opened on the driver's connection, which costs less than SQLAlchemy's. It
        writes, and no use case may open a transaction of its own inside it."""
        work = self._work
        if work.connection is not None:
            with self.connection(durable=durable) as joined:
                yield joined
            return
        work.refuse_inside_plain()
        try:
            with self.deps.database.driver_connection(durable=durable) as connection:
                work.plain = True
                yield connection
        except BaseException:
            work.forget()
            raise
        finally:
            work.plain = False

    @contextmanager
    def connection(self, *, writes: bool = True, durable: bool = True) -> Iterator[Connection]:
        """The use case's transaction as a Core connection: opened here, or the caller's joined.

        `writes` and `durable` are `Database.connection`'s; a joined transaction must already
        write if this one does.
        """
        work = self._work
        if work.connection is not None:
            work.join(writes=writes, durable=durable)
            with work.failing_dooms():
                yield work.connection
            return
        work.refuse_inside_plain()
        try:
            with self.deps.database.connection(writes=writes, durable=durable) as connection:
                work.connection, work.writes, work.durable = connection, writes, durable
                yield connection
                work.refuse_if_doomed()
        except BaseException:
            work.forget()
            raise
        finally:
            # Committed: the leader row found stays true for the rest of the request.
            work.connection = work.session = None

    @contextmanager
    def transaction(self, *, writes: bool = True) -> Iterator[Session]:
        """The use case's transaction as an ORM session: opened here, or the caller's joined."""
        work = self._work
        if work.session is not None:
            work.join(writes=writes, durable=True)
            with work.failing_dooms():
                yield work.session
        elif work.connection is not None:
            work.join(writes=writes, durable=True)
            with work.failing_dooms():
                yield from self._session_on(work.connection)
        else:
            work.refuse_inside_plain()
            try:
                with self.deps.database.transaction(writes=writes) as session:
                    work.session, work.writes, work.durable = session, writes, True
                    work.connection = session.connection()
                    yield session
                    work.refuse_if_doomed()
            except BaseException:
                work.forget()
                raise
            finally:
                work.connection = work.session = None

    def _session_on(self, connection: Connection) -> Iterator[Session]:
        # Inside a Core use case: the session shares its transaction and never commits it.
        with Session(
            bind=connection, join_transaction_mode="rollback_only", expire_on_commit=False
        ) as session:
            self._work.session = session
            try:
                yield session
                session.flush()
            finally:
                self._work.session = None

    def forget_leader(self) -> None:
        """The caller's leader row was deleted: look it up afresh if asked again."""
        self._work.leader_id = None

    def leader_id(self, connection: Statements) -> int | None:
        """The caller's leader row, if they have used the bot before; looked up once."""
        if self._work.leader_id is None:
            self._work.leader_id = find_leader_id(
                connection, self.caller.team_id, self.caller.user_id
            )
        return self._work.leader_id

    def ensure_leader_id(self, connection: Statements, found: int | None = None) -> int:
        """The caller's leader row, created on first use; looked up once.

        `found` is the id a statement of the use case has just read along with other things
        (store.question_views.rotation_start), which spares looking it up again."""
        if self._work.leader_id is None:
            self._work.leader_id = (
                found
                if found is not None
                else leader_id_for(connection, self.caller.team_id, self.caller.user_id, self.now)
            )
        return self._work.leader_id

    def bank(self, connection: Connection) -> QuestionBank:
        """The question bank as the caller's workspace sees it."""
        return self.deps.bank_for(connection, self.caller.team_id)

    def bank_with(self, own_questions: tuple[tuple[int, str, str], ...]) -> QuestionBank:
        """The question bank as the caller's workspace sees it, from its own questions already
        read in this transaction (rows as store.custom_questions.question_rows reads them)."""
        return bank_with(self.deps.bank, own_questions)
