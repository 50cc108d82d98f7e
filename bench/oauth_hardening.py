"""OAuth mode under a slow Slack and a flood of install-page visits, with a baseline each.

Runs the app in OAuth mode in-process (served over HTTP on loopback) against the fake Slack,
with two workspaces installed: Acme, whose rotating token expires in 10 minutes, and Globex.
Then, each time next to a baseline taken in the same run:
  1. Slack takes SLOW_SECONDS to answer a token refresh. Acme's `/ask-team help` and Globex's
     `/ask-team` are timed while the refresh is under way (the clock's pass, where there is
     one: the code before it refreshed inside Acme's request).
  2. Slack refuses every refresh: how many `oauth.v2.access` calls 5 of Acme's commands make.
  3. 4 clients fetch GET /slack/install for FLOOD_SECONDS: the rows written, and Globex's
     `/ask-team` p50 during the flood.
Usage: python bench/oauth_hardening.py [--database-url URL]  (default: a temporary SQLite file)
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select, text  # noqa: E402

from bot.app.bolt_app import create_app  # noqa: E402
from bot.domain.question_bank import QuestionBank  # noqa: E402
from bot.playground.fake_oauth import FakeOAuth, FakeWorkspace  # noqa: E402
from bot.playground.fake_slack import Call, FakeSlack  # noqa: E402
from bot.playground.local_server import LocalServer  # noqa: E402
from bot.playground.slack_driver import SlackDriver, User, request  # noqa: E402
from bot.senders.after_ack import AfterAckSender  # noqa: E402
from bot.services.deps import Deps  # noqa: E402
from bot.store import migrate  # noqa: E402
from bot.store.database import Database  # noqa: E402
from bot.store.installations import WorkspaceInstalls  # noqa: E402
from bot.store.models import OAuthState  # noqa: E402
from bot.store.slack_client import InstalledWorkspaces  # noqa: E402
from bot.store.token_cipher import TokenCipher, new_key  # noqa: E402
from bot.vocabulary.config import Settings, normalize_database_url  # noqa: E402

try:  # The clock's refresh pass; the code before it refreshed inside requests.
    from bot.app.runtime import token_refresher  # type: ignore[attr-defined]
except ImportError:
    token_refresher = None

SECRET = "bench-signing-secret"
SLOW_SECONDS = 6.0
FLOOD_SECONDS = 10.0
CLIENT_ID, CLIENT_SECRET = "1111.2222", "client-secret"
ACME = User("U0ANA", "T0ACME", "ana")
GLOBEX = User("U0BEN", "T0GLOBEX", "ben")
# Installed again before each part that needs it: a rotating token 10 minutes from expiry.
ACME_EXPIRING = FakeWorkspace("T0ACME", "Acme", installer="U0ANA", expires_in=600)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


class Bench:
    def __init__(self, database_url: str) -> None:
        self.fake = FakeSlack()
        self.oauth = FakeOAuth(self.fake, CLIENT_ID, CLIENT_SECRET)
        self.database = Database(normalize_database_url(database_url))
        if not self.database.is_sqlite:
            with self.database.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        migrate.upgrade(self.database)
        key = new_key()
        self.settings = Settings(
            slack_bot_token="",
            slack_signing_secret=SECRET,
            slack_api_url=self.fake.api_url,
            database_url=self.database.url,
            slack_client_id=CLIENT_ID,
            slack_client_secret=CLIENT_SECRET,
            token_encryption_key=key,
        )
        deps = Deps(database=self.database, bank=QuestionBank.load(), rng=random.Random(7))
        workspaces = InstalledWorkspaces(
            self.settings, WorkspaceInstalls(self.database, TokenCipher(key))
        )
        self.sender = AfterAckSender(workspaces)
        self.server = LocalServer(wsgi(create_app(self.settings, deps, sender=self.sender)))
        self.slack = SlackDriver(
            f"{self.server.url}/slack/events", SECRET, self.fake.base_url + "/r"
        )
        self.slow_refresh = False
        self.refuse_refresh = False
        access = self.oauth._access  # the fake's own answer, made slow or refused below
        self.fake.respond_with("oauth.v2.access", lambda call: self._access(call, access))

    def _access(self, call: Call, access: Callable[[Call], Any]) -> Any:
        if call.params.get("grant_type") == "refresh_token":
            if self.refuse_refresh:
                return 200, {"ok": False, "error": "invalid_refresh_token"}, {}
            if self.slow_refresh:
                time.sleep(SLOW_SECONDS)
        return access(call)

    def install(self, workspace: FakeWorkspace) -> None:
        page = request("GET", self.server.url + "/slack/install")
        cookie = page.headers["set-cookie"].split(";")[0]
        state = page.text.split("state=")[1].split("&")[0]
        query = f"code={self.oauth.code_for(workspace)}&state={state}"
        back = request(
            "GET", f"{self.server.url}/slack/oauth_redirect?{query}", headers={"Cookie": cookie}
        )
        assert back.status == 200, back.text

    def refreshes(self) -> int:
        return sum(
            1
            for call in self.fake.calls_to("oauth.v2.access")
            if call.params.get("grant_type") == "refresh_token"
        )

    def command_seconds(self, who: User, words: str = "") -> float:
        return timed(lambda: self._ok(self.slack.command(words, who)))

    @staticmethod
    def _ok(answer: Any) -> None:
        assert answer.status == 200, answer.text

    def close(self) -> None:
        self.sender.wait_idle()
        self.server.stop()
        self.fake.close()
        self.database.dispose()


def wsgi(app: Any) -> Any:
    from bot.app.web import wsgi_app

    return wsgi_app(app)


def slow_refresh(bench: Bench) -> None:
    print(f"\n1. Slack takes {SLOW_SECONDS:.0f} s to refresh Acme's token")
    bench.install(ACME_EXPIRING)
    baseline = [bench.command_seconds(GLOBEX) for _ in range(5)]
    bench.slow_refresh = True
    clock_pass = None
    if token_refresher is not None:
        refresher = token_refresher(bench.settings, bench.database)
        clock_pass = threading.Thread(target=refresher.run_pass, args=(datetime.now(UTC),))
        clock_pass.start()
        time.sleep(0.2)
    acme: list[float] = []
    acme_thread = threading.Thread(target=lambda: acme.append(bench.command_seconds(ACME, "help")))
    acme_thread.start()
    time.sleep(0.2)
    during = [bench.command_seconds(GLOBEX) for _ in range(5)]
    acme_thread.join()
    if clock_pass is not None:
        clock_pass.join()
    bench.slow_refresh = False
    print(f"   Acme's /ask-team help, answered in           {ms(acme[0])}")
    print(f"   Globex's /ask-team, p50 before (baseline)    {ms(statistics.median(baseline))}")
    print(f"   Globex's /ask-team, max during the refresh   {ms(max(during))}")


def refused_refresh(bench: Bench) -> None:
    print("\n2. Slack refuses every refresh of Acme's token")
    bench.install(ACME_EXPIRING)
    bench.refuse_refresh = True
    before = bench.refreshes()
    for _ in range(5):
        bench.command_seconds(ACME, "help")
    bench.refuse_refresh = False
    print(f"   oauth.v2.access calls made by 5 commands     {bench.refreshes() - before}")


def install_flood(bench: Bench) -> None:
    print(f"\n3. 4 clients fetch GET /slack/install for {FLOOD_SECONDS:.0f} s")
    baseline = [bench.command_seconds(GLOBEX) for _ in range(50)]
    with bench.database.connection(writes=False) as connection:
        rows_before = connection.execute(select(func.count()).select_from(OAuthState)).scalar_one()
    stop = time.monotonic() + FLOOD_SECONDS
    visits = [0] * 4

    def visit(index: int) -> None:
        while time.monotonic() < stop:
            request("GET", bench.server.url + "/slack/install")
            visits[index] += 1

    flood = [threading.Thread(target=visit, args=(index,)) for index in range(4)]
    for thread in flood:
        thread.start()
    during = []
    while time.monotonic() < stop - 0.5:
        during.append(bench.command_seconds(GLOBEX))
    for thread in flood:
        thread.join()
    with bench.database.connection(writes=False) as connection:
        rows = connection.execute(select(func.count()).select_from(OAuthState)).scalar_one()
    print(f"   visits                                       {sum(visits):,}")
    print(f"   oauth_states rows written                    {rows - rows_before:,}")
    print(f"   Globex's /ask-team p50, baseline             {ms(statistics.median(baseline))}")
    print(f"   Globex's /ask-team p50, during the flood     {ms(statistics.median(during))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        bench = Bench(args.database_url or f"sqlite:///{folder}/bench.db")
        try:
            bench.install(FakeWorkspace("T0GLOBEX", "Globex", installer="U0BEN"))
            bench.command_seconds(GLOBEX)  # warm up
            backend = "SQLite" if bench.database.is_sqlite else "PostgreSQL"
            print(f"OAuth mode on {backend}; clock refresh pass: {token_refresher is not None}")
            slow_refresh(bench)
            refused_refresh(bench)
            install_flood(bench)
        finally:
            bench.close()


if __name__ == "__main__":
    main()
