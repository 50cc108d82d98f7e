"""The reminder pass: promises that come back to their leader on their day and a week past
it, and one polite reminder to each person asked by DM who has not answered.

A promise's reminder is a claim in the database with a lease, sent once across processes;
a DM ask's people are reminded in turns, each turn claimed by one process, so that nobody
is reminded twice and nothing records who was.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
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
# When Slack says "later" without saying when.
RETRY_AFTER = timedelta(minutes=2)


@dataclass
class ReminderReport:
    promises: int = 0
    people: int = 0
    to_retry: int = 0


class Reminders:
    """Sends the reminders due at each tick."""

    def __init__(self, deps: Deps, clients: WorkspaceClients) -> None:
        self.deps = deps
        self.clients = clients

    def run_pass(self, now: datetime) -> ReminderReport:
        report = ReminderReport()
        for reminder in promise_reminders_now(self.deps, now):
            self._remind_leader(reminder, now, report)
        for ask in asks_to_remind(self.deps, now):
            self._remind_people(ask, now, report)
        return report

    def _remind_leader(self, reminder: DueReminder, now: datetime, report: ReminderReport) -> None:
        promise = reminder.promise
        client = self.clients.client_for(promise.team_id)
        if client is None or not claim_promise_reminder(self.deps, reminder, now):
            return  # uninstalled, or another process has it
        if reminder.kind is PromiseReminder.DUE:
            text, blocks = due_today_text(promise), due_today(promise)
        else:
            text, blocks = week_overdue_text(promise), week_overdue(promise)
        try:
            slack_call(
                client.chat_postMessage, channel=promise.user_id, text=text, blocks=as_dicts(blocks)
            )
        except SlackCallError as failure:
            if failure.fault is not Fault.REFUSED:
                wait = timedelta(seconds=failure.retry_after or RETRY_AFTER.total_seconds())
                promise_reminder_later(self.deps, reminder, now + wait)
                logger.warning("promise reminder not sent, will retry: %s", failure.reason)
                report.to_retry += 1
                return
            # Sending it again would meet the same refusal.
            logger.warning("promise reminder refused for good: %s", failure.reason)
        promise_reminder_sent(self.deps, reminder, now)
        report.promises += 1

    def _remind_people(self, ask: AskToRemind, now: datetime, report: ReminderReport) -> None:
        if now < ask.halfway:
            return  # nobody's reminder comes before halfway
        client = self.clients.client_for(ask.team_id)
        if client is None:
            return
        people = people_of(self.deps, ask.ask_id)
        zones = {
            person.user_id: self._zone(client, ask, person.user_id, person.tz) for person in people
        }
        due = due_by(ask, zones, now)
        if not due:
            return  # nobody's turn yet: the next pass looks again
        to_remind = take_reminder_turn(self.deps, ask, due, now)
        message = message_of(self.deps, ask.ask_id)
        if not to_remind or message is None:
            return
        blocks, text = as_dicts(ask_reminder(message)), ask_reminder_text(message)
        reminded = 0
        for user_id in to_remind:
            try:
                # To the person, as the ask went: Slack posts it in their DM with the bot.
                slack_call(client.chat_postMessage, channel=user_id, text=text, blocks=blocks)
                reminded += 1
            except SlackCallError as failure:
                # At most once: a reminder missed is better than one sent twice.
                logger.info("reminder not sent to one person: %s", failure.reason)
        record_reminded(self.deps, ask.ask_id, reminded)
        report.people += reminded

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
