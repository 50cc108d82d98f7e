"""The leader's log: the Log answers form, and the buttons of history pages (Older, Newer)
and of each entry (Ask a follow-up, Edit, Delete)."""

from __future__ import annotations

from slack_bolt import Ack, App

from bot.blocks import as_dicts
from bot.blocks.alerts import alert_blocks, alert_text
from bot.blocks.entries import logged_confirmation
from bot.blocks.history import history_blocks
from bot.blocks.log_modal import edit_modal
from bot.blocks.question_card import question_card, question_card_text
from bot.domain.forms import parse_log_form
from bot.domain.history_cursor import decode_page_request
from bot.domain.interactions import Click, Submission
from bot.domain.payloads import decode_entry_action, decode_log_metadata
from bot.listeners.replies import button, form, form_errors, reject, stale_button
from bot.senders.after_ack import AfterAckSender, Delivery, DirectMessage, OpenModal, Respond
from bot.senders.home import home_for
from bot.services.context import Context
from bot.services.log import (
    browse,
    delete_own_entry,
    entry_to_edit,
    follow_up_to_entry,
    save_answers,
)
from bot.vocabulary import ids
from bot.vocabulary.refusals import Reason, Refusal

# What the form says when it no longer names a question of the bank we can read.
QUESTION_GONE = form_errors(Refusal(Reason.QUESTION_GONE), ids.LOG_ANSWER_BLOCK)


def register(app: App, sender: AfterAckSender) -> None:
    def log_answers_submitted(ack: Ack, ctx: Context, submission: Submission) -> None:
        target = decode_log_metadata(submission.private_metadata)
        if target is None:
            reject(ack, QUESTION_GONE)
            return
        typed = parse_log_form(submission.values, answer_input=not target.team_answered)
        if isinstance(typed, list):
            # Errors keep the modal open with everything the leader typed.
            reject(ack, form_errors(typed, ids.LOG_ANSWER_BLOCK))
            return
        # A failure to save is answered by the error policy (bot/listeners/errors.py), which
        # keeps the form open with what was typed.
        saved = save_answers(ctx, target, typed)
        if isinstance(saved, Refusal):
            reject(ack, form_errors(saved, ids.LOG_ANSWER_BLOCK))
            return
        ack()
        headline = "Updated." if saved.updated else "Saved what your team said."
        confirmation = as_dicts(logged_confirmation(saved.entry, headline))
        deliveries: list[Delivery] = [DirectMessage(ctx.user_id, headline, confirmation)]
        if saved.alert is not None:
            alert = saved.alert
            deliveries.append(
                DirectMessage(ctx.user_id, alert_text(alert), as_dicts(alert_blocks(alert)))
            )
        sender.send([*deliveries, home_for(ctx)], team_id=ctx.team_id)

    form(
        app,
        ids.LOG_CALLBACK,
        log_answers_submitted,
        no_caller=QUESTION_GONE,
    )
    button(app, sender, ids.HISTORY_OLDER, _page)
    button(app, sender, ids.HISTORY_NEWER, _page)
    button(app, sender, ids.ENTRY_FOLLOW_UP, _entry_follow_up)
    button(app, sender, ids.ENTRY_EDIT, _entry_edit)
    button(app, sender, ids.ENTRY_DELETE, _entry_delete)


def _page(ctx: Context, click: Click) -> list[Delivery]:
    request = decode_page_request(click.value or "")
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


def _entry_follow_up(ctx: Context, click: Click) -> list[Delivery]:
    """A follow-up to the conversation in this entry, whose answers will link to it."""
    decoded = decode_entry_action(click.value)
    if not decoded:
        return [stale_button()]
    found = follow_up_to_entry(ctx, decoded[0])
    if isinstance(found, Refusal):
        return [stale_button()]
    asked, parent = found
    blocks = as_dicts(question_card(asked, parent=parent))
    return [Respond(question_card_text(asked), blocks, replace_original=False)]


def _entry_edit(ctx: Context, click: Click) -> list[Delivery]:
    decoded = decode_entry_action(click.value)
    trigger_id = click.trigger_id
    if not decoded or trigger_id is None:
        return [stale_button()]
    entry = entry_to_edit(ctx, decoded[0])
    if isinstance(entry, Refusal):
        return [stale_button()]
    return [OpenModal(trigger_id=trigger_id, view=edit_modal(entry).to_dict())]


def _entry_delete(ctx: Context, click: Click) -> list[Delivery]:
    """Delete the caller's own entry and show the page again from the top, same filters."""
    decoded = decode_entry_action(click.value)
    if not decoded:
        return [stale_button()]
    page = delete_own_entry(ctx, *decoded)
    if isinstance(page, Refusal):
        return [stale_button()]
    return [
        Respond("Deleted. Your team's answers", as_dicts(history_blocks(page))),
        home_for(ctx),
    ]
