"""What an operator graphs, in Prometheus' text format: requests, ack latency, nudges, the queue.

Every label is one of the small closed sets below (a kind, an outcome): never a user or team
id, a token or anything a team said, so `GET /metrics` can be scraped without care.

Under gunicorn each worker is its own process. prometheus_client's multiprocess mode keeps
each process's values in files in PROMETHEUS_MULTIPROC_DIR and `render` sums them, whichever
worker answers the scrape. The library picks that mode once, when it is first imported, so
it is imported (and the metrics made) on first use only: `serve` sets the directory in the
master before that, and before forking. Anything else (Socket Mode, the tests' in-process app,
`send-due`) is one process and uses the default registry.
"""

from __future__ import annotations

import functools
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, get_args

if TYPE_CHECKING:
    from prometheus_client import Counter, Gauge, Histogram

MULTIPROC_DIR_ENV = "PROMETHEUS_MULTIPROC_DIR"

RequestKind = Literal["command", "action", "view", "event", "other"]
RequestOutcome = Literal["answered", "refused_4xx", "error"]
NudgeOutcome = Literal["sent", "failed", "paused", "missed"]
# How a workspace's learned pace for chat.postMessage changed (bot/domain/pace_rules.py).
PaceOutcome = Literal["lowered", "raised"]

# Slack gives up after 3 s; a healthy ack takes a few milliseconds.
ACK_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0)
# A pass is milliseconds when nobody is due and seconds when thousands are.
PASS_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


@dataclass(frozen=True)
class Metrics:
    requests: Counter
    ack_seconds: Histogram
    nudges: Counter
    nudge_pass_seconds: Histogram
    after_ack_pending: Gauge
    pace_changes: Counter


@functools.cache
def metrics() -> Metrics:
    """The metrics of this process, made on first use (see the module's docstring)."""
    from prometheus_client import Counter, Gauge, Histogram

    made = Metrics(
        requests=Counter(
            "ask_team_requests",
            "POST /slack/events by kind and outcome (refused before the kind is known: other)",
            ["kind", "outcome"],
        ),
        ack_seconds=Histogram(
            "ask_team_ack_seconds",
            "Time Bolt took to answer a request the edge accepted (Slack waits 3 s at most)",
            buckets=ACK_BUCKETS,
        ),
        nudges=Counter(
            "ask_team_nudges",
            "Daily nudges by outcome: sent, failed (retried next pass), paused (leader "
            "unreachable), missed (past the grace window)",
            ["outcome"],
        ),
        nudge_pass_seconds=Histogram(
            "ask_team_nudge_pass_seconds", "Duration of one nudge pass", buckets=PASS_BUCKETS
        ),
        after_ack_pending=Gauge(
            "ask_team_after_ack_pending",
            "Replies queued to send to Slack after the ack",
            # The sum over the workers alive now; a dead worker's queue is gone with it.
            multiprocess_mode="livesum",
        ),
        pace_changes=Counter(
            "ask_team_pace_changes",
            "Changes of a workspace's learned sending pace: lowered after a 429, raised after "
            "a quiet stretch (no workspace label)",
            ["outcome"],
        ),
    )
    # Every series exists from the start at 0, so rate() and absent-series alerts work at once.
    for kind in get_args(RequestKind):
        for outcome in get_args(RequestOutcome):
            made.requests.labels(kind=kind, outcome=outcome)
    for nudge in get_args(NudgeOutcome):
        made.nudges.labels(outcome=nudge)
    for pace in get_args(PaceOutcome):
        made.pace_changes.labels(outcome=pace)
    return made


def count_request(kind: RequestKind, outcome: RequestOutcome) -> None:
    metrics().requests.labels(kind=kind, outcome=outcome).inc()


def observe_ack(seconds: float) -> None:
    metrics().ack_seconds.observe(seconds)


def count_nudges(outcome: NudgeOutcome, number: int) -> None:
    if number:
        metrics().nudges.labels(outcome=outcome).inc(number)


def observe_nudge_pass(seconds: float) -> None:
    metrics().nudge_pass_seconds.observe(seconds)


def count_pace_change(outcome: PaceOutcome) -> None:
    metrics().pace_changes.labels(outcome=outcome).inc()


def after_ack_queued(change: int) -> None:
    metrics().after_ack_pending.inc(change)


def render() -> tuple[bytes, str]:
    """The body and content type of `GET /metrics`: every worker's values when there are several."""
    from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest

    metrics()
    if not os.environ.get(MULTIPROC_DIR_ENV):
        return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
    from prometheus_client.multiprocess import MultiProcessCollector

    # A registry per scrape, holding only the collector that reads every process's files.
    registry = CollectorRegistry()
    MultiProcessCollector(registry)  # type: ignore[no-untyped-call]  # untyped upstream
    return generate_latest(registry), CONTENT_TYPE_LATEST


def prepare_multiprocess_dir() -> Callable[[], None]:
    """In the master, before forking: the directory the workers' values go to, emptied.

    The operator's PROMETHEUS_MULTIPROC_DIR if set, else a new temporary directory. Returns
    what to call when the master exits (removing the temporary directory).
    """
    if "prometheus_client" in sys.modules:
        # Imported already, it has chosen single-process mode and would ignore the directory.
        raise RuntimeError("prepare_multiprocess_dir must run before prometheus_client is used")
    configured = os.environ.get(MULTIPROC_DIR_ENV, "").strip()
    if configured:
        path = Path(configured)
        path.mkdir(parents=True, exist_ok=True)
        # A previous run's files would add its counts to this run's.
        for stale in path.glob("*.db"):
            stale.unlink()
        return lambda: None
    created = tempfile.mkdtemp(prefix="ask-team-metrics-")
    os.environ[MULTIPROC_DIR_ENV] = created
    return functools.partial(shutil.rmtree, created, ignore_errors=True)


def worker_exited(pid: int) -> None:
    """In the master, when a worker has exited: its queue gauge no longer counts."""
    if not os.environ.get(MULTIPROC_DIR_ENV):
        return
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]  # untyped upstream
