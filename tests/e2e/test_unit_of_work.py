"""One unit of work per use case, on a real database: a use case called inside another joins
its transaction, the two commit or roll back together, and the caller's leader row is found
once and forgotten with the leader."""

from __future__ import annotations

from contextlib import suppress
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from bot.domain.question_bank import QuestionBank
from bot.services.context import Caller, Context, DoomedTransactionError, NestedWriteError
from bot.services.deps import Deps
from bot.services.lifecycle import forget_me
from bot.services.questions import ask
from bot.store.custom_questions import add_question
from bot.store.database import Database
from bot.store.models import CustomQuestion, Leader

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
def ctx(db: Database, bank: QuestionBank) -> Context:
    return Context(Deps(database=db, bank=bank), Caller("T0TEAM", "U0LEAD"), NOW)


def add_one(ctx: Context, text: str = "What would make Mondays lighter?") -> None:
    """A use case that writes: one of the workspace's own questions."""
    with ctx.transaction() as session:
        add_question(session, ctx.team_id, "questions", text, ctx.user_id, ctx.now)


def questions_kept(db: Database) -> int:
    with db.transaction(writes=False) as session:
        return session.scalar(select(func.count()).select_from(CustomQuestion)) or 0


def test_a_use_case_called_inside_another_joins_its_transaction(ctx: Context, db: Database) -> None:
    with ctx.connection() as outer:
        add_one(ctx)
        # Seen inside, before anything is committed: the same transaction.
        assert outer.execute(select(func.count()).select_from(CustomQuestion)).scalar() == 1

    assert questions_kept(db) == 1


def test_a_write_inside_a_read_only_use_case_is_refused_and_nothing_is_kept(
    ctx: Context, db: Database
) -> None:
    with pytest.raises(NestedWriteError), ctx.transaction(writes=False):
        add_one(ctx)

    assert questions_kept(db) == 0


def test_a_joined_use_case_that_fails_rolls_back_its_caller_even_if_the_caller_goes_on(
    ctx: Context, db: Database
) -> None:
    def fails_after_writing() -> None:
        with ctx.transaction():
            add_one(ctx)
            raise ValueError("the second half of the use case fails")

    def swallows_the_failure() -> None:
        with ctx.transaction():
            add_one(ctx, "What should we stop doing?")
            # A caller that goes on after the failure must not commit half of it.
            with suppress(ValueError):
                fails_after_writing()

    with pytest.raises(DoomedTransactionError):
        swallows_the_failure()

    assert questions_kept(db) == 0


def test_the_leader_row_is_found_once_and_forgotten_with_the_leader(
    ctx: Context, db: Database
) -> None:
    ask(ctx, None)
    with ctx.connection(writes=False) as connection:
        found = ctx.leader_id(connection)
    assert found is not None

    forget_me(ctx)

    with ctx.connection(writes=False) as connection:
        assert ctx.leader_id(connection) is None
    with db.transaction(writes=False) as session:
        assert session.scalar(select(func.count()).select_from(Leader)) == 0
    # Asking again makes the leader anew, rather than writing under the deleted row's id.
    assert ask(ctx, None).question is not None


def leaders_kept(db: Database) -> int:
    with db.transaction(writes=False) as session:
        return session.scalar(select(func.count()).select_from(Leader)) or 0


def test_plain_statements_commit_together_or_not_at_all(ctx: Context, db: Database) -> None:
    def fails_after_writing() -> None:
        with ctx.statements() as statements:
            ctx.ensure_leader_id(statements)
            raise ValueError("the use case fails after writing")

    with pytest.raises(ValueError, match="after writing"):
        fails_after_writing()
    assert leaders_kept(db) == 0

    with ctx.statements() as statements:
        made = ctx.ensure_leader_id(statements)

    assert leaders_kept(db) == 1
    with ctx.connection(writes=False) as connection:
        assert ctx.leader_id(connection) == made


def test_plain_statements_inside_a_use_case_join_its_transaction(
    ctx: Context, db: Database
) -> None:
    def fails_after_asking() -> None:
        with ctx.transaction():
            add_one(ctx)
            ask(ctx, None)
            raise ValueError("the outer use case fails")

    with pytest.raises(ValueError, match="outer"):
        fails_after_asking()

    assert (questions_kept(db), leaders_kept(db)) == (0, 0), "rolled back as one"


def test_no_transaction_opens_inside_plain_statements(ctx: Context, db: Database) -> None:
    # On SQLite it would wait for ever for the write lock the statements hold.
    with pytest.raises(NestedWriteError), ctx.statements():
        add_one(ctx)

    assert questions_kept(db) == 0


def test_every_transaction_is_told_to_its_watchers_but_single_reads(db: Database) -> None:
    began: list[str] = []
    stop = db.watch_transactions(lambda: began.append("begin"))
    try:
        with db.connection(writes=False):
            pass
        with db.driver_connection():
            pass
        with db.single_read():
            pass
    finally:
        stop()
    with db.driver_connection():
        pass

    assert began == ["begin", "begin"]
