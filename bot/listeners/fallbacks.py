"""Answers for what no other listener claims: registered last, so they only see leftovers."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from slack_bolt import Ack, App

from bot.blocks.notices import stale_form_view
from bot.domain.interactions import submission_of
from bot.listeners.replies import stale_button
from bot.senders.after_ack import AfterAckSender

logger = logging.getLogger(__name__)
ANYTHING = re.compile(r".*")


def register(app: App, sender: AfterAckSender) -> None:
    def unknown_button(ack: Ack, body: dict[str, Any]) -> None:
        # A button from a message we no longer understand: answer, don't 404.
        ack()
        sender.reply(body, [stale_button()])

    def unknown_form(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        # A modal opened by an older version of the app: say so, and hand back what was typed.
        submission = submission_of(body, view)
        logger.info("form %r is not one we know", submission.callback_id)
        typed = typed_texts(submission.values)
        ack(response_action="update", view=stale_form_view(typed).to_dict())

    def unknown_event(event: dict[str, Any]) -> None:
        # Slack retries an event it sees refused, and disables deliveries that keep failing.
        logger.info("event %r is not one we act on", event.get("type"))

    def closed_form(ack: Ack) -> None:
        # No modal of ours asks to hear of its closing (notify_on_close); nothing to do.
        ack()

    app.action(ANYTHING)(unknown_button)
    app.view(ANYTHING)(unknown_form)
    app.view({"type": "view_closed", "callback_id": ANYTHING})(closed_form)
    app.event(ANYTHING)(unknown_event)


def typed_texts(values: Mapping[str, Any]) -> list[str]:
    """Every non-empty text input in a submitted view's state, in the order of its blocks."""
    texts = []
    # The edge let through only objects at both levels (bot/domain/slack_shapes.py).
    for block in values.values():
        for element in block.values():
            if element.get("type") != "plain_text_input":
                continue
            value = element.get("value")
            if isinstance(value, str) and value.strip():
                texts.append(value)
    return texts
