"""Web API work a listener decides on, sent after Slack has its acknowledgement.

The app runs with `process_before_response=True`: a listener's return is the HTTP response,
so listeners do their database work, `ack()`, and hand what must still be sent (a message
via response_url, a modal, a DM) to the AfterAckSender, whose worker threads send it. We do
not use Bolt's lazy listeners for this: Bolt deep-copies the whole request for every lazy
function on every request, about 1.4 ms of CPU each time, even when there is nothing to send.

It lives in memory, not in a table: a process killed between the ack and Slack's answer
loses what is queued (docs/reliability-and-security.md, "What can still be lost: the
after-ack window").
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot.blocks import as_dicts
from bot.blocks.notices import notice
from bot.store.slack_client import WEB_API_TIMEOUT_SECONDS, OneWorkspace, WorkspaceClients
from bot.vocabulary import metrics
from bot.vocabulary.response_urls import is_allowed, response_url_origins
from bot.vocabulary.slack_call import Fault, SlackCallError, failure_of, slack_answered, slack_call

logger = logging.getLogger(__name__)
MODAL_FAILED = (
    "Slack could not open the form just now. Nothing was lost: "
    "please press the button again, or run the command again."
)


@dataclass(frozen=True)
class Respond:
    """Post to the interaction's response_url, replacing the message the button was on."""

    text: str
    blocks: list[dict[str, Any]]
    replace_original: bool = True


@dataclass(frozen=True)
class OpenModal:
    trigger_id: str
    view: dict[str, Any]


@dataclass(frozen=True)
class DirectMessage:
    user_id: str
    text: str
    blocks: list[dict[str, Any]]


@dataclass(frozen=True)
class UploadFile:
    """A file shared in the leader's DM with the bot."""

    user_id: str
    filename: str
    # Bytes can be made in the sender thread: a chart takes longer to draw than an ack may.
    content: str | bytes | Callable[[], bytes]
    comment: str
    # Told to the leader (replacing the "on its way" reply) if Slack refuses the file.
    failure_note: str = (
        "I could not share the file in our DM just now. Please try again in a minute."
    )


@dataclass(frozen=True)
class PublishHome:
    """Publish the leader's Home tab; `view` is built in the sender thread, off the ack path."""

    user_id: str
    view: Callable[[], dict[str, Any]]


@dataclass(frozen=True)
class ChannelMessage:
    """A post to a channel the leader chose; if Slack refuses, `fallback` tells them why."""

    channel: str
    text: str
    blocks: list[dict[str, Any]]
    fallback: DirectMessage


@dataclass(frozen=True)
class AfterAck:
    """Work that needs Slack and so cannot run before the ack; what it returns is delivered."""

    run: Callable[[WebClient], list[Delivery]]


Delivery = (
    Respond | OpenModal | DirectMessage | UploadFile | PublishHome | ChannelMessage | AfterAck
)


class AfterAckSender:
    """Sends deliveries from a small thread pool, so acknowledgements never wait on Slack.

    Each goes out with the token of the workspace it concerns (`clients`); a bare WebClient
    serves the one workspace of SLACK_BOT_TOKEN.
    """

    def __init__(self, clients: WorkspaceClients | WebClient, workers: int = 8) -> None:
        self.clients = OneWorkspace(clients) if isinstance(clients, WebClient) else clients
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="after-ack")
        self._pending = 0
        self._idle = threading.Condition()

    def reply(self, body: dict[str, Any], deliveries: list[Delivery]) -> None:
        """Queue `deliveries` in answer to a command or interaction whose payload is `body`."""
        response_url = body.get("response_url")
        user = body.get("user")
        user_id = user.get("id") if isinstance(user, dict) else body.get("user_id")
        team = body.get("team")
        team_id = team.get("id") if isinstance(team, dict) else body.get("team_id")
        self.send(
            deliveries,
            team_id=team_id if isinstance(team_id, str) else None,
            response_url=response_url if isinstance(response_url, str) else None,
            user_id=user_id if isinstance(user_id, str) else None,
        )

    def send(
        self,
        deliveries: list[Delivery],
        *,
        team_id: str | None,
        response_url: str | None = None,
        user_id: str | None = None,
    ) -> None:
        """Queue `deliveries` for workspace `team_id`; `response_url` is where `Respond` goes,
        if the request had one.

        If a delivery the person is waiting for fails, they are told at `response_url`, or by
        DM to `user_id` when there is none (the Home tab has no response_url).
        """
        if deliveries:
            with self._idle:
                self._pending += 1
            metrics.after_ack_queued(1)
            self._executor.submit(self._deliver_all, deliveries, team_id, response_url, user_id)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until everything queued so far has been sent (or failed); False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def _deliver_all(
        self,
        deliveries: list[Delivery],
        team_id: str | None,
        response_url: str | None,
        user_id: str | None,
    ) -> None:
        try:
            client = self.clients.client_for(team_id)
            if client is None:
                # Uninstalled since the request came in: nothing may be sent there any more.
                logger.warning("not sent: workspace %s has no install", team_id)
                return
            self._deliver_each(client, deliveries, response_url, user_id)
        finally:
            metrics.after_ack_queued(-1)
            with self._idle:
                self._pending -= 1
                self._idle.notify_all()

    def _deliver_each(
        self,
        client: WebClient,
        deliveries: list[Delivery],
        response_url: str | None,
        user_id: str | None,
    ) -> None:
        for delivery in deliveries:
            try:
                if isinstance(delivery, AfterAck):
                    self._deliver_each(client, delivery.run(client), response_url, user_id)
                else:
                    self._deliver(client, delivery, response_url, user_id)
            except Exception as error:
                # Slack's reason or the kind of failure, never the payload (what teams said);
                # a bug of ours has its traceback logged, once.
                name = type(delivery).__name__
                logger.warning(
                    "%s not delivered: %s", name, failure_of(error, f"delivering {name}")
                )
                self._tell_about(client, delivery, response_url, user_id)

    def _tell_about(
        self, client: WebClient, failed: Delivery, response_url: str | None, user_id: str | None
    ) -> None:
        """Tell the person what did not happen, if they were waiting for it."""
        if isinstance(failed, OpenModal):
            text, emoji, replace = MODAL_FAILED, ":hourglass:", False
        elif isinstance(failed, UploadFile):
            text, emoji, replace = failed.failure_note, ":warning:", True
        else:
            return
        blocks = as_dicts(notice(text, emoji))
        try:
            if response_url:
                self._post_response(
                    client,
                    response_url,
                    {"text": text, "blocks": blocks, "replace_original": replace},
                )
            elif user_id:
                _post(client, user_id, text, blocks)
        except Exception as error:
            told = failure_of(error, "telling the leader")
            logger.warning("could not tell the leader either: %s", told)

    def _deliver(
        self,
        client: WebClient,
        delivery: Delivery,
        response_url: str | None,
        user_id: str | None,
    ) -> None:
        if isinstance(delivery, Respond) and not response_url:
            # A click on the Home tab has no response_url: the answer goes by DM instead.
            if user_id:
                _post(client, user_id, delivery.text, delivery.blocks)
            else:
                logger.warning("no response_url nor user to answer")
        elif isinstance(delivery, Respond) and response_url:
            self._post_response(
                client,
                response_url,
                {
                    "text": delivery.text,
                    "blocks": delivery.blocks,
                    "replace_original": delivery.replace_original,
                    "response_type": "ephemeral",
                },
            )
        elif isinstance(delivery, OpenModal):
            slack_call(client.views_open, trigger_id=delivery.trigger_id, view=delivery.view)
        elif isinstance(delivery, ChannelMessage):
            try:
                _post(client, delivery.channel, delivery.text, delivery.blocks)
            except SlackCallError as failure:
                if not failure.answered:
                    raise  # Slack unreachable: the fallback could not go either
                # Slack said no (or not now): the fallback tells the leader why.
                self._deliver(client, delivery.fallback, response_url, None)
        elif isinstance(delivery, PublishHome):
            slack_call(client.views_publish, user_id=delivery.user_id, view=delivery.view())
        elif isinstance(delivery, UploadFile):
            # Files are shared into a channel, so open (or find) the DM with the leader first.
            opened = slack_call(client.conversations_open, users=delivery.user_id)
            # Text goes as `content`, anything else (a PNG) as `file`.
            content = delivery.content() if callable(delivery.content) else delivery.content
            payload = {"content": content} if isinstance(content, str) else {"file": content}
            slack_call(
                client.files_upload_v2,
                channel=opened["channel"]["id"],
                filename=delivery.filename,
                title=delivery.filename,
                initial_comment=delivery.comment,
                **payload,
            )
        elif isinstance(delivery, DirectMessage):
            _post(client, delivery.user_id, delivery.text, delivery.blocks)

    def _post_response(self, client: WebClient, response_url: str, payload: dict[str, Any]) -> None:
        # The edge refuses any other response_url already; this holds should one ever reach
        # here another way, so no request can aim the bot at a host of its choosing.
        if not is_allowed(response_url, response_url_origins(client.base_url)):
            raise SlackCallError(Fault.REFUSED, "response_url is not Slack's; nothing was posted")
        # Expired or used up is Slack's answer, not a bug of ours; the message never holds the URL.
        hook = WebhookClient(response_url, timeout=WEB_API_TIMEOUT_SECONDS)
        response = slack_call(hook.send_dict, payload)
        if response.status_code >= 400:
            raise slack_answered(response.status_code, None, response.headers)


def _post(client: WebClient, channel: str, text: str, blocks: list[dict[str, Any]]) -> None:
    """A message in `channel` (a user's id for their DM with the bot)."""
    slack_call(client.chat_postMessage, channel=channel, text=text, blocks=blocks)
