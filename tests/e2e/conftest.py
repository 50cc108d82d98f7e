"""End-to-end fixtures: one fake Slack, the app served over real HTTP on SQLite and PostgreSQL,
the app in OAuth mode, the playground, `ask-team send-due`."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from bot.app.bolt_app import create_app
from bot.app.web import wsgi_app
from bot.cli import main
from bot.domain.question_bank import QuestionBank
from bot.playground.fake_slack import FakeSlack
from bot.playground.local_server import LocalServer
from bot.playground.run import Playground
from bot.playground.slack_driver import Response, SlackDriver
from bot.senders.after_ack import AfterAckSender
from bot.services.deps import Deps
from bot.store import migrate
from bot.store.database import Database
from bot.store.slack_client import web_client
from bot.vocabulary.config import Settings, normalize_database_url
from tests.support.harness import (
    BACKENDS,
    BOT_TOKEN,
    POSTGRES_URL,
    SIGNING_SECRET,
    Clock,
    Harness,
    RunningApp,
    empty_tables,
)
from tests.support.nudges import SendDue
from tests.support.oauth import Distributed, serve_in_oauth_mode
from tests.support.playground import Visitor, start_playground
from tests.support.transactions import TransactionCounter, assert_one_unit_of_work

# -- the fake Slack and the database -----------------------------------------------------------


@pytest.fixture(scope="session")
def fake_slack() -> Iterator[FakeSlack]:
    fake = FakeSlack()
    yield fake
    fake.close()


@pytest.fixture(scope="session", params=BACKENDS)
def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'ask_team.db'}"
        db = Database(url)
    else:
        assert POSTGRES_URL is not None
        db = Database(normalize_database_url(POSTGRES_URL))
        with db.engine.begin() as connection:
            # The test database is ours alone: start every run from an empty schema.
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(db)
    yield db
    db.dispose()


@pytest.fixture
def db(database: Database) -> Database:
    """The database, emptied for this test."""
    empty_tables(database)
    return database


# -- the app, served over HTTP -----------------------------------------------------------------


@pytest.fixture(scope="session")
def running_app(
    database: Database, fake_slack: FakeSlack, bank: QuestionBank
) -> Iterator[RunningApp]:
    """The real WSGI app, served over HTTP on loopback, calling the fake Slack."""
    clock = Clock()
    settings = Settings(
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake_slack.api_url,
        database_url=database.url,
    )
    # Keyed as a deployment keys it, so `ask-team` processes on this database agree on who answered.
    deps = Deps(
        database=database,
        bank=bank,
        clock=clock,
        rng=random.Random(7),
        answer_secret=settings.answer_key,
    )
    sender = AfterAckSender(web_client(settings))
    transactions = TransactionCounter()
    transactions.watch(database)
    server = LocalServer(transactions.wrap(wsgi_app(create_app(settings, deps, sender=sender))))
    yield RunningApp(server.url, deps, clock, settings, sender, transactions)
    server.stop()


@pytest.fixture
def harness(
    running_app: RunningApp, fake_slack: FakeSlack, database: Database
) -> Iterator[Harness]:
    # Nothing queued by the previous test may land in this one.
    running_app.sender.wait_idle()
    empty_tables(database)
    fake_slack.reset()
    running_app.clock.set(datetime(2026, 11, 26, 9, 0, tzinfo=UTC))
    running_app.deps.rng.seed(7)
    driver = SlackDriver(
        f"{running_app.url}/slack/events", SIGNING_SECRET, fake_slack.base_url + "/response"
    )
    seen = len(running_app.transactions.requests)
    yield Harness(driver, fake_slack, running_app)
    assert_one_unit_of_work(running_app.transactions.since(seen))
    assert not fake_slack.problems, "Slack would reject what we sent:\n" + "\n".join(
        fake_slack.problems
    )


@pytest.fixture
def send_due(
    harness: Harness, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> SendDue:
    """`ask-team send-due --at <at>` against the test database and the fake Slack."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test-token")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "test-signing-secret")
    monkeypatch.setenv("SLACK_API_URL", harness.fake.api_url)
    monkeypatch.setenv("DATABASE_URL", harness.app.deps.database.url)
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)

    def run(at: datetime, *extra: str) -> str:
        capsys.readouterr()
        assert main(["send-due", "--at", at.isoformat(), *extra]) == 0
        return capsys.readouterr().out

    return run


@pytest.fixture
def distributed(db: Database, fake_slack: FakeSlack, bank: QuestionBank) -> Iterator[Distributed]:
    """The app in OAuth mode, many workspaces installing it (tests/support/oauth.py)."""
    with serve_in_oauth_mode(db, fake_slack, bank) as served:
        yield served


# -- the playground ----------------------------------------------------------------------------


@pytest.fixture
def playground(tmp_path: Path) -> Iterator[Playground]:
    running = start_playground(tmp_path / "playground.db")
    yield running
    running.stop()


@pytest.fixture
def ana(playground: Playground) -> Visitor:
    return Visitor(playground.fake.base_url, "U0ANA")


@pytest.fixture
def sent_to_the_bot(playground: Playground, monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """Every signed request the page posts to the bot from now on (commands, clicks...)."""
    sent: list[bytes] = []
    driver = playground.page.driver
    post: Callable[..., Response] = driver.post

    def recorded(body: bytes, *args: Any, **kwargs: Any) -> Response:
        sent.append(body)
        return post(body, *args, **kwargs)

    monkeypatch.setattr(driver, "post", recorded)
    return sent
