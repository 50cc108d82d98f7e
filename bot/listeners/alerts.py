"""The morale alert's buttons: Ask it out loud (the question's card, to ask and then log) and
Turn off these alerts. Ask the team in Slack is the ask form's own button."""

from __future__ import annotations

from slack_bolt import App

from bot.blocks import as_dicts
from bot.blocks.alerts import ALERTS_OFF
from bot.blocks.notices import notice
from bot.blocks.question_card import question_card, question_card_text
from bot.domain.interactions import Click
from bot.domain.payloads import valid_ref
from bot.listeners.replies import button, stale_button
from bot.senders.after_ack import AfterAckSender, Delivery, Respond
from bot.services.alerts import turn_alerts
from bot.services.context import Context
from bot.services.questions import remember_for_logging
from bot.vocabulary import ids
from bot.vocabulary.refusals import Refusal


def register(app: App, sender: AfterAckSender) -> None:
    button(app, sender, ids.MORALE_ASK_ALOUD, _ask_aloud)
    button(app, sender, ids.MORALE_ALERTS_OFF, _turn_off)


def _ask_aloud(ctx: Context, click: Click) -> list[Delivery]:
    ref = valid_ref(click.value)
    asked = remember_for_logging(ctx, ref) if ref else None
    if asked is None or isinstance(asked, Refusal):
        return [stale_button()]
    card = as_dicts(question_card(asked))
    return [Respond(question_card_text(asked), card, replace_original=False)]


def _turn_off(ctx: Context, _click: Click) -> list[Delivery]:
    turn_alerts(ctx, on=False)
    return [Respond(ALERTS_OFF, as_dicts(notice(ALERTS_OFF, ":no_bell:")), replace_original=False)]
