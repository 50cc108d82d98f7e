"""The question card's buttons: Another question, Ask a follow-up and Log answers (its
Heartbeat trend button is bot/listeners/heartbeat.py's). Clicks are answered through the
interaction's response_url."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_bolt import App

from bot.blocks import as_dicts
from bot.blocks.log_modal import log_modal
from bot.blocks.question_card import question_card, question_card_text
from bot.domain.payloads import decode_log_metadata, valid_habit_filter, valid_ref
from bot.domain.question_bank import Asked
from bot.listeners.replies import button, stale_button
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


@dataclass(frozen=True)
class ClickedQuestion:
    """The question a Log answers or Ask the team button names, and the click's trigger."""

    asked: Asked
    # The entry it follows up, for a follow-up to a logged conversation.
    parent: int | None
    trigger_id: str


def clicked_question(
    ctx: Context, action: dict[str, Any], body: dict[str, Any]
) -> ClickedQuestion | None:
    """The button's question, now what the caller acts on; None for a stale or tampered one."""
    value = action.get("value")
    # A plain question reference, or {"q": ref, "p": entry} for a follow-up to an entry.
    target = decode_log_metadata(value) if isinstance(value, str) and value[:1] == "{" else None
    ref = target.ref if target else valid_ref(value)
    trigger_id = body.get("trigger_id")
    if not ref or not isinstance(trigger_id, str):
        return None
    asked = remember_for_logging(ctx, ref)
    if asked is None:
        return None
    return ClickedQuestion(asked, target.parent if target else None, trigger_id)


def _open_log(ctx: Context, action: dict[str, Any], body: dict[str, Any]) -> list[Delivery]:
    clicked = clicked_question(ctx, action, body)
    if clicked is None:
        return [stale_button()]
    view = log_modal(clicked.asked, parent=clicked.parent)
    return [OpenModal(trigger_id=clicked.trigger_id, view=view.to_dict())]
