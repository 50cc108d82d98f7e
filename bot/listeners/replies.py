"""How listeners answer clicks, and the replies several of them send the same way."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.blocks import as_dicts
from bot.blocks.notices import STALE_BUTTON, notice
from bot.listeners.caller import context_of
from bot.senders.after_ack import AfterAckSender, Delivery, Respond
from bot.services.context import Context

# What one click sends: (the caller's context, the action, the whole payload) -> deliveries.
Decision = Callable[[Context, dict[str, Any], dict[str, Any]], list[Delivery]]


def button(app: App, sender: AfterAckSender, action_id: str, decide: Decision) -> None:
    """Answer clicks on `action_id`: ack at once, then send what `decide` returns (through
    the response_url, or by DM from the Home tab, which has none)."""

    def on_click(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext
    ) -> None:
        ack()
        ctx = context_of(context)
        sender.reply(body, [stale_button()] if ctx is None else decide(ctx, action, body))

    app.action(action_id)(on_click)


def stale_button() -> Respond:
    """For a click we can no longer act on (an old message, or a value not the caller's)."""
    return Respond(STALE_BUTTON, as_dicts(notice(STALE_BUTTON)), replace_original=False)
