"""Asking the team, on Slack's side: posting an ask, keeping its answer count current, and
the pass that closes asks and sends each leader their summary, exactly once.

Posting and closing are claims in the database (bot/store/team_asks.py): a process that dies
part-way leaves a lease that another process's pass takes over when it runs out.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from slack_sdk import WebClient

from bot.blocks import as_dicts
from bot.blocks.alerts import alert_blocks, alert_text
from bot.blocks.ask_message import (
    team_message,
    team_message_text,
    unposted_notice,
    unreached_notice,
)
from bot.blocks.ask_summary import summary_blocks, summary_file, summary_overflows, summary_text
from bot.domain.team_ask_rules import COUNT_UPDATE_EVERY
from bot.senders.after_ack import AfterAck, AfterAckSender, Delivery, DirectMessage
from bot.services.alerts import alert_after_pulse
from bot.services.answering import count_to_show, moved_closes, record_count_shown
from bot.services.asking import claim_asks_to_post, record_posted, record_unposted
from bot.services.asks import AskMessage, message_of
from bot.services.closing import (
    Closing,
    ReplyTarget,
    claim_closings,
    closing_of,
    dm_messages,
    finish_closing,
)
from bot.services.deps import Deps
from bot.store.models import AskStatus
from bot.store.slack_client import WorkspaceClients
from bot.vocabulary.slack_call import Fault, SlackCallError, slack_call
from bot.vocabulary.slack_errors import CANNOT_POST_IN_CHANNEL

logger = logging.getLogger(__name__)
RECHECK_EVERY = timedelta(seconds=1)
AT_ONCE = timedelta(milliseconds=50)


def post_ask(deps: Deps, ask_id: int, client: WebClient) -> list[Delivery]:
    """Post an ask where the leader asked; what the leader must be told, if anything."""
    message = message_of(deps, ask_id)
    if message is None or message.status != AskStatus.POSTING:
        return []  # posted (or closed) by another process meanwhile
    blocks, text = as_dicts(team_message(message)), team_message_text(message)
    if message.channel_id is not None:
        try:
            posted = slack_call(
                client.chat_postMessage, channel=message.channel_id, text=text, blocks=blocks
            )
        except SlackCallError as failure:
            if failure.reason not in CANNOT_POST_IN_CHANNEL:
                raise  # a Slack outage: the pass posts it once the lease runs out
            record_unposted(deps, ask_id)
            logger.info("ask not posted: %s", failure.reason)
            notice = as_dicts(unposted_notice(message))
            return [DirectMessage(message.leader_user_id, "I could not post your question", notice)]
        record_posted(deps, ask_id, str(posted["ts"]), {}, message.closes_at)
        return []
    sent: dict[str, tuple[str, str]] = {}
    for person in message.people:
        try:
            posted = slack_call(client.chat_postMessage, channel=person, text=text, blocks=blocks)
            sent[person] = (str(posted["channel"]), str(posted["ts"]))
        except SlackCallError as failure:
            if not failure.answered:
                raise  # Slack unreachable: the pass posts it once the lease runs out
            # What Slack answered about one person does not hold back the others.
            logger.info("ask not sent to one person: %s", failure.reason)
    record_posted(deps, ask_id, None, sent, message.closes_at)
    missed = [person for person in message.people if person not in sent]
    if not missed:
        return []
    note = as_dicts(unreached_notice(missed, len(message.people)))
    return [DirectMessage(message.leader_user_id, "Some could not be reached", note)]


class CountRefresher:
    """Keeps a channel message's "N answers so far" current, at most once every few seconds
    across all processes, and always ending on the true count."""

    def __init__(self, deps: Deps, sender: AfterAckSender) -> None:
        self._deps = deps
        self._sender = sender
        self._waiting: set[int] = set()
        self._lock = threading.Lock()

    def answered(self, ask_id: int, team_id: str) -> None:
        """An answer came, changed or went: the count may need updating."""
        with self._lock:
            if ask_id in self._waiting:
                return  # an update is already planned here; it will read the count then
        self._sender.send(
            [AfterAck(run=lambda client: self._refresh(ask_id, team_id, client))],
            team_id=team_id,
        )

    def _refresh(self, ask_id: int, team_id: str, client: WebClient) -> list[Delivery]:
        decision = count_to_show(self._deps, ask_id, self._deps.clock())
        if isinstance(decision, timedelta):
            self._later(ask_id, team_id, decision)
        elif isinstance(decision, AskMessage) and decision.channel_id and decision.message_ts:
            try:
                slack_call(
                    client.chat_update,
                    channel=decision.channel_id,
                    ts=decision.message_ts,
                    text=team_message_text(decision),
                    blocks=as_dicts(team_message(decision)),
                )
            except SlackCallError as failure:
                if failure.fault is Fault.OUR_BUG:
                    raise  # its traceback is logged; trying again would only repeat it
                # The count stays as it was; the next window tries again.
                logger.warning("answer count not updated: %s", failure.reason)
                self._later(ask_id, team_id, COUNT_UPDATE_EVERY)
                return []
            record_count_shown(self._deps, ask_id, decision.answered)
            latest = message_of(self._deps, ask_id)
            if latest is not None and not latest.is_open:
                # Closed while this update was on its way: it must not reopen the message.
                slack_call(
                    client.chat_update,
                    channel=decision.channel_id,
                    ts=decision.message_ts,
                    text=team_message_text(latest),
                    blocks=as_dicts(team_message(_as_closed(latest))),
                )
                return []
            # Answers that came during the update are shown by the next one (if nothing
            # changed, count_to_show answers None at the cost of one read).
            self._later(ask_id, team_id, AT_ONCE)
        return []

    def _later(self, ask_id: int, team_id: str, delay: timedelta) -> None:
        with self._lock:
            if ask_id in self._waiting:
                return
            self._waiting.add(ask_id)

        def fire() -> None:
            with self._lock:
                self._waiting.discard(ask_id)
            self.answered(ask_id, team_id)

        # Looked at again at least every second: another process may have updated it since.
        timer = threading.Timer(min(delay, RECHECK_EVERY).total_seconds(), fire)
        timer.daemon = True
        timer.start()


def _targets(deps: Deps, message: AskMessage) -> list[ReplyTarget]:
    """The messages that asked: the channel's, or each DM."""
    targets = dm_messages(deps, message.ask_id)
    if message.channel_id and message.message_ts:
        targets.append(ReplyTarget(message.channel_id, message.message_ts))
    return targets


def redraw(deps: Deps, ask_id: int, client: WebClient) -> None:
    """Draw an open ask's messages again: the close they show moved into the leader's zone."""
    message = message_of(deps, ask_id)
    if message is None or not message.is_open:
        return
    blocks, text = as_dicts(team_message(message)), team_message_text(message)
    for target in _targets(deps, message):
        try:
            slack_call(
                client.chat_update,
                channel=target.channel,
                ts=target.thread_ts,
                text=text,
                blocks=blocks,
            )
        except SlackCallError as failure:
            if failure.fault is not Fault.REFUSED:
                raise  # the mark stays: the next pass tries again
            # A message deleted, or a DM closed for good: the others are still redrawn.
            logger.info("team message not redrawn: %s", failure.reason)
    record_count_shown(deps, ask_id, message.answered)


@dataclass
class ClosingReport:
    posted: int = 0
    closed: int = 0
    failed: int = 0


class AskCloser:
    """The pass that posts asks a stopped process left behind and closes asks that are due."""

    def __init__(self, deps: Deps, clients: WorkspaceClients) -> None:
        self.deps = deps
        self.clients = clients

    def run_pass(self, now: datetime) -> ClosingReport:
        report = ClosingReport()
        for ask_id in claim_asks_to_post(self.deps, now):
            message = message_of(self.deps, ask_id)
            client = self.clients.client_for(message.team_id) if message else None
            if client is None:
                continue
            try:
                for delivery in post_ask(self.deps, ask_id, client):
                    if isinstance(delivery, DirectMessage):
                        slack_call(
                            client.chat_postMessage,
                            channel=delivery.user_id,
                            text=delivery.text,
                            blocks=delivery.blocks,
                        )
                report.posted += 1
            except SlackCallError as failure:
                logger.warning("ask still not posted: %s", failure)
        self.redraw_moved_closes()
        self.run_closings(now, report)
        return report

    def redraw_moved_closes(self) -> None:
        """Messages posted before the leader's zone was known show the close it moved from."""
        for ask_id in moved_closes(self.deps):
            message = message_of(self.deps, ask_id)
            client = self.clients.client_for(message.team_id) if message else None
            if client is None:
                continue
            try:
                redraw(self.deps, ask_id, client)
            except SlackCallError as failure:
                logger.warning("moved close not shown yet: %s", failure)

    def run_closings(self, now: datetime, report: ClosingReport) -> None:
        while claimed := claim_closings(self.deps, now):
            for ask_id in claimed:
                if self._close(ask_id, now):
                    report.closed += 1
                else:
                    report.failed += 1

    def _close(self, ask_id: int, now: datetime) -> bool:
        """Send the summary and close the ask; False to try again after the lease."""
        closing = closing_of(self.deps, ask_id)
        if closing is None:
            return True
        message = closing.message
        client = self.clients.client_for(message.team_id)
        if client is None:
            finish_closing(self.deps, ask_id, now)  # uninstalled: nobody to tell
            return True
        try:
            slack_call(
                client.chat_postMessage,
                channel=message.leader_user_id,
                text=summary_text(closing),
                blocks=as_dicts(summary_blocks(closing)),
            )
        except SlackCallError as failure:
            if failure.fault is not Fault.REFUSED:
                logger.warning("summary not sent, will retry: %s", failure.reason)
                return False
            # Sending it again would meet the same refusal: the ask closes without it.
            logger.warning("summary refused for good: %s", failure.reason)
        # Recorded at once: from here on nothing may send the summary again.
        finish_closing(self.deps, ask_id, now)
        self._send_every_answer(client, closing)
        self._alert_if_it_fell(client, closing, now)
        self._close_team_messages(client, message)
        return True

    def _send_every_answer(self, client: WebClient, closing: Closing) -> None:
        if not summary_overflows(closing):
            return
        try:
            opened = slack_call(client.conversations_open, users=closing.message.leader_user_id)
            slack_call(
                client.files_upload_v2,
                channel=opened["channel"]["id"],
                filename=f"answers-{closing.message.ask_id}.txt",
                title="Every answer",
                content=summary_file(closing),
            )
        except SlackCallError as failure:
            # The summary says the file follows; the export has every answer too.
            logger.warning("answers file not sent: %s", failure)

    def _alert_if_it_fell(self, client: WebClient, closing: Closing, now: datetime) -> None:
        alert = alert_after_pulse(self.deps, closing, now)
        if alert is None:
            return
        try:
            slack_call(
                client.chat_postMessage,
                channel=alert.leader_user_id,
                text=alert_text(alert),
                blocks=as_dicts(alert_blocks(alert)),
            )
        except SlackCallError as failure:
            # Claimed before sending, so at most once: the summary already shows the fall.
            logger.warning("morale alert not sent: %s", failure.reason)

    def _close_team_messages(self, client: WebClient, message: AskMessage) -> None:
        closed = message_of(self.deps, message.ask_id) or message
        blocks = as_dicts(team_message(_as_closed(closed)))
        for target in _targets(self.deps, message):
            try:
                slack_call(
                    client.chat_update,
                    channel=target.channel,
                    ts=target.thread_ts,
                    text=team_message_text(closed),
                    blocks=blocks,
                )
            except SlackCallError as failure:
                # The summary is what matters; a message left showing "open" refuses answers.
                logger.info("team message not closed: %s", failure)


def _as_closed(message: AskMessage) -> AskMessage:
    return replace(message, status=AskStatus.CLOSED)
