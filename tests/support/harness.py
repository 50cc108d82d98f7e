"""What an end-to-end test holds: the app served over real HTTP, the fake Slack, its clock.

The fixtures that build them are in tests/e2e/conftest.py; these are the shapes and the
credentials they share with the tests that start the bot in processes of its own.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from bot.playground.fake_slack import FakeSlack
from bot.playground.slack_driver import SlackDriver, User
from bot.senders.after_ack import AfterAckSender
from bot.services.deps import Deps
from bot.store.database import Database
from bot.store.models import Base
from bot.vocabulary.config import Settings
from tests.support.transactions import TransactionCounter

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


def empty_tables(database: Database) -> None:
    with database.engine.begin() as connection:
        if database.is_sqlite:
            for table in reversed(Base.metadata.sorted_tables):
                connection.execute(table.delete())
        else:
            names = ", ".join(table.name for table in Base.metadata.sorted_tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@dataclass
class RunningApp:
    url: str
    deps: Deps
    clock: Clock
    settings: Settings
    sender: AfterAckSender
    transactions: TransactionCounter


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
