"""Many workspaces over OAuth: the app in OAuth mode, and Slack's side of installing it.

The `distributed` fixture (tests/e2e/conftest.py) serves it for a test.
"""

from __future__ import annotations

import html
import json
import random
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlencode, urlsplit

from bot.app.bolt_app import create_app
from bot.app.web import wsgi_app
from bot.domain.question_bank import QuestionBank
from bot.playground.fake_oauth import FakeOAuth, FakeWorkspace
from bot.playground.fake_slack import FakeSlack
from bot.playground.local_server import LocalServer
from bot.playground.slack_driver import Response, SlackDriver, event_callback, request
from bot.senders.after_ack import AfterAckSender
from bot.services.deps import Deps
from bot.store.database import Database
from bot.store.installations import WorkspaceInstalls
from bot.store.slack_client import InstalledWorkspaces
from bot.store.token_cipher import TokenCipher, new_key
from bot.vocabulary.config import Settings
from tests.support.harness import SIGNING_SECRET, Clock, empty_tables
from tests.support.transactions import TransactionCounter, assert_one_unit_of_work

CLIENT_ID = "1111.2222"
CLIENT_SECRET = "client-secret"
KEY = new_key()
ACME = FakeWorkspace("T0ACME", "Acme", installer="U0ANA")
# The app's clock in these tests (tests/support/harness.py's Clock): every install happens then.
INSTALLED_AT = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
GLOBEX = FakeWorkspace("T0GLOBEX", "Globex", installer="U0BEN")


def fresh(workspace: FakeWorkspace, **changes: object) -> FakeWorkspace:
    """A copy with no tokens yet: each test installs from scratch."""
    fields = {**workspace.__dict__, "tokens": [], **changes}
    return FakeWorkspace(**fields)  # type: ignore[arg-type]


@dataclass
class Distributed:
    """The app in OAuth mode, served over HTTP, and Slack's side of it."""

    url: str
    fake: FakeSlack
    slack_oauth: FakeOAuth
    database: Database
    settings: Settings
    sender: AfterAckSender
    bank: QuestionBank
    clock: Clock

    def driver(self) -> SlackDriver:
        return SlackDriver(f"{self.url}/slack/events", SIGNING_SECRET, self.fake.base_url + "/r")

    def install(self, workspace: FakeWorkspace) -> Response:
        """Someone in `workspace` clicks Add to Slack, approves, and Slack sends them back."""
        page = request("GET", self.url + "/slack/install")
        assert page.status == 200, page.text
        cookie = page.headers["set-cookie"].split(";")[0]
        state = authorize_query(page.text)["state"][0]
        return self.come_back(code=self.slack_oauth.code_for(workspace), state=state, cookie=cookie)

    def come_back(self, *, cookie: str = "", **query: str) -> Response:
        """Slack's redirect to /slack/oauth_redirect, in the browser that holds `cookie`."""
        return request(
            "GET", f"{self.url}/slack/oauth_redirect?{urlencode(query)}", headers={"Cookie": cookie}
        )

    def uninstalled(self, team_id: str, *, at: datetime) -> Response:
        """Slack tells the app it was removed from `team_id` at `at` (perhaps late)."""
        event = event_callback(team_id, f"Ev{at.timestamp():.0f}", {"type": "app_uninstalled"})
        event["event_time"] = int(at.timestamp())
        return self.driver().post(json.dumps(event).encode(), "application/json")

    def tokens_used_for(self, method: str) -> list[str]:
        return [
            call.headers["Authorization"].removeprefix("Bearer ")
            for call in self.fake.calls_to(method)
        ]


def authorize_query(page: str) -> dict[str, list[str]]:
    href = html.unescape(re.search(r'href="(https://slack.com/oauth/v2/authorize[^"]+)"', page)[1])  # type: ignore[index]
    return parse_qs(urlsplit(href).query)


@contextmanager
def serve_in_oauth_mode(
    db: Database, fake_slack: FakeSlack, bank: QuestionBank
) -> Iterator[Distributed]:
    """The app in OAuth mode on `db`, served over HTTP against `fake_slack`, until the end of
    the `with`; then the database is emptied (the `distributed` fixture)."""
    fake_slack.reset()
    slack_oauth = FakeOAuth(fake_slack, CLIENT_ID, CLIENT_SECRET)
    settings = Settings(
        slack_bot_token="",
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake_slack.api_url,
        database_url=db.url,
        slack_client_id=CLIENT_ID,
        slack_client_secret=CLIENT_SECRET,
        token_encryption_key=KEY,
    )
    clock = Clock()
    deps = Deps(database=db, bank=bank, clock=clock, rng=random.Random(7))
    sender = AfterAckSender(InstalledWorkspaces(settings, WorkspaceInstalls(db, TokenCipher(KEY))))
    transactions = TransactionCounter()
    transactions.watch(db)
    server = LocalServer(transactions.wrap(wsgi_app(create_app(settings, deps, sender=sender))))
    yield Distributed(server.url, fake_slack, slack_oauth, db, settings, sender, bank, clock)
    server.stop()
    transactions.unwatch()
    assert_one_unit_of_work(transactions.requests)
    sender.wait_idle()
    fake_slack.token_check = None
    empty_tables(db)
    assert not fake_slack.problems, fake_slack.problems
