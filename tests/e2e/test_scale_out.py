"""Scaling out: two `ask-team serve` instances on one PostgreSQL database, the clock on in each
of their two workers. Commands work on either instance; each due leader gets exactly one nudge.
Waits for a real minute boundary (the clock's tick): about a minute."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.playground.fake_slack import FakeSlack
from bot.playground.seed import seed_due_leaders
from bot.store.database import Database
from bot.vocabulary.config import normalize_database_url
from tests.support.harness import POSTGRES_URL
from tests.support.nudges import ZONES, dm_counts
from tests.support.servers import (
    WORKERS,
    Backend,
    Servers,
    log_answers_modal,
    save,
    slack_for,
    throwaway_postgres,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(POSTGRES_URL is None, reason="needs TEST_DATABASE_URL (PostgreSQL)"),
]

LEADERS = 200


@pytest.fixture
def postgres() -> Iterator[Backend]:
    """A PostgreSQL database of this test's own, dropped afterwards."""
    with throwaway_postgres("scale_out") as database:
        yield database


@pytest.fixture
def fake(fake_slack: FakeSlack) -> Iterator[FakeSlack]:
    fake_slack.reset()
    yield fake_slack
    assert not fake_slack.problems, "\n".join(fake_slack.problems[:20])


@pytest.fixture
def instances(postgres: Backend, tmp_path: Path, fake: FakeSlack) -> Iterator[list[Servers]]:
    """Two instances, each on its own port; whatever is left running is killed at teardown."""
    pair = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        pair.append(Servers(tmp_path / name, fake))
    try:
        yield pair
    finally:
        for servers in pair:
            servers.close()


def test_two_instances_with_their_clocks_on_nudge_each_due_leader_once(
    postgres: Backend, instances: list[Servers], fake: FakeSlack
) -> None:
    instances[0].migrate(postgres)
    # At DEBUG, APScheduler says each time a worker's clock runs the pass.
    started = [
        servers.start(
            postgres,
            "DEBUG",
            SCHEDULER="on",
            NUDGE_RATE_PER_MINUTE="1000000",
            NUDGE_BURST="10000",
        )
        for servers in instances
    ]
    slack_a, slack_b = (slack_for(servers, fake) for servers in instances)

    # Either instance answers: a form opened through A is saved through B and shows on A.
    for slack in (slack_a, slack_b):
        card = slack.command("vision")
        assert card.status == 200, card.body
        assert len(card.json["blocks"]) == 4, card.json
    assert save(slack_b, log_answers_modal(slack_a, fake), "Saved via B", "b").acknowledged
    assert "Saved via B" in str(slack_a.command("history").json["blocks"])

    # Due from this minute on, seeded once all four clocks run: they all tick at the next one.
    database = Database(normalize_database_url(postgres.url))
    try:
        seed_due_leaders(
            database, LEADERS, datetime.now(UTC).replace(second=0, microsecond=0), ZONES
        )
    finally:
        database.dispose()
    seeded = {f"U{n:08d}" for n in range(LEADERS)}
    deadline = time.monotonic() + 75
    while missing := seeded - set(dm_counts(fake)):
        assert time.monotonic() < deadline, f"{len(missing)} of {LEADERS} never nudged"
        time.sleep(0.2)
    time.sleep(3)  # a second nudge to anyone would have landed by now

    counts = dm_counts(fake)
    assert {user: counts[user] for user in seeded if counts[user] != 1} == {}
    for servers, server in zip(instances, started, strict=True):
        servers.stop(server)
    # Every worker's clock ran the pass at the tick; the claims gave each leader to one of them.
    logs = [server.output() for server in started]
    ticks = [log.count('Running job "nudge pass') for log in logs]
    assert min(ticks) >= WORKERS, f"passes run per instance: {ticks}"
    claimed = [sum(map(int, re.findall(r"nudge pass: (\d+) claimed", log))) for log in logs]
    assert sum(claimed) == LEADERS, f"claimed per instance: {claimed}"
