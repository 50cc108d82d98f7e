"""Web API work a listener decides on but leaves until after Slack has its acknowledgement.

The app runs with `process_before_response=True`, so a listener's return is the HTTP
response. Listeners do their database work, `ack()`, and put what must still be sent
(a message via response_url, a modal, a DM) in the outbox on the Bolt context. Bolt copies
the context into the lazy `deliver` listener, which sends it from a worker thread.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot.blocks import as_dicts
from bot.blocks.notices import notice

OUTBOX_KEY = "ask_team_outbox"
logger = logging.getLogger(__name__)


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


Delivery = Respond | OpenModal | DirectMessage


def enqueue(context: BoltContext, *deliveries: Delivery) -> None:
    context[OUTBOX_KEY] = [*context.get(OUTBOX_KEY, []), *deliveries]


def deliver(context: BoltContext, client: WebClient, body: dict[str, Any]) -> None:
    """Lazy listener: send whatever the acknowledging listener queued."""
    for delivery in context.get(OUTBOX_KEY, []):
        try:
            _send(delivery, client, body)
        except Exception:
            # Never log the payload: it holds what the team said.
            logger.exception("delivering %s failed", type(delivery).__name__)
            if isinstance(delivery, OpenModal):
                _apologise(
                    client,
                    body,
                    "Slack took too long to open the form. Please press the button again.",
                )


def _send(delivery: Delivery, client: WebClient, body: dict[str, Any]) -> None:
    if isinstance(delivery, Respond):
        response_url = body.get("response_url")
        if not response_url:
            logger.warning("no response_url to respond to")
            return
        _post_response(
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
        client.views_open(trigger_id=delivery.trigger_id, view=delivery.view)
    else:
        client.chat_postMessage(
            channel=delivery.user_id, text=delivery.text, blocks=delivery.blocks
        )


class ResponseUrlError(RuntimeError):
    """Slack refused a post to a response_url (expired, used up, or malformed)."""


def _post_response(client: WebClient, response_url: str, payload: dict[str, Any]) -> None:
    response = WebhookClient(response_url, timeout=client.timeout).send_dict(payload)
    if response.status_code >= 400:
        raise ResponseUrlError(f"response_url answered {response.status_code}")


def _apologise(client: WebClient, body: dict[str, Any], text: str) -> None:
    response_url = body.get("response_url")
    if not response_url:
        return
    try:
        _post_response(
            client,
            response_url,
            {
                "text": text,
                "blocks": as_dicts(notice(text, ":hourglass:")),
                "replace_original": False,
            },
        )
    except Exception:
        logger.exception("could not tell the leader about a failed delivery")
