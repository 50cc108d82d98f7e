"""Buttons: on question cards and history pages, plus a polite answer for unknown ones."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.blocks import as_dicts
from bot.blocks.history import history_blocks
from bot.blocks.log_modal import edit_modal, log_modal
from bot.blocks.notices import SOMETHING_WENT_WRONG, STALE_BUTTON, notice
from bot.blocks.question_card import question_card, question_card_text
from bot.deps import Deps
from bot.history_cursor import decode_page_request
from bot.listeners.home_tab import home_for
from bot.listeners.identity import Caller, caller_of
from bot.listeners.outbox import Delivery, OpenModal, Outbox, Respond
from bot.listeners.trends import heartbeat_trend
from bot.payloads import (
    decode_entry_action,
    decode_log_metadata,
    valid_habit_filter,
    valid_ref,
)
from bot.services.journal import delete_entry, history_page, own_entry
from bot.services.leaders import find_leader_id, leader_id_for, remember_question
from bot.services.questions import ask_follow_up, ask_next_question
from bot.vocabulary import ids

logger = logging.getLogger(__name__)

# Decides what to send for one click: (caller, action, body) -> deliveries.
Decision = Callable[[Caller, dict[str, Any], dict[str, Any]], list[Delivery]]


def register(app: App, deps: Deps, outbox: Outbox) -> None:
    _button(app, outbox, ids.QUESTION_ANOTHER, lambda c, a, b: _another_question(deps, c, a))
    _button(app, outbox, ids.QUESTION_FOLLOW_UP, lambda c, a, b: _follow_up(deps, c, a))
    _button(app, outbox, ids.QUESTION_LOG, lambda c, a, b: _open_log(deps, c, a, b))
    _button(app, outbox, ids.QUESTION_HEARTBEAT_TREND, lambda c, a, b: _heartbeat_trend(deps, c))
    _button(app, outbox, ids.HISTORY_OLDER, lambda c, a, b: _history(deps, c, a))
    _button(app, outbox, ids.HISTORY_NEWER, lambda c, a, b: _history(deps, c, a))
    _button(app, outbox, ids.ENTRY_FOLLOW_UP, lambda c, a, b: _entry_follow_up(deps, c, a))
    _button(app, outbox, ids.ENTRY_EDIT, lambda c, a, b: _entry_edit(deps, c, a, b))
    _button(app, outbox, ids.ENTRY_DELETE, lambda c, a, b: _entry_delete(deps, c, a))
    # Anything else: a button from a message we no longer understand. Answer, don't 404.
    _button(app, outbox, re.compile(r".*"), lambda c, a, b: [_stale()])


def _button(app: App, outbox: Outbox, action_id: str | re.Pattern[str], decide: Decision) -> None:
    def on_click(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext
    ) -> None:
        ack()
        caller = caller_of(context)
        deliveries: list[Delivery]
        try:
            deliveries = [_stale()] if caller is None else decide(caller, action, body)
        except Exception:
            logger.exception("button %s failed", action.get("action_id"))
            deliveries = [
                Respond(
                    SOMETHING_WENT_WRONG, as_dicts(notice(SOMETHING_WENT_WRONG, ":warning:")), False
                )
            ]
        outbox.reply(body, deliveries)

    app.action(action_id)(on_click)


def _another_question(deps: Deps, caller: Caller, action: dict[str, Any]) -> list[Delivery]:
    habit = valid_habit_filter(action.get("value"))
    now = deps.clock()
    with deps.database.connection() as connection:
        leader_id = leader_id_for(connection, caller.team_id, caller.user_id, now)
        bank = deps.bank_for(connection, caller.team_id)
        asked = ask_next_question(connection, bank, leader_id, habit, deps.rng, now)
    return [Respond(question_card_text(asked), as_dicts(question_card(asked, habit)))]


def _heartbeat_trend(deps: Deps, caller: Caller) -> list[Delivery]:
    reading, chart = heartbeat_trend(caller, deps)
    return [reading, *chart]


def _follow_up(deps: Deps, caller: Caller, action: dict[str, Any]) -> list[Delivery]:
    ref = valid_ref(action.get("value"))
    with deps.database.connection() as connection:
        leader_id = leader_id_for(connection, caller.team_id, caller.user_id, deps.clock())
        bank = deps.bank_for(connection, caller.team_id)
        asked = ask_follow_up(connection, bank, leader_id, ref) if ref else None
    if asked is None:
        return [_stale()]
    return [Respond(question_card_text(asked), as_dicts(question_card(asked)))]


def _open_log(
    deps: Deps, caller: Caller, action: dict[str, Any], body: dict[str, Any]
) -> list[Delivery]:
    value = action.get("value")
    # A plain question reference, or {"q": ref, "p": entry} for a follow-up to an entry.
    target = decode_log_metadata(value) if isinstance(value, str) and value[:1] == "{" else None
    ref = target.ref if target else valid_ref(value)
    trigger_id = body.get("trigger_id")
    if ref is None or not isinstance(trigger_id, str):
        return [_stale()]
    with deps.database.connection() as connection:
        asked = deps.bank_for(connection, caller.team_id).resolve(ref)
        if asked is None:
            return [_stale()]
        leader_id = leader_id_for(connection, caller.team_id, caller.user_id, deps.clock())
        remember_question(connection, leader_id, asked.ref)
    parent = target.parent if target else None
    return [OpenModal(trigger_id=trigger_id, view=log_modal(asked, parent=parent).to_dict())]


def _entry_follow_up(deps: Deps, caller: Caller, action: dict[str, Any]) -> list[Delivery]:
    """A follow-up to the conversation in this entry, whose answers will link to it."""
    decoded = decode_entry_action(action.get("value"))
    if decoded is None:
        return [_stale()]
    with deps.database.transaction() as session:
        leader_id = find_leader_id(session.connection(), caller.team_id, caller.user_id)
        entry = own_entry(session, leader_id, decoded[0])
        if entry is None or leader_id is None:
            return [_stale()]
        bank = deps.bank_for(session.connection(), caller.team_id)
        asked = ask_follow_up(session.connection(), bank, leader_id, entry.question_ref)
        if asked is None:
            return [_stale()]
        blocks = as_dicts(question_card(asked, parent=entry.id))
    return [Respond(question_card_text(asked), blocks, replace_original=False)]


def _entry_edit(
    deps: Deps, caller: Caller, action: dict[str, Any], body: dict[str, Any]
) -> list[Delivery]:
    decoded = decode_entry_action(action.get("value"))
    trigger_id = body.get("trigger_id")
    if decoded is None or not isinstance(trigger_id, str):
        return [_stale()]
    with deps.database.transaction(writes=False) as session:
        leader_id = find_leader_id(session.connection(), caller.team_id, caller.user_id)
        entry = own_entry(session, leader_id, decoded[0])
        if entry is None:
            return [_stale()]
        view = edit_modal(entry).to_dict()
    return [OpenModal(trigger_id=trigger_id, view=view)]


def _entry_delete(deps: Deps, caller: Caller, action: dict[str, Any]) -> list[Delivery]:
    """Delete the caller's own entry and show the page again from the top, same filters."""
    decoded = decode_entry_action(action.get("value"))
    if decoded is None:
        return [_stale()]
    entry_id, query = decoded
    with deps.database.transaction() as session:
        leader_id = find_leader_id(session.connection(), caller.team_id, caller.user_id)
        entry = own_entry(session, leader_id, entry_id)
        if entry is None:
            return [_stale()]
        delete_entry(session, entry)
        session.flush()
        page = history_page(session, leader_id, query)
    return [
        Respond("Deleted. Your team's answers", as_dicts(history_blocks(page))),
        home_for(deps, caller),
    ]


def _history(deps: Deps, caller: Caller, action: dict[str, Any]) -> list[Delivery]:
    request = decode_page_request(action.get("value", ""))
    if request is None:
        return [_stale()]
    # The cursor only bounds the search; the leader comes from the signed request, so a
    # forged cursor can at most page through the caller's own entries.
    with deps.database.transaction(writes=False) as session:
        leader_id = find_leader_id(session.connection(), caller.team_id, caller.user_id)
        if request.direction == "older":
            page = history_page(session, leader_id, request.query, older_than=request.cursor)
        else:
            page = history_page(session, leader_id, request.query, newer_than=request.cursor)
    return [Respond("Your team's answers", as_dicts(history_blocks(page)))]


def _stale() -> Respond:
    return Respond(STALE_BUTTON, as_dicts(notice(STALE_BUTTON)), replace_original=False)
