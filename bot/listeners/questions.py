"""The question card's buttons: Another question, Ask a follow-up and Log answers (its
Heartbeat trend button is bot/listeners/heartbeat.py's). Clicks are answered through the
interaction's response_url."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.blocks import as_dicts
from bot.blocks.log_modal import log_modal
from bot.blocks.question_card import question_card, question_card_text
from bot.listeners.replies import button, stale_button
from bot.payloads import decode_log_metadata, valid_habit_filter, valid_ref
from bot.senders.after_ack import AfterAckSender, Delivery, OpenModal, Respond
from bot.services.context import Context
from bot.services.questions import ask, follow_up, remember_for_logging
from bot.vocabulary import ids


def register(app: App, sender: AfterAckSender) -> None:
    button(app, sender, ids.QUESTION_ANOTHER, _another_question)
    button(app, sender, ids.QUESTION_FOLLOW_UP, _follow_up)
    button(app, sender, ids.QUESTION_LOG, _open_log)


def _another_question(
    ctx: Context, action: dict[str, Any], _body: dict[str, Any]
) -> list[Delivery]:
    habit = valid_habit_filter(action.get("value"))
    asked = ask(ctx, habit)
    return [Respond(question_card_text(asked), as_dicts(question_card(asked, habit)))]


def _follow_up(ctx: Context, action: dict[str, Any], _body: dict[str, Any]) -> list[Delivery]:
    ref = valid_ref(action.get("value"))
    asked = follow_up(ctx, ref) if ref else None
    if asked is None:
        return [stale_button()]
    return [Respond(question_card_text(asked), as_dicts(question_card(asked)))]


def _open_log(ctx: Context, action: dict[str, Any], body: dict[str, Any]) -> list[Delivery]:
    value = action.get("value")
    # A plain question reference, or {"q": ref, "p": entry} for a follow-up to an entry.
    target = decode_log_metadata(value) if isinstance(value, str) and value[:1] == "{" else None
    ref = target.ref if target else valid_ref(value)
    trigger_id = body.get("trigger_id")
    asked = remember_for_logging(ctx, ref) if ref and isinstance(trigger_id, str) else None
    if asked is None or not isinstance(trigger_id, str):
        return [stale_button()]
    parent = target.parent if target else None
    return [OpenModal(trigger_id=trigger_id, view=log_modal(asked, parent=parent).to_dict())]
