"""Fan-out: 10,000 leaders due at the same minute across many time zones.

The fake Slack runs in its own process and answers every call after 50 ms (as a slow
network would). One `NudgeDispatcher` pass, as `ask-team send-due` runs it, then prints:
time to decide who is due and claim them, time until every DM is sent, DMs per second,
duplicates, and peak memory. Usage: python bench/fanout.py  (BENCH_DATABASE_URL for PostgreSQL,
BENCH_LEADERS, BENCH_LATENCY, NUDGE_CONCURRENCY to vary it)
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from bot.config import Settings, normalize_database_url  # noqa: E402
from bot.question_bank import QuestionBank  # noqa: E402
from bot.runtime import nudge_dispatcher  # noqa: E402
from bot.store import migrate  # noqa: E402
from bot.store.database import Database  # noqa: E402
from tests.support.seed import seed_due_leaders  # noqa: E402

LEADERS = int(os.environ.get("BENCH_LEADERS", "10000"))
LATENCY = float(os.environ.get("BENCH_LATENCY", "0.05"))
CONCURRENCY = int(os.environ.get("NUDGE_CONCURRENCY", "32"))
# The tests validate every message; here that would make the stand-in the bottleneck.
VALIDATE = [] if os.environ.get("BENCH_VALIDATE") else ["--no-validate"]
DUE = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
ZONES = [
    "UTC",
    "Europe/London",
    "Europe/Paris",
    "Europe/Helsinki",
    "Africa/Nairobi",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Adelaide",
    "Australia/Sydney",
    "Pacific/Auckland",
    "America/Sao_Paulo",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/St_Johns",
]


def prepare(database: Database) -> None:
    if not database.is_sqlite:
        with database.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(database)
    seed_due_leaders(database, LEADERS, DUE, ZONES, team_id="T0BENCH")


def main() -> None:
    fake = subprocess.Popen(
        [sys.executable, "-m", "bot.playground.fake_slack", str(LATENCY), *VALIDATE],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert fake.stdout is not None
    base_url = fake.stdout.readline().strip()
    workdir = Path(tempfile.mkdtemp(prefix="ask-team-fanout-"))
    url = normalize_database_url(
        os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{workdir / 'fanout.db'}")
    )
    try:
        database = Database(url)
        prepare(database)
        settings = Settings(
            slack_bot_token="xoxb-bench",
            slack_signing_secret="s",
            slack_api_url=base_url + "/api/",
            database_url=url,
            nudge_concurrency=CONCURRENCY,
        )
        dispatcher = nudge_dispatcher(settings, database, QuestionBank.load())
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        report = dispatcher.run_pass(DUE)
        elapsed = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        with urllib.request.urlopen(base_url + "/_stats") as answer:  # noqa: S310 - loopback fake
            stats = json.load(answer)
    finally:
        fake.terminate()
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(
        f"{LEADERS} leaders due at {DUE:%H:%M} UTC across {len(ZONES)} zones; {backend}; "
        f"fake Slack answers after {LATENCY * 1000:.0f} ms; {CONCURRENCY} sending threads"
    )
    print(f"decide who is due                  {report.decide_seconds * 1000:8.0f} ms")
    print(f"claim them (one INSERT … RETURNING) {report.claim_seconds * 1000:7.0f} ms")
    print(f"until every DM was sent            {elapsed:8.1f} s")
    print(f"DMs per second                     {stats['dms'] / report.send_seconds:8.0f}")
    print(
        f"DMs sent / leaders / duplicates    {stats['dms']} / {stats['channels']} / "
        f"{stats['dms'] - stats['channels']}"
    )
    outcomes = ", ".join(f"{count} {name}" for name, count in report.outcomes.items())
    print(f"outcomes                           {outcomes}")
    print(
        f"peak memory (RSS)                  {peak_mb:8.0f} MB "
        f"(+{(peak_mb - rss_before / 1024):.0f} MB during the pass)"
    )
    print(f"Block Kit problems at the fake     {stats['problems']}")


if __name__ == "__main__":
    main()
