"""Web API work a listener decides on, sent after Slack has its acknowledgement.

The app runs with `process_before_response=True`: a listener's return is the HTTP response,
so listeners do their database work, `ack()`, and hand what must still be sent (a message
via response_url, a modal, a DM) to the outbox, whose worker threads send it. We do not use
Bolt's lazy listeners for this: Bolt deep-copies the whole request for every lazy function
on every request, about 1.4 ms of CPU each time, even when there is nothing to send.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot.blocks import as_dicts
from bot.blocks.notices import notice

logger = logging.getLogger(__name__)
MODAL_FAILED = "Slack took too long to open the form. Please press the button again."


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
    # Bytes can be made in the outbox thread: a chart takes longer to draw than an ack may.
    content: str | bytes | Callable[[], bytes]
    comment: str


@dataclass(frozen=True)
class PublishHome:
    """Publish the leader's Home tab; `view` is built in the outbox thread, off the ack path."""

    user_id: str
    view: Callable[[], dict[str, Any]]


@dataclass(frozen=True)
class ChannelMessage:
    """A post to a channel the leader chose; if Slack refuses, `fallback` tells them why."""

    channel: str
    text: str
    blocks: list[dict[str, Any]]
    fallback: DirectMessage


Delivery = Respond | OpenModal | DirectMessage | UploadFile | PublishHome | ChannelMessage


class ResponseUrlError(RuntimeError):
    """Slack refused a post to a response_url (expired, used up, or malformed)."""


class Outbox:
    """Sends deliveries from a small thread pool, so acknowledgements never wait on Slack."""

    def __init__(self, client: WebClient, workers: int = 8) -> None:
        self.client = client
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="outbox")
        self._pending = 0
        self._idle = threading.Condition()

    def reply(self, body: dict[str, Any], deliveries: list[Delivery]) -> None:
        """Queue `deliveries` in answer to an interaction whose payload is `body`."""
        response_url = body.get("response_url")
        self.send(deliveries, response_url if isinstance(response_url, str) else None)

    def send(self, deliveries: list[Delivery], response_url: str | None = None) -> None:
        """Queue `deliveries`; `response_url` is where `Respond` goes, if the request had one."""
        if deliveries:
            with self._idle:
                self._pending += 1
            self._executor.submit(self._deliver_all, deliveries, response_url)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until everything queued so far has been sent (or failed); False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def close(self) -> None:
        """Finish what is queued, then stop."""
        self._executor.shutdown(wait=True)

    def _deliver_all(self, deliveries: list[Delivery], response_url: str | None) -> None:
        try:
            self._deliver_each(deliveries, response_url)
        finally:
            with self._idle:
                self._pending -= 1
                self._idle.notify_all()

    def _deliver_each(self, deliveries: list[Delivery], response_url: str | None) -> None:
        for delivery in deliveries:
            try:
                self._deliver(delivery, response_url)
            except Exception:
                # Never log the payload: it holds what the team said.
                logger.exception("delivering %s failed", type(delivery).__name__)
                if isinstance(delivery, OpenModal) and response_url:
                    self._apologise(response_url)

    def _deliver(self, delivery: Delivery, response_url: str | None) -> None:
        if isinstance(delivery, Respond):
            if not response_url:
                logger.warning("no response_url to respond to")
                return
            self._post_response(
                response_url,
                {
                    "text": delivery.text,
                    "blocks": delivery.blocks,
                    "replace_original": delivery.replace_original,
                    "response_type": "ephemeral",
                },
            )
        elif isinstance(delivery, OpenModal):
            self.client.views_open(trigger_id=delivery.trigger_id, view=delivery.view)
        elif isinstance(delivery, ChannelMessage):
            try:
                self.client.chat_postMessage(
                    channel=delivery.channel, text=delivery.text, blocks=delivery.blocks
                )
            except SlackApiError:
                self._deliver(delivery.fallback, response_url)
        elif isinstance(delivery, PublishHome):
            self.client.views_publish(user_id=delivery.user_id, view=delivery.view())
        elif isinstance(delivery, UploadFile):
            # Files are shared into a channel, so open (or find) the DM with the leader first.
            opened = self.client.conversations_open(users=delivery.user_id)
            # Text goes as `content`, anything else (a PNG) as `file`.
            content = delivery.content() if callable(delivery.content) else delivery.content
            payload = {"content": content} if isinstance(content, str) else {"file": content}
            self.client.files_upload_v2(
                channel=opened["channel"]["id"],
                filename=delivery.filename,
                title=delivery.filename,
                initial_comment=delivery.comment,
                **payload,
            )
        else:
            self.client.chat_postMessage(
                channel=delivery.user_id, text=delivery.text, blocks=delivery.blocks
            )

    def _post_response(self, response_url: str, payload: dict[str, Any]) -> None:
        response = WebhookClient(response_url, timeout=self.client.timeout).send_dict(payload)
        if response.status_code >= 400:
            raise ResponseUrlError(f"response_url answered {response.status_code}")

    def _apologise(self, response_url: str) -> None:
        try:
            self._post_response(
                response_url,
                {
                    "text": MODAL_FAILED,
                    "blocks": as_dicts(notice(MODAL_FAILED, ":hourglass:")),
                    "replace_original": False,
                },
            )
        except Exception:
            logger.exception("could not tell the leader about a failed delivery")
