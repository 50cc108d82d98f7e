"""How listeners answer clicks and forms, and the replies several of them send the same way."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.blocks import as_dicts
from bot.blocks.notices import STALE_BUTTON, notice
from bot.blocks.refusals import words
from bot.domain.interactions import Click, Submission, click_of, submission_of
from bot.listeners.caller import context_of
from bot.senders.after_ack import AfterAckSender, Delivery, Respond
from bot.services.context import Context
from bot.vocabulary.refusals import Refusal

# What one click sends: (the caller's context, the click) -> deliveries.
Decision = Callable[[Context, Click], list[Delivery]]
# How one form is answered: it acks (`reject`, or closing or updating the modal) and may send.
FormHandler = Callable[[Ack, Context, Submission], None]


def button(app: App, sender: AfterAckSender, action_id: str, decide: Decision) -> None:
    """Answer clicks on `action_id`: ack at once, then send what `decide` returns (through
    the response_url, or by DM from the Home tab, which has none)."""

    def on_click(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext
    ) -> None:
        ack()
        ctx = context_of(context)
        if ctx is None:
            sender.reply(body, [stale_button()])
            return
        sender.reply(body, decide(ctx, click_of(body, action)))

    app.action(action_id)(on_click)


def form(app: App, callback_id: str, handle: FormHandler, *, no_caller: Mapping[str, str]) -> None:
    """Answer submissions of the modal `callback_id` with `handle`; a form Slack sent without
    saying who sent it stays open with the errors `no_caller`."""

    def on_submit(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
    ) -> None:
        ctx = context_of(context)
        if ctx is None:
            reject(ack, no_caller)
            return
        handle(ack, ctx, submission_of(body, view))

    app.view(callback_id)(on_submit)


def reject(ack: Ack, errors: Mapping[str, str]) -> None:
    """Keep the modal open, with each message under the input of its block id."""
    ack(response_action="errors", errors=dict(errors))


def form_errors(refusals: Refusal | Iterable[Refusal], field: str) -> dict[str, str]:
    """Block id -> what Slack shows under that input; a refusal of no input goes under `field`."""
    placed = (
        refusal if refusal.field else replace(refusal, field=field)
        for refusal in ([refusals] if isinstance(refusals, Refusal) else refusals)
    )
    return {refusal.field or field: words(refusal) for refusal in placed}


def stale_button() -> Respond:
    """For a click we can no longer act on (an old message, or a value not the caller's)."""
    return Respond(STALE_BUTTON, as_dicts(notice(STALE_BUTTON)), replace_original=False)
