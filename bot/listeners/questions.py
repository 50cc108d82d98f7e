"""The question card's buttons: Another question, Ask a follow-up and Log answers (its
Heartbeat trend button is bot/listeners/heartbeat.py's). Clicks are answered through the
interaction's response_url."""

from __future__ import annotations

from dataclasses import dataclass

from slack_bolt import App

from bot.blocks import as_dicts
from bot.blocks.log_modal import log_modal
from bot.blocks.question_card import question_card, question_card_text
from bot.domain.interactions import Click
from bot.domain.payloads import decode_log_metadata, valid_habit_filter, valid_ref
from bot.listeners.replies import button, stale_button
from bot.senders.after_ack import AfterAckSender, Delivery, OpenModal, Respond
from bot.services.context import Context
from bot.services.questions import ask, follow_up, remember_for_logging
from bot.vocabulary import ids
from bot.vocabulary.refusals import Refusal


def register(app: App, sender: AfterAckSender) -> None:
    button(app, sender, ids.QUESTION_ANOTHER, _another_question)
    button(app, sender, ids.QUESTION_FOLLOW_UP, _follow_up)
    button(app, sender, ids.QUESTION_LOG, _open_log)


def _another_question(ctx: Context, click: Click) -> list[Delivery]:
    habit = valid_habit_filter(click.value)
    asked = ask(ctx, habit)
    return [Respond(question_card_text(asked), as_dicts(question_card(asked, habit)))]


def _follow_up(ctx: Context, click: Click) -> list[Delivery]:
    ref = valid_ref(click.value)
    if not ref:
        return [stale_button()]
    asked = follow_up(ctx, ref)
    if isinstance(asked, Refusal):
        return [stale_button()]
    return [Respond(question_card_text(asked), as_dicts(question_card(asked)))]


@dataclass(frozen=True)
class ClickedQuestion:
    """The question a Log answers or Ask the team button names, and the click's trigger."""

    ref: str
    # The entry it follows up, for a follow-up to a logged conversation.
    parent: int | None
    trigger_id: str


def clicked_question(click: Click) -> ClickedQuestion | None:
    """The button's question; None for a malformed or tampered value."""
    value = click.value
    # A plain question reference, or {"q": ref, "p": entry} for a follow-up to an entry.
    target = decode_log_metadata(value) if value and value[:1] == "{" else None
    ref = target.ref if target else valid_ref(value)
    if not ref or click.trigger_id is None:
        return None
    return ClickedQuestion(ref, target.parent if target else None, click.trigger_id)


def _open_log(ctx: Context, click: Click) -> list[Delivery]:
    clicked = clicked_question(click)
    if clicked is None:
        return [stale_button()]
    asked = remember_for_logging(ctx, clicked.ref)
    if isinstance(asked, Refusal):
        return [stale_button()]
    view = log_modal(asked, parent=clicked.parent)
    return [OpenModal(trigger_id=clicked.trigger_id, view=view.to_dict())]
