"""The leader's log: the Log answers form, and the buttons of history pages (Older, Newer)
and of each entry (Ask a follow-up, Edit, Delete)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.blocks import as_dicts
from bot.blocks.entries import logged_confirmation
from bot.blocks.history import history_blocks
from bot.blocks.log_modal import edit_modal
from bot.blocks.question_card import question_card, question_card_text
from bot.domain.forms import LogForm, parse_log_form
from bot.domain.history_cursor import decode_page_request
from bot.domain.payloads import decode_entry_action, decode_log_metadata
from bot.listeners.caller import context_of
from bot.listeners.replies import button, stale_button
from bot.senders.after_ack import AfterAckSender, Delivery, DirectMessage, OpenModal, Respond
from bot.senders.home import home_for
from bot.services.context import Context
from bot.services.journal import (
    NotSaved,
    browse,
    delete_own_entry,
    entry_to_edit,
    follow_up_to_entry,
    save_answers,
)
from bot.vocabulary import ids

NOT_YOURS = "This entry is no longer there to edit. Copy your text, then log it anew."
QUESTION_GONE = (
    "This question is no longer in the bank, so I cannot save against it. "
    "Copy your notes, then run /ask-team log."
)
WHY_NOT_SAVED = {NotSaved.NOT_THEIRS: NOT_YOURS, NotSaved.QUESTION_GONE: QUESTION_GONE}


def register(app: App, sender: AfterAckSender) -> None:
    def log_answers_submitted(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
        ctx = context_of(context)
        target = decode_log_metadata(view.get("private_metadata", ""))
        if ctx is None or target is None:
            ack(response_action="errors", errors={ids.LOG_ANSWER_BLOCK: QUESTION_GONE})
            return
        form = parse_log_form(view.get("state", {}).get("values"))
        if not isinstance(form, LogForm):
            # Errors keep the modal open with everything the leader typed.
            ack(response_action="errors", errors=form)
            return
        # A failure to save is answered by the error policy (bot/listeners/errors.py), which
        # keeps the form open with what was typed.
        saved = save_answers(ctx, target, form)
        if isinstance(saved, NotSaved):
            ack(response_action="errors", errors={ids.LOG_ANSWER_BLOCK: WHY_NOT_SAVED[saved]})
            return
        ack()
        headline = "Updated." if saved.updated else "Saved what your team said."
        confirmation = as_dicts(logged_confirmation(saved.entry, headline))
        sender.send(
            [DirectMessage(ctx.user_id, headline, confirmation), home_for(ctx)], team_id=ctx.team_id
        )

    app.view(ids.LOG_CALLBACK)(log_answers_submitted)
    button(app, sender, ids.HISTORY_OLDER, _page)
    button(app, sender, ids.HISTORY_NEWER, _page)
    button(app, sender, ids.ENTRY_FOLLOW_UP, _entry_follow_up)
    button(app, sender, ids.ENTRY_EDIT, _entry_edit)
    button(app, sender, ids.ENTRY_DELETE, _entry_delete)


def _page(ctx: Context, action: dict[str, Any], _body: dict[str, Any]) -> list[Delivery]:
    request = decode_page_request(action.get("value", ""))
    if request is None:
        return [stale_button()]
    older = request.direction == "older"
    page = browse(
        ctx,
        request.query,
        older_than=request.cursor if older else None,
        newer_than=None if older else request.cursor,
    )
    return [Respond("Your team's answers", as_dicts(history_blocks(page)))]


def _entry_follow_up(ctx: Context, action: dict[str, Any], _body: dict[str, Any]) -> list[Delivery]:
    """A follow-up to the conversation in this entry, whose answers will link to it."""
    decoded = decode_entry_action(action.get("value"))
    found = follow_up_to_entry(ctx, decoded[0]) if decoded else None
    if found is None:
        return [stale_button()]
    asked, parent = found
    blocks = as_dicts(question_card(asked, parent=parent))
    return [Respond(question_card_text(asked), blocks, replace_original=False)]


def _entry_edit(ctx: Context, action: dict[str, Any], body: dict[str, Any]) -> list[Delivery]:
    decoded = decode_entry_action(action.get("value"))
    trigger_id = body.get("trigger_id")
    entry = entry_to_edit(ctx, decoded[0]) if decoded and isinstance(trigger_id, str) else None
    if entry is None or not isinstance(trigger_id, str):
        return [stale_button()]
    return [OpenModal(trigger_id=trigger_id, view=edit_modal(entry).to_dict())]


def _entry_delete(ctx: Context, action: dict[str, Any], _body: dict[str, Any]) -> list[Delivery]:
    """Delete the caller's own entry and show the page again from the top, same filters."""
    decoded = decode_entry_action(action.get("value"))
    page = delete_own_entry(ctx, *decoded) if decoded else None
    if page is None:
        return [stale_button()]
    return [
        Respond("Deleted. Your team's answers", as_dicts(history_blocks(page))),
        home_for(ctx),
    ]
