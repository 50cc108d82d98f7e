"""Fan-out: 10,000 leaders due at the same minute across many time zones.

The fake Slack runs in its own process and answers every call after 50 ms (as a slow
network would). One `NudgeDispatcher` pass, as `ask-team send-due` runs it, then prints:
time to decide who is due and claim them, time until every DM is sent, DMs per second,
duplicates, and peak memory.

Runs:
- `python bench/fanout.py`: one workspace, no budget (the pass's own speed);
- `python bench/fanout.py --workspaces 100`: the leaders spread over 100 installed workspaces
  (OAuth mode), against a fake Slack that enforces Slack's limits (a token bucket per
  workspace, BENCH_LIMIT_PER_MINUTE and BENCH_LIMIT_BURST; one message per second per
  channel) and answers 429 with Retry-After past them. The bot is told the limit: its budget
  is BENCH_BUDGET_SHARE of it.
- `... --workspaces 100 --limits unknown`: the bot is not told: its budget is the default
  NUDGE_RATE_PER_MINUTE (BENCH_CEILING), over the fake's limit.
- `... --workspaces 100 --limits mixed`: workspaces differ: a third allow 60 a minute, a third
  120, a third 300; the bot's budget is the default, as in `unknown`.

With many workspaces it runs three passes, a day apart, each against a fresh fake Slack, and
prints them side by side: the budget fixed (adaptation off), then adaptive, then adaptive
again from what the first adaptive pass learned (the same in-memory `PaceMemory`). For each:
the time until the last DM, the lower bound the limits allow, the ratio, the share of calls
answered 429, the duplicates, and how often the paces changed.

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
from collections import Counter
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from slack_sdk.oauth.installation_store import Installation  # noqa: E402
from sqlalchemy import text  # noqa: E402

from bot.app.runtime import nudge_dispatcher  # noqa: E402
from bot.domain.pace_rules import PaceChange  # noqa: E402
from bot.domain.question_bank import QuestionBank  # noqa: E402
from bot.playground.fake_slack import serve_forever  # noqa: E402
from bot.playground.seed import seed_due_leaders  # noqa: E402
from bot.playground.slack_limits import SlackLimits  # noqa: E402
from bot.senders.nudges import NudgeDispatcher, PassReport  # noqa: E402
from bot.senders.pacing import Budget, InMemoryPaceMemory  # noqa: E402
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
# The bot's NUDGE_BURST: by default Slack's, which the bot takes Slack's burst to be when it
# measures a first 429; BENCH_BOT_BURST=20 (the default setting) shows a wrong guess.
BOT_BURST = int(os.environ.get("BENCH_BOT_BURST", str(LIMIT_BURST)))
# The bot's own budget: a little under the limit, since arrival times jitter on the way.
BUDGET_SHARE = float(os.environ.get("BENCH_BUDGET_SHARE", "0.97"))
# told: the budget is BUDGET_SHARE of the limit; unknown: the bot's default budget (the
# ceiling) over the fake's limit; mixed: the same, against workspaces of differing limits.
LIMITS = sys.argv[sys.argv.index("--limits") + 1] if "--limits" in sys.argv else "told"
DEFAULT_RATE = next(f.default for f in fields(Settings) if f.name == "nudge_rate_per_minute")
CEILING = float(os.environ.get("BENCH_CEILING", str(DEFAULT_RATE)))
MIXED = (60.0, 120.0, 300.0)
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


def team(n: int) -> str:
    return f"T{n:06d}"


def token(team_id: str) -> str:
    return f"xoxb-{team_id}-bench"


def limit_of(n: int) -> float:
    """The fake's limit for workspace `n`, a minute."""
    return MIXED[n % len(MIXED)] if LIMITS == "mixed" else LIMIT_PER_MINUTE


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
        team_id = team(n)
        installs.save(
            Installation(
                team_id=team_id,
                bot_token=token(team_id),
                bot_id="B0BENCH",
                bot_user_id="U0BOT",
                user_id="U0INSTALLER",
                installed_at=time.time(),
            )
        )
        seed_due_leaders(database, LEADERS // WORKSPACES, DUE, ZONES, team_id=team_id)


@dataclass(frozen=True)
class Run:
    """One pass and what the fake Slack saw of it."""

    report: PassReport
    elapsed: float
    # Seconds from the pass's start to the last DM Slack took (monotonic clocks agree across
    # processes on one machine).
    last_dm: float
    stats: dict[str, Any]
    peak_mb: float
    grew_mb: float


def start_fake() -> tuple[subprocess.Popen[str], str]:
    """A fresh fake Slack (its buckets full, its counts at zero) and its base URL."""
    if WORKSPACES == 1:
        command = ["-m", "bot.playground.fake_slack", str(LATENCY), *VALIDATE]
    else:
        # This file serves it (`serve_fake`), to give each workspace's token its own limit.
        command = [str(Path(__file__).resolve()), "--serve-fake", *sys.argv[1:]]
    fake = subprocess.Popen([sys.executable, *command], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert fake.stdout is not None
    base_url = fake.stdout.readline().strip()
    if not base_url.startswith("http://"):
        fake.kill()
        raise SystemExit("the fake Slack did not start (see above)")
    return fake, base_url


def serve_fake() -> None:
    """The fake Slack of a run over many workspaces, each token with its workspace's limit."""
    per_token = {token(team(n)): limit_of(n) for n in range(WORKSPACES)}
    limits = SlackLimits(LIMIT_PER_MINUTE, LIMIT_BURST, per_token=per_token)
    serve_forever(LATENCY, validate=not VALIDATE, limits=limits)


def settings_for(base_url: str, url: str) -> Settings:
    common: dict[str, Any] = {
        "slack_signing_secret": "s",
        "slack_api_url": base_url + "/api/",
        "database_url": url,
        "nudge_concurrency": CONCURRENCY,
    }
    if WORKSPACES == 1:
        # One workspace, no budget: what the pass itself costs.
        return Settings(
            slack_bot_token="xoxb-bench",
            nudge_rate_per_minute=1_000_000,
            nudge_burst=LEADERS,
            **common,
        )
    return Settings(
        slack_bot_token="",
        nudge_rate_per_minute=int(budget_rate()),
        nudge_burst=BOT_BURST,
        slack_client_id="1.2",
        slack_client_secret="secret",
        token_encryption_key=KEY,
        **common,
    )


def budget_rate() -> float:
    """The bot's budget a minute: told the limit, a share of it; else its default."""
    return LIMIT_PER_MINUTE * BUDGET_SHARE if LIMITS == "told" else CEILING


def run_once(database: Database, url: str, budget: Budget | None, due: datetime) -> Run:
    """One pass at `due` against a fresh fake Slack, with `budget` for each workspace."""
    fake, base_url = start_fake()
    try:
        dispatcher = nudge_dispatcher(settings_for(base_url, url), database, QuestionBank.load())
        pace(dispatcher, budget)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        started_monotonic = time.monotonic()
        report = dispatcher.run_pass(due)
        elapsed = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        with urllib.request.urlopen(base_url + "/_stats") as answer:  # noqa: S310 - loopback fake
            stats = json.load(answer)
    finally:
        fake.terminate()
        fake.wait()
    last = stats["last_dm_monotonic"]
    last_dm = last - started_monotonic if last is not None else float("nan")
    return Run(report, elapsed, last_dm, stats, peak_mb, peak_mb - rss_before / 1024)


def pace(dispatcher: NudgeDispatcher, budget: Budget | None) -> None:
    if budget is None:
        # The pass's own speed: as many of the workspace's DMs on their way as threads.
        dispatcher.policy = replace(dispatcher.policy, sends_per_workspace=CONCURRENCY)
    else:
        dispatcher.policy = replace(dispatcher.policy, budget=budget)


def print_one(run: Run) -> None:
    """The single workspace's figures: what the pass itself costs."""
    report, stats = run.report, run.stats
    print(f"decide who is due                  {report.decide_seconds * 1000:8.0f} ms")
    print(f"claim them (one INSERT … RETURNING) {report.claim_seconds * 1000:7.0f} ms")
    print(f"until every DM was sent            {run.elapsed:8.1f} s")
    print(f"DMs per second                     {stats['dms'] / report.send_seconds:8.0f}")
    print(
        f"DMs sent / leaders / duplicates    {stats['dms']} / {stats['channels']} / "
        f"{stats['dms'] - stats['channels']}"
    )
    outcomes = ", ".join(f"{count} {name}" for name, count in report.outcomes.items())
    print(f"outcomes                           {outcomes}")
    print(f"peak memory (RSS)                  {run.peak_mb:8.0f} MB (+{run.grew_mb:.0f} MB)")
    print(f"Block Kit problems at the fake     {stats['problems']}")


def bound() -> float:
    """The last DM's earliest time the limits allow: each workspace's burst at once, the rest
    at its rate; the slowest workspace's."""
    per_workspace = LEADERS // WORKSPACES
    return max(
        max(0.0, (per_workspace - LIMIT_BURST) * 60 / limit_of(n)) for n in range(WORKSPACES)
    )


def rows(run: Run, changes: Counter[PaceChange] | None) -> dict[str, str]:
    stats, lowest = run.stats, bound()
    calls = stats["dms"] + stats["refused_429"]
    share = 100 * stats["refused_429"] / max(calls, 1)
    return {
        "decide + claim": f"{(run.report.decide_seconds + run.report.claim_seconds) * 1000:.0f} ms",
        "until the last DM": f"{run.last_dm:.1f} s",
        "lower bound the limits allow": f"{lowest:.1f} s",
        "ratio to the bound": f"{run.last_dm / lowest:.2f}" if lowest else "nan",
        "calls answered 429": f"{stats['refused_429']} ({share:.2f}%)",
        "DMs sent / leaders / duplicates": (
            f"{stats['dms']}/{LEADERS // WORKSPACES * WORKSPACES}/"
            f"{stats['dms'] - stats['channels']}"
        ),
        "nudges left for a later pass": str(run.report.outcomes.get("retry", 0)),
        "pace changes lowered / raised": (
            f"{changes['lowered']} / {changes['raised']}" if changes is not None else "-"
        ),
    }


def print_many(runs: dict[str, Run], changes: dict[str, Counter[PaceChange] | None]) -> None:
    """The passes side by side."""
    tables = {label: rows(run, changes[label]) for label, run in runs.items()}
    print(f"{'':34}" + "".join(f"{label:>18}" for label in runs))
    for name in next(iter(tables.values())):
        print(f"{name:34}" + "".join(f"{table[name]:>18}" for table in tables.values()))
    peak = max(run.peak_mb for run in runs.values())
    print(
        f"peak memory (RSS) {peak:.0f} MB; Block Kit problems at the fake: "
        f"{sum(run.stats['problems'] for run in runs.values())}"
    )


def learned_by_limit(memory: InMemoryPaceMemory) -> str:
    """The paces learned for each limit, a minute: least, median, most (the budget if none)."""
    by_limit: dict[float, list[float]] = {}
    for n in range(WORKSPACES):
        learned = memory.learned(team(n))
        by_limit.setdefault(limit_of(n), []).append(budget_rate() if learned is None else learned)
    return "; ".join(
        f"limit {limit:.0f}: {min(paces):.0f} / {sorted(paces)[len(paces) // 2]:.0f} / "
        f"{max(paces):.0f}"
        for limit, paces in sorted(by_limit.items())
    )


def main() -> None:
    if "--serve-fake" in sys.argv:
        serve_fake()
        return
    workdir = Path(tempfile.mkdtemp(prefix="ask-team-fanout-"))
    url = normalize_database_url(
        os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{workdir / 'fanout.db'}")
    )
    database = Database(url)
    prepare(database)
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(
        f"{LEADERS} leaders due at {DUE:%H:%M} UTC across {len(ZONES)} zones; {backend}; "
        f"fake Slack answers after {LATENCY * 1000:.0f} ms; {CONCURRENCY} sending threads"
    )
    if WORKSPACES == 1:
        print_one(run_once(database, url, None, DUE))
        return
    limits = "60, 120 or 300" if LIMITS == "mixed" else f"{LIMIT_PER_MINUTE:.0f}"
    print(
        f"{WORKSPACES} workspaces of {LEADERS // WORKSPACES} leaders; Slack's limits per "
        f"workspace: {limits}/min, bursts of {LIMIT_BURST}; 1/s per channel; the bot's budget: "
        f"{budget_rate():.0f}/min, bursts of {BOT_BURST}"
    )
    memory = InMemoryPaceMemory()
    passes = {
        "fixed budget": Budget(budget_rate(), BOT_BURST, adaptive=False),
        "adaptive": Budget(budget_rate(), BOT_BURST, memory=memory),
        # The next day's pass, starting from what the first one learned.
        "adaptive again": Budget(budget_rate(), BOT_BURST, memory=memory),
    }
    runs: dict[str, Run] = {}
    changes: dict[str, Counter[PaceChange] | None] = {}
    for day, (label, budget) in enumerate(passes.items()):
        before = Counter(memory.changes)
        runs[label] = run_once(database, url, budget, DUE + timedelta(days=day))
        changes[label] = Counter(memory.changes) - before if budget.adaptive else None
        if budget.adaptive:
            print(
                f"paces learned by '{label}' (least / median / most a minute): "
                f"{learned_by_limit(memory)}",
                flush=True,
            )
    print_many(runs, changes)


if __name__ == "__main__":
    main()
