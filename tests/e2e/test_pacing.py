"""Nudges paced to Slack's limits: each workspace within its budget, none held up by another,
and a budget set too high learned down to the workspace's limit, for the next pass too.

Real passes against the fake Slack, which enforces a per-workspace budget and answers 429
with Retry-After; the bucket's arithmetic is in tests/unit/test_pacing.py.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from prometheus_client import REGISTRY

from bot.app.runtime import nudge_dispatcher
from bot.playground.fake_oauth import FakeWorkspace
from bot.playground.fake_slack import Call, SlackLimits
from bot.playground.seed import seed_due_leaders
from bot.senders.nudges import NudgeDispatcher, NudgePolicy
from bot.senders.pacing import Budget
from bot.store.models import utcnow
from bot.store.paces import StoredPaces
from bot.store.slack_client import OneWorkspace, web_client
from bot.vocabulary.metrics import metrics
from tests.support.harness import Harness
from tests.support.oauth import ACME, GLOBEX, Distributed, fresh

DUE = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def pace_changes(outcome: str) -> float:
    """What /metrics counts of the paces `outcome` (lowered or raised) so far."""
    metrics()  # made on first use
    counted = REGISTRY.get_sample_value("ask_team_pace_changes_total", {"outcome": outcome})
    return counted or 0.0


# -- real passes against Slack's limits -------------------------------------------------------


def two_workspaces_due(
    distributed: Distributed, leaders_each: int
) -> tuple[FakeWorkspace, FakeWorkspace]:
    """Acme and Globex installed, each with `leaders_each` leaders (and its installer) due."""
    acme, globex = fresh(ACME), fresh(GLOBEX)
    for workspace in (acme, globex):
        distributed.install(workspace)
        seed_due_leaders(
            distributed.database, leaders_each, DUE, ["Europe/Paris"], workspace.team_id
        )
    return acme, globex


def test_each_workspace_is_paced_to_its_budget_and_every_leader_is_nudged_once(
    distributed: Distributed,
) -> None:
    two_workspaces_due(distributed, leaders_each=5)
    distributed.fake.limits = SlackLimits(per_minute=120, burst=3)
    distributed.fake.forget_calls()
    dispatcher = nudge_dispatcher(distributed.settings, distributed.database, distributed.bank)
    # Under the limit by enough that the jitter of a busy machine never crosses it.
    dispatcher.policy = NudgePolicy(budget=Budget(per_minute=90, burst=3))

    try:
        report = dispatcher.run_pass(DUE)
    finally:
        refused = distributed.fake.limits.refused
        distributed.fake.limits = None

    # Five seeded leaders and the installer in each workspace: all sent, none refused.
    assert report.outcomes == {"sent": 12}
    assert refused == 0
    sent = distributed.fake.calls_to("chat.postMessage")
    per_workspace = {
        token: sorted(c.params["channel"] for c in sent if c.headers["Authorization"] == token)
        for token in {c.headers["Authorization"] for c in sent}
    }
    assert [len(set(channels)) for channels in per_workspace.values()] == [6, 6]
    assert all(len(channels) == 6 for channels in per_workspace.values()), "no duplicates"


def test_a_retry_after_from_one_workspace_slows_only_that_workspace(
    distributed: Distributed,
) -> None:
    acme, globex = two_workspaces_due(distributed, leaders_each=3)
    once = {"told": False}

    def busy_acme(call: Call) -> tuple[int, dict[str, object], dict[str, str]]:
        if acme.tokens[0] in call.headers["Authorization"] and not once["told"]:
            once["told"] = True
            return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"}
        return 200, {"ok": True, "channel": "D0DM", "ts": "1.0"}, {}

    distributed.fake.respond_with("chat.postMessage", busy_acme)
    distributed.fake.forget_calls()

    report = nudge_dispatcher(
        distributed.settings, distributed.database, distributed.bank
    ).run_pass(DUE)

    assert report.outcomes == {"sent": 8}
    calls = distributed.fake.calls_to("chat.postMessage")
    refused_at = next(c.at for c in calls if c.status == 429)
    acme_after = [
        c.at for c in calls if acme.tokens[0] in c.headers["Authorization"] and c.status == 200
    ]
    globex_sent = [c.at for c in calls if globex.tokens[0] in c.headers["Authorization"]]
    assert len(globex_sent) == 4
    assert len(acme_after) == 4
    # Acme waited out its Retry-After; Globex did not wait for it.
    assert min(acme_after) >= refused_at + 1.0
    assert max(globex_sent) < refused_at + 1.0


def restarted(distributed: Distributed, per_minute: float) -> NudgeDispatcher:
    """A nudge pass as a new process builds it, its ceiling `per_minute`, with the paces
    learned so far read from the database."""
    dispatcher = nudge_dispatcher(distributed.settings, distributed.database, distributed.bank)
    memory = StoredPaces(distributed.database, utcnow)
    dispatcher.policy = NudgePolicy(budget=Budget(per_minute=per_minute, burst=5, memory=memory))
    return dispatcher


def test_a_budget_over_the_limit_is_learned_down_and_a_restart_starts_from_it(
    distributed: Distributed,
) -> None:
    acme = fresh(ACME)
    distributed.install(acme)
    seed_due_leaders(distributed.database, 12, DUE, ["Europe/Paris"], acme.team_id)
    # Slack's bucket takes longer to fill than its Retry-After, as in the bench.
    distributed.fake.limits = SlackLimits(per_minute=240, burst=5)
    distributed.fake.forget_calls()
    lowered_before = pace_changes("lowered")

    try:
        # Told nothing of the limit: ten times over it.
        first = restarted(distributed, 2400).run_pass(DUE)
        refused_first = distributed.fake.limits.refused
        learned = StoredPaces(distributed.database, utcnow).learned(acme.team_id)
        # The next day's pass, in a process started afresh, from what the first learned.
        distributed.fake.limits = SlackLimits(per_minute=240, burst=5)
        second = restarted(distributed, 2400).run_pass(DUE + timedelta(days=1))
        refused_second = distributed.fake.limits.refused
    finally:
        distributed.fake.limits = None

    # Twelve seeded leaders and the installer, each nudged once a day.
    assert first.outcomes == second.outcomes == {"sent": 13}
    assert refused_first > 0
    assert learned is not None
    assert learned < 240, "under the limit"
    assert pace_changes("lowered") - lowered_before == refused_first
    assert refused_second == 0
    sent = [c for c in distributed.fake.calls_to("chat.postMessage") if c.status == 200]
    channels = [c.params["channel"] for c in sent]
    assert len(channels) == 26
    assert all(channels.count(channel) == 2 for channel in channels), "no duplicates"


def test_claims_waiting_for_their_turn_stay_this_passs_however_long_it_takes(
    harness: Harness,
) -> None:
    seed_due_leaders(harness.app.deps.database, 4, DUE, ["Europe/Paris"], team_id="T0TEAM")
    clients = OneWorkspace.from_settings(harness.app.settings)
    slow = NudgeDispatcher(
        harness.app.deps.database,
        harness.app.deps.bank,
        clients,
        NudgePolicy(
            lease=timedelta(seconds=1),
            budget=Budget(per_minute=60, burst=1),
            keep_alive_every=timedelta(seconds=0.2),
        ),
    )
    first = threading.Thread(target=slow.run_pass, args=(DUE,))
    first.start()
    harness.fake.wait_for("chat.postMessage", count=2, timeout=10)

    # Past the first pass's one-second lease, were it not kept alive.
    meanwhile = NudgeDispatcher(
        harness.app.deps.database, harness.app.deps.bank, web_client(harness.app.settings)
    ).run_pass(DUE + timedelta(seconds=1.5))
    first.join(timeout=30)

    assert meanwhile.claimed == 0
    assert meanwhile.in_flight_elsewhere >= 1
    channels = [c.params["channel"] for c in harness.fake.calls_to("chat.postMessage")]
    assert sorted(channels) == sorted(set(channels))
    assert len(channels) == 4
