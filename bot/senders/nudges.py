"""The nudge pass: who is due at `now` gets their daily DM, once.

A pass first plans the schedules still waiting for Slack to give a zone, then claims every
due nudge in the database (`services.nudges.claim_due_nudges`: any number of processes may
run passes at once), sends the DMs from a bounded thread pool, and records each: sent, left
for a later pass, or, when Slack says the leader has gone, paused with the reason.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from slack_sdk import WebClient

from bot.blocks import as_dicts
from bot.blocks.nudge import LOW_HEARTBEAT_NOTE, greeting, nudge_blocks, nudge_text
from bot.domain.nudge_rules import describe_instant, zone
from bot.domain.question_bank import QuestionBank
from bot.senders.pacing import Budget, GiveUp, Later, PacedSends, calling_slack
from bot.services.nudges import claim_due_nudges, keep_claims, record_sent
from bot.services.schedules import leaders_waiting_for_zone, pause_unreachable, zone_learned
from bot.services.todays_question import todays_nudge
from bot.store.claims import DueNudge
from bot.store.database import Database
from bot.store.slack_client import OneWorkspace, WorkspaceClients, fetch_zone
from bot.vocabulary import metrics
from bot.vocabulary.slack_call import Fault, SlackCallError, slack_call
from bot.vocabulary.slack_call import retry_after as retry_after  # tests/test_pacing.py
from bot.vocabulary.slack_errors import TOKEN_REFUSALS, UNREACHABLE

logger = logging.getLogger(__name__)

# Slack errors that mean this leader cannot be reached until something changes on their side.
LEAVER_ERRORS = frozenset(UNREACHABLE)
# users.info look-ups per pass for schedules waiting for a zone; the rest wait a minute.
ZONES_PER_PASS = 50
# A nudge Slack rate-limits is tried again after its Retry-After, this many times in a pass;
# then, or for a longer Retry-After, that workspace's nudges wait for a later pass.
RATE_LIMITED_TRIES = 3
MAX_RETRY_AFTER_SECONDS = 60.0


class Outcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"
    PAUSED = "paused"


@dataclass
class PassReport:
    due: int = 0
    claimed: int = 0
    in_flight_elsewhere: int = 0
    missed: int = 0
    advanced: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    decide_seconds: float = 0.0
    claim_seconds: float = 0.0
    send_seconds: float = 0.0
    preview: list[tuple[str, str, date, datetime]] = field(default_factory=list)


@dataclass(frozen=True)
class NudgePolicy:
    # How late a nudge may still go out; older ones are skipped.
    grace: timedelta = timedelta(hours=3)
    # How long a claim is its process's before another pass may take it again.
    lease: timedelta = timedelta(minutes=5)
    # Sending threads: workspaces sent to at once (each sends one nudge at a time); also the
    # most leaders a killed process can leave to be nudged twice.
    concurrency: int = 16
    # Each workspace's pace (senders/pacing.py), and how many of its nudges may be on their
    # way at once: one, so a refused token or a 429 costs one call, not a volley.
    budget: Budget = field(default_factory=Budget)
    sends_per_workspace: int = 1
    # How often a pass renews the leases of nudges still waiting for their workspace's turn.
    keep_alive_every: timedelta = timedelta(seconds=30)


class NudgeDispatcher:
    """Runs passes: decides who is due at `now`, claims, sends, records."""

    def __init__(
        self,
        database: Database,
        bank: QuestionBank,
        clients: WorkspaceClients | WebClient,
        policy: NudgePolicy = NudgePolicy(),
        rng: random.Random | None = None,
    ) -> None:
        self.database = database
        self.bank = bank
        self.clients = OneWorkspace(clients) if isinstance(clients, WebClient) else clients
        self.policy = policy
        self.rng = rng or random.Random()  # noqa: S311 - choosing questions, not secrets

    def run_pass(self, now: datetime, *, dry_run: bool = False) -> PassReport:
        """One pass at `now`: every due leader gets their nudge, once."""
        pass_started = time.perf_counter()
        if not dry_run:
            self._learn_waiting_zones(now)
        due = claim_due_nudges(
            self.database, now, self.policy.grace, self.policy.lease, dry_run=dry_run
        )
        report = PassReport(
            due=due.due,
            claimed=len(due.claimed),
            in_flight_elsewhere=due.in_flight_elsewhere,
            missed=due.missed,
            advanced=due.advanced,
            decide_seconds=due.decide_seconds,
            claim_seconds=due.claim_seconds,
            preview=due.preview,
        )
        if dry_run:
            return report
        started = time.perf_counter()
        if due.claimed:
            for outcome in self._send_paced(due.claimed, now, started):
                report.outcomes[outcome] = report.outcomes.get(outcome, 0) + 1
        report.send_seconds = time.perf_counter() - started
        _record_metrics(report, time.perf_counter() - pass_started)
        return report

    def _send_paced(self, claimed: list[DueNudge], now: datetime, started: float) -> list[Outcome]:
        """Each workspace's nudges within its budget, workspaces in parallel; the claims of
        nudges still waiting for their turn are kept alive meanwhile."""
        by_team: dict[str, list[DueNudge]] = {}
        for due in claimed:
            by_team.setdefault(due.team_id, []).append(due)
        waiting = {due.nudge_id for due in claimed}
        rate_limited: dict[int, int] = {}
        lock = threading.Lock()

        def keep_alive() -> None:
            with lock:
                ids = sorted(waiting)
            elapsed = timedelta(seconds=time.perf_counter() - started)
            keep_claims(self.database, ids, now + elapsed + self.policy.lease)

        def send(team_id: str, due: DueNudge) -> Outcome | Later | GiveUp[Outcome]:
            try:
                outcome = self._deliver(due, now)
            except Exception:
                # Our own failure (the database, say): this nudge waits for a later pass.
                logger.exception("nudge for leader %s not sent; will retry", due.leader_id)
                outcome = Outcome.RETRY
            with lock:
                if isinstance(outcome, Later):
                    rate_limited[due.nudge_id] = tries = rate_limited.get(due.nudge_id, 0) + 1
                    if tries <= RATE_LIMITED_TRIES and outcome.seconds <= MAX_RETRY_AFTER_SECONDS:
                        return outcome
                    # Slack keeps saying no: this workspace's nudges wait for a later pass.
                    logger.warning(
                        "no more nudges to workspace %s this pass: rate-limited %d times",
                        team_id,
                        tries,
                    )
                    outcome = GiveUp(Outcome.RETRY, Outcome.RETRY)
                if isinstance(outcome, GiveUp):
                    # None of this workspace's nudges is ours to keep alive any more.
                    waiting.difference_update(other.nudge_id for other in by_team[team_id])
                waiting.discard(due.nudge_id)
            return outcome

        paced: PacedSends[str, DueNudge, Outcome] = PacedSends(
            self.policy.budget,
            self.policy.concurrency,
            per_key=self.policy.sends_per_workspace,
            while_waiting=keep_alive,
            tend_every=self.policy.keep_alive_every.total_seconds(),
        )
        return paced.run(by_team, send)

    def _learn_waiting_zones(self, now: datetime) -> None:
        """Plan the schedules saved while Slack could not tell us the leader's zone."""
        for leader_id, team_id, user_id in leaders_waiting_for_zone(self.database, ZONES_PER_PASS):
            # Paced: a 429 here is one line, not a sleep of Slack's choosing mid-pass.
            client = self.clients.client_for(team_id, paced=True)
            tz = fetch_zone(client, user_id) if client is not None else None
            if tz is not None:
                zone_learned(self.database, leader_id, tz, now)

    def _deliver(self, due: DueNudge, now: datetime) -> Outcome | Later | GiveUp[Outcome]:
        client = self.clients.client_for(due.team_id, paced=True)
        if client is None:
            logger.warning("no nudges to workspace %s this pass: it has no install", due.team_id)
            return GiveUp(Outcome.RETRY, Outcome.RETRY)
        # A failure before Slack's is ours (the database, say): `send` logs it and retries.
        nudge = todays_nudge(self.database, self.bank, due, now, self.rng)
        choice, tz = nudge.choice, zone(due.tz)
        blocks = nudge_blocks(
            choice.asked,
            due.nudge_id,
            greeting(now.astimezone(tz).hour),
            describe_instant(nudge.upcoming[1], tz, now) if nudge.upcoming else None,
            choice.earlier_answer,
            LOW_HEARTBEAT_NOTE if choice.low_heartbeats else None,
            nudge.reminders,
            last_week=choice.last_week,
        )
        try:
            calling_slack()
            slack_call(
                client.chat_postMessage,
                channel=due.user_id,
                text=nudge_text(choice.asked),
                blocks=as_dicts(blocks),
            )
        except SlackCallError as failure:
            return self._not_sent(due, failure, now)
        try:
            record_sent(self.database, due, now, nudge.upcoming)
        except Exception:
            # Sent but not recorded: the claim's lease runs out and the nudge goes again.
            logger.exception("nudge for leader %s sent but not recorded", due.leader_id)
            return Outcome.RETRY
        return Outcome.SENT

    def _not_sent(
        self, due: DueNudge, failure: SlackCallError, now: datetime
    ) -> Outcome | Later | GiveUp[Outcome]:
        """What a nudge Slack did not take means for it, its workspace, and its leader."""
        if failure.retry_after is not None:
            # A 429: this workspace waits as long as Slack asks; the others go on.
            return Later(failure.retry_after)
        refused = failure.reason if failure.fault is Fault.REFUSED else None
        if refused in TOKEN_REFUSALS and refused not in LEAVER_ERRORS:
            # The workspace's token is gone: its other leaders wait, the others go on.
            logger.warning("no nudges to workspace %s this pass: %s", due.team_id, refused)
            return GiveUp(Outcome.RETRY, Outcome.RETRY)
        if refused in LEAVER_ERRORS:
            logger.info("pausing nudges for leader %s: %s", due.leader_id, refused)
            pause_unreachable(self.database, due, refused, now)
            return Outcome.PAUSED
        # Slack unreachable or busy, or a bug of ours (its traceback logged): one line each.
        logger.warning(
            "nudge for leader %s not sent (%s); will retry", due.leader_id, failure.reason
        )
        return Outcome.RETRY


def _record_metrics(report: PassReport, seconds: float) -> None:
    """A real pass's outcomes; a dry run previews and sends nothing, so it is not counted."""
    metrics.count_nudges("sent", report.outcomes.get(Outcome.SENT, 0))
    metrics.count_nudges("failed", report.outcomes.get(Outcome.RETRY, 0))
    metrics.count_nudges("paused", report.outcomes.get(Outcome.PAUSED, 0))
    metrics.count_nudges("missed", report.missed)
    metrics.observe_nudge_pass(seconds)
