"""Shared fixtures: one fake Slack, the app served over real HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import random
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.app.bolt_app import create_app
from bot.app.web import wsgi_app
from bot.domain.question_bank import QuestionBank
from bot.playground.fake_slack import FakeSlack
from bot.playground.local_server import LocalServer
from bot.playground.slack_driver import SlackDriver, User
from bot.senders.after_ack import AfterAckSender
from bot.services.deps import Deps
from bot.store import migrate
from bot.store.database import Database
from bot.store.models import Base
from bot.store.slack_client import web_client
from bot.vocabulary.config import Settings, normalize_database_url

SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite", *(["postgresql"] if POSTGRES_URL else [])]

LEADER = User("U0LEADER", "T0TEAM", "leader")
OTHER_LEADER = User("U0OTHER", "T0TEAM", "other")
OTHER_WORKSPACE_LEADER = User("U0LEADER", "T0ELSEWHERE", "leader")


class Clock:
    """The app's notion of now, set by tests instead of sleeping."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self.now

    def set(self, now: datetime) -> None:
        with self._lock:
            self.now = now

    def advance(self, **delta: float) -> datetime:
        with self._lock:
            self.now += timedelta(**delta)
            return self.now


@pytest.fixture(scope="session")
def fake_slack() -> Iterator[FakeSlack]:
    fake = FakeSlack()
    yield fake
    fake.close()


@pytest.fixture(scope="session")
def bank() -> QuestionBank:
    return QuestionBank.load()


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


def empty_tables(database: Database) -> None:
    with database.engine.begin() as connection:
        if database.is_sqlite:
            for table in reversed(Base.metadata.sorted_tables):
                connection.execute(table.delete())
        else:
            names = ", ".join(table.name for table in Base.metadata.sorted_tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture
def db(database: Database) -> Database:
    """The database, emptied for this test."""
    empty_tables(database)
    return database


@dataclass
class RunningApp:
    url: str
    deps: Deps
    clock: Clock
    settings: Settings
    sender: AfterAckSender


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
    deps = Deps(database=database, bank=bank, clock=clock, rng=random.Random(7))
    sender = AfterAckSender(web_client(settings))
    server = LocalServer(wsgi_app(create_app(settings, deps, sender=sender)))
    yield RunningApp(server.url, deps, clock, settings, sender)
    server.stop()


@dataclass
class Harness:
    """What an end-to-end test holds: Slack's side (driver, fake) and the app's."""

    slack: SlackDriver
    fake: FakeSlack
    app: RunningApp

    @property
    def clock(self) -> Clock:
        return self.app.clock

    def settle(self) -> None:
        """Wait until the app has sent everything it queued after its acknowledgements."""
        assert self.app.sender.wait_idle(), "the sender did not drain"


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
    yield Harness(driver, fake_slack, running_app)
    assert not fake_slack.problems, "Slack would reject what we sent:\n" + "\n".join(
        fake_slack.problems
    )


REPO_ROOT = Path(__file__).resolve().parent.parent
