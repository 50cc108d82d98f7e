"""Fan-out: 10,000 leaders due at the same minute across many time zones.

The fake Slack runs in its own process and answers every call after 50 ms (as a slow
network would). One `NudgeDispatcher` pass, as `ask-team send-due` runs it, then prints:
time to decide who is due and claim them, time until every DM is sent, DMs per second,
duplicates, and peak memory.

Two runs:
- `python bench/fanout.py`: one workspace, no budget (the pass's own speed);
- `python bench/fanout.py --workspaces 100`: the leaders spread over 100 installed workspaces
  (OAuth mode), against a fake Slack that enforces Slack's limits (a token bucket per
  workspace, BENCH_LIMIT_PER_MINUTE and BENCH_LIMIT_BURST; one message per second per
  channel) and answers 429 with Retry-After past them. It prints the time until the last DM,
  the lower bound those limits allow, the ratio, the share of calls answered 429 and the
  duplicates.

BENCH_DATABASE_URL for PostgreSQL; BENCH_LEADERS, BENCH_LATENCY, NUDGE_CONCURRENCY to vary it.
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
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from slack_sdk.oauth.installation_store import Installation  # noqa: E402
from sqlalchemy import text  # noqa: E402

from bot.app.runtime import nudge_dispatcher  # noqa: E402
from bot.domain.question_bank import QuestionBank  # noqa: E402
from bot.playground.seed import seed_due_leaders  # noqa: E402
from bot.store import migrate  # noqa: E402
from bot.store.database import Database  # noqa: E402
from bot.store.installations import WorkspaceInstalls  # noqa: E402
from bot.store.token_cipher import TokenCipher, new_key  # noqa: E402
from bot.vocabulary.config import Settings, normalize_database_url  # noqa: E402

LEADERS = int(os.environ.get("BENCH_LEADERS", "10000"))
LATENCY = float(os.environ.get("BENCH_LATENCY", "0.05"))
CONCURRENCY = int(os.environ.get("NUDGE_CONCURRENCY", "32"))
WORKSPACES = int(sys.argv[sys.argv.index("--workspaces") + 1]) if "--workspaces" in sys.argv else 1
# The fake's limits per workspace (Slack publishes none for chat.postMessage's workspace).
LIMIT_PER_MINUTE = float(os.environ.get("BENCH_LIMIT_PER_MINUTE", "120"))
LIMIT_BURST = int(os.environ.get("BENCH_LIMIT_BURST", "10"))
# The bot's own budget: a little under the limit, since arrival times jitter on the way.
BUDGET_SHARE = float(os.environ.get("BENCH_BUDGET_SHARE", "0.97"))
KEY = new_key()
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
    if WORKSPACES == 1:
        seed_due_leaders(database, LEADERS, DUE, ZONES, team_id="T0BENCH")
        return
    installs = WorkspaceInstalls(database, TokenCipher(KEY))
    for n in range(WORKSPACES):
        team_id = f"T{n:06d}"
        installs.save(
            Installation(
                team_id=team_id,
                bot_token=f"xoxb-{team_id}-bench",
                bot_id="B0BENCH",
                bot_user_id="U0BOT",
                user_id="U0INSTALLER",
                installed_at=time.time(),
            )
        )
        seed_due_leaders(database, LEADERS // WORKSPACES, DUE, ZONES, team_id=team_id)


def main() -> None:
    limit = ["--limit", str(LIMIT_PER_MINUTE), str(LIMIT_BURST)] if WORKSPACES > 1 else []
    fake = subprocess.Popen(
        [sys.executable, "-m", "bot.playground.fake_slack", str(LATENCY), *VALIDATE, *limit],
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
        common = {
            "slack_signing_secret": "s",
            "slack_api_url": base_url + "/api/",
            "database_url": url,
            "nudge_concurrency": CONCURRENCY,
        }
        if WORKSPACES == 1:
            # One workspace, no budget: what the pass itself costs.
            settings = Settings(
                slack_bot_token="xoxb-bench",
                nudge_rate_per_minute=1_000_000,
                nudge_burst=LEADERS,
                **common,
            )
        else:
            settings = Settings(
                slack_bot_token="",
                nudge_rate_per_minute=int(LIMIT_PER_MINUTE * BUDGET_SHARE),
                nudge_burst=LIMIT_BURST,
                slack_client_id="1.2",
                slack_client_secret="secret",
                token_encryption_key=KEY,
                **common,
            )
        dispatcher = nudge_dispatcher(settings, database, QuestionBank.load())
        if WORKSPACES == 1:
            # The pass's own speed: as many of the workspace's DMs on their way as threads.
            dispatcher.policy = replace(dispatcher.policy, sends_per_workspace=CONCURRENCY)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        started_monotonic = time.monotonic()
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
    if WORKSPACES > 1:
        per_workspace = LEADERS // WORKSPACES
        # A bucket of LIMIT_BURST at LIMIT_PER_MINUTE: the burst at once, the rest at the rate.
        bound = max(0.0, (per_workspace - LIMIT_BURST) * 60 / LIMIT_PER_MINUTE)
        last = stats["last_dm_monotonic"] - started_monotonic
        calls = stats["dms"] + stats["refused_429"]
        print(
            f"{WORKSPACES} workspaces of {per_workspace} leaders; Slack's limits per workspace: "
            f"{LIMIT_PER_MINUTE:.0f}/min, bursts of {LIMIT_BURST}; 1/s per channel"
        )
        print(f"until the last DM                  {last:8.1f} s")
        print(f"lower bound the limits allow       {bound:8.1f} s")
        print(f"ratio to the bound                 {last / bound if bound else float('nan'):8.2f}")
        print(
            f"calls answered 429                 {stats['refused_429']} of {calls} "
            f"({100 * stats['refused_429'] / max(calls, 1):.2f}%)"
        )


if __name__ == "__main__":
    main()
