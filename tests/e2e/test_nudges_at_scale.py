"""Exactly once under pressure: several processes running a pass at once, and a process killed
in the middle of one. Real `ask-team send-due` processes against the fake Slack."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.playground.fake_slack import FakeSlack
from bot.playground.seed import seed_due_leaders
from bot.store.database import Database
from tests.support.harness import BOT_TOKEN, SIGNING_SECRET
from tests.support.nudges import ZONES, dm_counts
from tests.support.paths import REPO_ROOT

DUE = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
LEADERS = 1000


def send_due_process(
    database: Database, fake: FakeSlack, at: datetime, concurrency: int
) -> subprocess.Popen[str]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SLACK_")},
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": database.url,
        "NUDGE_CONCURRENCY": str(concurrency),
        # These check claims, not pacing: no budget holds the single workspace back.
        "NUDGE_RATE_PER_MINUTE": "1000000",
        "NUDGE_BURST": "10000",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(REPO_ROOT),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "send-due", "--at", at.isoformat()],
        env=env,
        cwd=Path(REPO_ROOT),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def settled_dm_count(fake: FakeSlack) -> int:
    """DMs received once requests the dead process had already sent have landed."""
    previous = -1
    while (current := len(fake.calls_to("chat.postMessage"))) != previous:
        previous = current
        time.sleep(fake.latency_seconds * 5)
    return current


@pytest.fixture
def fresh_fake(fake_slack: FakeSlack) -> FakeSlack:
    fake_slack.reset()
    return fake_slack


@pytest.mark.parametrize(
    "late",
    [timedelta(seconds=5), timedelta(days=2, minutes=30)],
    ids=["on time", "back two days later, half an hour past the nudge"],
)
def test_three_processes_at_the_same_instant_send_each_leader_exactly_one_dm(
    db: Database, fresh_fake: FakeSlack, late: timedelta
) -> None:
    seed_due_leaders(db, LEADERS, DUE, ZONES)

    processes = [send_due_process(db, fresh_fake, DUE + late, 16) for _ in range(3)]
    outputs = [process.communicate(timeout=240)[0] for process in processes]

    assert all(process.returncode == 0 for process in processes), outputs
    counts = dm_counts(fresh_fake)
    assert len(counts) == LEADERS, "every leader nudged"
    assert sum(counts.values()) == LEADERS, "nobody nudged twice"
    assert not fresh_fake.problems


def test_a_process_killed_mid_pass_leaves_nobody_unnudged(
    db: Database, fresh_fake: FakeSlack
) -> None:
    """The window: a DM sent but not yet marked sent when the process dies is sent again by
    the next pass after the lease. At most one per sending thread (NUDGE_CONCURRENCY) can be
    in that window; everyone else is nudged exactly once."""
    seed_due_leaders(db, LEADERS, DUE, ZONES)
    fresh_fake.latency_seconds = 0.02
    concurrency = 4

    victim = send_due_process(db, fresh_fake, DUE, concurrency)
    deadline = time.monotonic() + 120
    while len(fresh_fake.calls_to("chat.postMessage")) < 150:
        assert victim.poll() is None, "the pass finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    sent_before = settled_dm_count(fresh_fake)
    assert sent_before < LEADERS
    fresh_fake.latency_seconds = 0.0

    # Within the lease nobody retakes the dead process's claims; after it, the next pass does.
    during_lease = send_due_process(db, fresh_fake, DUE + timedelta(minutes=2), 16)
    assert "in flight elsewhere" in during_lease.communicate(timeout=120)[0]
    assert sum(dm_counts(fresh_fake).values()) == sent_before
    after_lease = send_due_process(db, fresh_fake, DUE + timedelta(minutes=6), 16)
    output = after_lease.communicate(timeout=240)[0]
    assert after_lease.returncode == 0, output

    counts = dm_counts(fresh_fake)
    assert len(counts) == LEADERS, "nobody left without a nudge"
    doubled = [channel for channel, count in counts.items() if count > 1]
    assert len(doubled) <= concurrency
    assert max(counts.values()) <= 2
