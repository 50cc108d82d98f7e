"""Answering reminders: a promise's New date and Drop (Done is the Home's), and someone's
choice not to be reminded of a leader's questions again."""

from __future__ import annotations

from dataclasses import replace

from slack_bolt import Ack, App

from bot.blocks import as_dicts
from bot.blocks.notices import notice
from bot.blocks.refusals import words
from bot.blocks.reminders import dropped, new_date_modal, new_date_set, reminders_declined
from bot.domain.forms import parse_new_date_form
from bot.domain.interactions import Click, Submission
from bot.domain.payloads import decode_log_metadata, parse_id
from bot.listeners.replies import button, form, form_errors, reject, stale_button
from bot.senders.after_ack import AfterAckSender, Delivery, DirectMessage, OpenModal, Respond
from bot.senders.home import home_for
from bot.services.context import Context
from bot.services.promises import drop_promise, move_promise, promise_to_move
from bot.services.reminders import decline_reminders
from bot.vocabulary import ids
from bot.vocabulary.refusals import Reason, Refusal

GONE = Refusal(Reason.GONE, ids.PROMISE_NEW_DATE_BLOCK)


def register(app: App, sender: AfterAckSender) -> None:
    """Wire the reminders' buttons and the New date form onto `app`."""
    button(app, sender, ids.PROMISE_NEW_DATE_OPEN, open_new_date)
    button(app, sender, ids.PROMISE_DROP, drop)
    button(app, sender, ids.REMINDERS_DECLINE, decline)

    def submitted(ack: Ack, ctx: Context, submission: Submission) -> None:
        new_date_submitted(ack, ctx, submission, sender=sender)

    form(
        app,
        ids.PROMISE_NEW_DATE_CALLBACK,
        submitted,
        no_caller=form_errors(GONE, ids.PROMISE_NEW_DATE_BLOCK),
    )


def _refused(refusal: Refusal, field: str | None = None) -> Respond:
    """A refused click, said in a reply only the presser sees; worded as of `field`."""
    said = words(refusal if refusal.field else replace(refusal, field=field))
    return Respond(said, as_dicts(notice(said)), replace_original=False)


def open_new_date(ctx: Context, click: Click) -> list[Delivery]:
    """The New date form, on the promise's current day (or today, if that has passed)."""
    entry_id = parse_id(click.value)
    if entry_id is None or click.trigger_id is None:
        return [stale_button()]
    found = promise_to_move(ctx, entry_id)
    if isinstance(found, Refusal):
        return [_refused(found, ids.PROMISE_NEW_DATE_BLOCK)]
    entry, today = found
    return [OpenModal(click.trigger_id, new_date_modal(entry, today).to_dict())]


def new_date_submitted(
    ack: Ack, ctx: Context, submission: Submission, *, sender: AfterAckSender
) -> None:
    """Keep the new day, or say under the date what is wrong with it."""
    target = decode_log_metadata(submission.private_metadata)
    typed = parse_new_date_form(submission.values)
    if isinstance(typed, list):
        reject(ack, form_errors(typed, ids.PROMISE_NEW_DATE_BLOCK))
        return
    entry_id = target.entry_id if target is not None else None
    moved = move_promise(ctx, entry_id, typed) if entry_id is not None else GONE
    if isinstance(moved, Refusal):
        reject(ack, form_errors(moved, ids.PROMISE_NEW_DATE_BLOCK))
        return
    ack()
    said = new_date_set(moved)
    sender.send(
        [DirectMessage(ctx.user_id, said, as_dicts(notice(said, ":date:"))), home_for(ctx)],
        team_id=ctx.team_id,
    )


def drop(ctx: Context, click: Click) -> list[Delivery]:
    """Let the promise go: the reminder says so in its place."""
    entry_id = parse_id(click.value)
    if entry_id is None:
        return [stale_button()]
    let_go = drop_promise(ctx, entry_id)
    if isinstance(let_go, Refusal):
        return [_refused(let_go, ids.PROMISE_NEW_DATE_BLOCK)]
    return [Respond("Dropped", as_dicts(dropped(let_go))), home_for(ctx)]


def decline(ctx: Context, click: Click) -> list[Delivery]:
    """No more reminders of this leader's questions, for the presser."""
    ask_id = parse_id(click.value)
    if ask_id is None:
        return [stale_button()]
    message = decline_reminders(ctx, ask_id)
    if isinstance(message, Refusal):
        return [_refused(message)]
    return [Respond("No more reminders", as_dicts(reminders_declined(message)))]
