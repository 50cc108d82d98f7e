"""Buttons: on question cards and history pages, plus a polite answer for unknown ones."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.blocks import as_dicts, ids
from bot.blocks.history import history_blocks
from bot.blocks.log_modal import log_modal
from bot.blocks.notices import SOMETHING_WENT_WRONG, STALE_BUTTON, notice
from bot.blocks.question_card import question_card, question_card_text
from bot.deps import Deps
from bot.listeners.identity import Caller, caller_of
from bot.listeners.outbox import Delivery, OpenModal, Respond, deliver, enqueue
from bot.payloads import decode_page_request, valid_habit_filter, valid_ref
from bot.services.journal import history_page
from bot.services.leaders import leader_for
from bot.services.questions import ask_follow_up, ask_next_question

logger = logging.getLogger(__name__)

# Decides what to send for one click: (caller, action, body) -> deliveries.
Decision = Callable[[Caller, dict[str, Any], dict[str, Any]], list[Delivery]]


def register(app: App, deps: Deps) -> None:
    _button(app, ids.QUESTION_ANOTHER, lambda c, a, b: _another_question(deps, c, a))
    _button(app, ids.QUESTION_FOLLOW_UP, lambda c, a, b: _follow_up(deps, c, a))
    _button(app, ids.QUESTION_LOG, lambda c, a, b: _open_log(deps, c, a, b))
    _button(app, ids.HISTORY_OLDER, lambda c, a, b: _history(deps, c, a))
    _button(app, ids.HISTORY_NEWER, lambda c, a, b: _history(deps, c, a))
    # Anything else: a button from a message we no longer understand. Answer, don't 404.
    _button(app, re.compile(r".*"), lambda c, a, b: [_stale()])


def _button(app: App, action_id: str | re.Pattern[str], decide: Decision) -> None:
    def on_click(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext
    ) -> None:
        ack()
        caller = caller_of(context)
        try:
            deliveries = [_stale()] if caller is None else decide(caller, action, body)
        except Exception:
            logger.exception("button %s failed", action.get("action_id"))
            deliveries = [
                Respond(
                    SOMETHING_WENT_WRONG, as_dicts(notice(SOMETHING_WENT_WRONG, ":warning:")), False
                )
            ]
        enqueue(context, *deliveries)

    app.action(action_id)(ack=on_click, lazy=[deliver])


def _another_question(deps: Deps, caller: Caller, action: dict[str, Any]) -> list[Delivery]:
    habit = valid_habit_filter(action.get("value"))
    now = deps.clock()
    with deps.database.transaction() as session:
        leader = leader_for(session, caller.team_id, caller.user_id, now)
        asked = ask_next_question(session, deps.bank, leader, habit, deps.rng, now)
    return [Respond(question_card_text(asked), as_dicts(question_card(asked, habit)))]


def _follow_up(deps: Deps, caller: Caller, action: dict[str, Any]) -> list[Delivery]:
    ref = valid_ref(action.get("value"))
    with deps.database.transaction() as session:
        leader = leader_for(session, caller.team_id, caller.user_id, deps.clock())
        asked = ask_follow_up(session, deps.bank, leader, ref) if ref else None
    if asked is None:
        return [_stale()]
    return [Respond(question_card_text(asked), as_dicts(question_card(asked)))]


def _open_log(
    deps: Deps, caller: Caller, action: dict[str, Any], body: dict[str, Any]
) -> list[Delivery]:
    ref = valid_ref(action.get("value"))
    asked = deps.bank.resolve(ref) if ref else None
    trigger_id = body.get("trigger_id")
    if asked is None or not isinstance(trigger_id, str):
        return [_stale()]
    with deps.database.transaction() as session:
        leader = leader_for(session, caller.team_id, caller.user_id, deps.clock())
        leader.last_question_ref = asked.ref
    return [OpenModal(trigger_id=trigger_id, view=log_modal(asked).to_dict())]


def _history(deps: Deps, caller: Caller, action: dict[str, Any]) -> list[Delivery]:
    request = decode_page_request(action.get("value", ""))
    if request is None:
        return [_stale()]
    # The cursor only bounds the search; the leader comes from the signed request, so a
    # forged cursor can at most page through the caller's own entries.
    with deps.database.transaction() as session:
        leader = leader_for(session, caller.team_id, caller.user_id, deps.clock())
        if request.direction == "older":
            page = history_page(session, leader, request.query, older_than=request.cursor)
        else:
            page = history_page(session, leader, request.query, newer_than=request.cursor)
    return [Respond("Your team's answers", as_dicts(history_blocks(page)))]


def _stale() -> Respond:
    return Respond(STALE_BUTTON, as_dicts(notice(STALE_BUTTON)), replace_original=False)
