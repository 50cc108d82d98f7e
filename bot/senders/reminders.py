"""The reminder pass: promises that come back to their leader on their day and a week past
it, and one polite reminder to each person asked by DM who has not answered.

A promise's reminder is a claim in the database with a lease, sent once across processes;
a DM ask's people are reminded in turns, each turn claimed by one process, so that nobody
is reminded twice and nothing records who was.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk import WebClient

from bot.blocks import as_dicts
from bot.blocks.reminders import (
    ask_reminder,
    ask_reminder_text,
    due_today,
    due_today_text,
    week_overdue,
    week_overdue_text,
)
from bot.domain.nudge_rules import zone
from bot.domain.reminder_rules import PromiseReminder
from bot.senders.pacing import Budget, GiveUp, Later, PacedSends, Sent, calling_slack
from bot.services.asks import message_of
from bot.services.deps import Deps
from bot.services.reminders import (
    DueReminder,
    asks_to_remind,
    claim_promise_reminder,
    due_by,
    people_of,
    promise_reminder_later,
    promise_reminder_sent,
    promise_reminders_now,
    record_reminded,
    record_zone,
    take_reminder_turn,
)
from bot.store.reminders import AskToRemind
from bot.store.slack_client import WorkspaceClients, fetch_zone
from bot.vocabulary.slack_call import Fault, SlackCallError, slack_call

logger = logging.getLogger(__name__)
# A promise's reminder Slack did not take (busy, unreachable, or 429 again and again) is sent
# by the pass after this.
RETRY_AFTER = timedelta(minutes=2)
RATE_LIMITED_TRIES = 3
MAX_RETRY_AFTER_SECONDS = 60.0
PROMISE_SENT, PROMISE_REFUSED, TO_RETRY = "promise sent", "promise refused", "to retry"
PERSON_REMINDED, PERSON_MISSED = "person reminded", "person missed"


@dataclass
class ReminderReport:
    promises: int = 0
    people: int = 0
    to_retry: int = 0


@dataclass(frozen=True)
class _Reminder:
    """One DM to send: to a leader about `promise`, or to someone asked in `ask_id`."""

    channel: str
    text: str
    blocks: list[dict[str, Any]]
    promise: DueReminder | None = None
    ask_id: int | None = None


class Reminders:
    """Sends the reminders due at each tick, each workspace within its budget."""

    def __init__(
        self, deps: Deps, clients: WorkspaceClients, budget: Budget | None = None, workers: int = 4
    ) -> None:
        self.deps = deps
        self.clients = clients
        self.budget = budget or Budget()
        self.workers = workers
        # People reminded in this pass, by ask, counted as the sends come back.
        self._reminded: dict[int, int] = {}
        self._lock = threading.Lock()

    def run_pass(self, now: datetime) -> ReminderReport:
        by_team: dict[str, list[_Reminder]] = defaultdict(list)
        for due in promise_reminders_now(self.deps, now):
            if claim_promise_reminder(self.deps, due, now):
                by_team[due.promise.team_id].append(_to_leader(due))
        for ask in asks_to_remind(self.deps, now):
            by_team[ask.team_id].extend(self._people_due(ask, now))
        report = ReminderReport()
        if not by_team:
            return report
        tries: dict[int, int] = {}
        lock = threading.Lock()

        def send(team_id: str, item: _Reminder) -> Sent[str]:
            outcome = self._send(team_id, item, now)
            if isinstance(outcome, Later):
                with lock:
                    tries[id(item)] = tried = tries.get(id(item), 0) + 1
                if tried > RATE_LIMITED_TRIES or outcome.seconds > MAX_RETRY_AFTER_SECONDS:
                    # Slack keeps saying no: this one waits for a later pass.
                    return self._not_sent(item, now, None)
            return outcome

        paced: PacedSends[str, _Reminder, str] = PacedSends(self.budget, self.workers)
        outcomes = paced.run(dict(by_team), send)
        report.promises = outcomes.count(PROMISE_SENT)
        report.people = outcomes.count(PERSON_REMINDED)
        report.to_retry = outcomes.count(TO_RETRY)
        for ask_id in {item.ask_id for items in by_team.values() for item in items}:
            if ask_id is not None:
                record_reminded(self.deps, ask_id, self._reminded.pop(ask_id, 0))
        return report

    def _people_due(self, ask: AskToRemind, now: datetime) -> list[_Reminder]:
        """The reminders of `ask` due now, this process's to send; none before halfway."""
        if now < ask.halfway:
            return []
        client = self.clients.client_for(ask.team_id, paced=True)
        if client is None:
            return []
        people = people_of(self.deps, ask.ask_id)
        zones = {p.user_id: self._zone(client, ask, p.user_id, p.tz) for p in people}
        due = due_by(ask, zones, now)
        if not due:
            return []  # nobody's turn yet: the next pass looks again
        to_remind = take_reminder_turn(self.deps, ask, due, now)
        message = message_of(self.deps, ask.ask_id)
        if not to_remind or message is None:
            return []
        blocks, text = as_dicts(ask_reminder(message)), ask_reminder_text(message)
        # To the person, as the ask went: Slack posts it in their DM with the bot.
        return [_Reminder(user_id, text, blocks, ask_id=ask.ask_id) for user_id in to_remind]

    def _send(self, team_id: str, item: _Reminder, now: datetime) -> Sent[str]:
        client = self.clients.client_for(team_id, paced=True)
        if client is None:
            return GiveUp(TO_RETRY, TO_RETRY)  # uninstalled meanwhile
        try:
            calling_slack()
            slack_call(
                client.chat_postMessage, channel=item.channel, text=item.text, blocks=item.blocks
            )
        except SlackCallError as failure:
            if failure.retry_after is not None:
                return Later(failure.retry_after)  # this workspace waits; the others go on
            return self._not_sent(item, now, failure)
        if item.promise is not None:
            promise_reminder_sent(self.deps, item.promise, now)
            return PROMISE_SENT
        with self._lock:
            self._reminded[item.ask_id or 0] = self._reminded.get(item.ask_id or 0, 0) + 1
        return PERSON_REMINDED

    def _not_sent(self, item: _Reminder, now: datetime, failure: SlackCallError | None) -> str:
        reason = failure.reason if failure is not None else "rate-limited"
        if item.promise is None:
            # At most once: a reminder missed is better than one sent twice.
            logger.info("reminder not sent to one person: %s", reason)
            return PERSON_MISSED
        if failure is not None and failure.fault is Fault.REFUSED:
            # Sending it again would meet the same refusal.
            logger.warning("promise reminder refused for good: %s", reason)
            promise_reminder_sent(self.deps, item.promise, now)
            return PROMISE_REFUSED
        promise_reminder_later(self.deps, item.promise, now + RETRY_AFTER)
        logger.warning("promise reminder not sent, will retry: %s", reason)
        return TO_RETRY

    def _zone(
        self, client: WebClient, ask: AskToRemind, user_id: str, known: str | None
    ) -> ZoneInfo:
        if known is not None:
            return zone(known)
        found = fetch_zone(client, user_id)
        if found is None:
            return zone(None)  # UTC this time; Slack is asked again next pass
        record_zone(self.deps, ask.ask_id, user_id, found)
        return zone(found)


def _to_leader(due: DueReminder) -> _Reminder:
    promise = due.promise
    if due.kind is PromiseReminder.DUE:
        text, blocks = due_today_text(promise), due_today(promise)
    else:
        text, blocks = week_overdue_text(promise), week_overdue(promise)
    return _Reminder(promise.user_id, text, as_dicts(blocks), promise=due)
