"""Promise something, on a team conversation: the form, and the promise told in the thread
where the team answered (Done, in bot/listeners/home.py, is told there too)."""

from __future__ import annotations

from slack_bolt import Ack, App

from bot.blocks import as_dicts
from bot.blocks.promise_form import promise_modal, promise_post, thread_blocks
from bot.domain.forms import parse_promise_form
from bot.domain.interactions import Click, Submission
from bot.domain.payloads import parse_id
from bot.listeners.replies import button, form, form_errors, reject, stale_button
from bot.senders.after_ack import AfterAckSender, Delivery, OpenModal
from bot.senders.home import home_for
from bot.senders.threads import post_in_threads
from bot.services.context import Context
from bot.services.promises import make_promise, promise_form_for
from bot.vocabulary import ids
from bot.vocabulary.refusals import Reason, Refusal

GONE = Refusal(Reason.GONE, ids.PROMISE_WHAT_BLOCK)


def register(app: App, sender: AfterAckSender) -> None:
    """Wire Promise something onto `app`."""
    button(app, sender, ids.PROMISE_OPEN, open_promise_form)

    def submitted(ack: Ack, ctx: Context, submission: Submission) -> None:
        promise_submitted(ack, ctx, submission, sender=sender)

    form(app, ids.PROMISE_CALLBACK, submitted, no_caller=form_errors(GONE, ids.PROMISE_WHAT_BLOCK))


def open_promise_form(ctx: Context, click: Click) -> list[Delivery]:
    """The form, filled in with any promise already made on this conversation."""
    entry_id = parse_id(click.value)
    entry = promise_form_for(ctx, entry_id) if entry_id else GONE
    if isinstance(entry, Refusal) or click.trigger_id is None:
        return [stale_button()]
    return [OpenModal(trigger_id=click.trigger_id, view=promise_modal(entry).to_dict())]


def promise_submitted(
    ack: Ack, ctx: Context, submission: Submission, *, sender: AfterAckSender
) -> None:
    """Keep the promise; then, after the ack, tell the team where they answered."""
    entry_id = parse_id(submission.private_metadata)
    typed = parse_promise_form(submission.values)
    if isinstance(typed, list):
        reject(ack, form_errors(typed, ids.PROMISE_WHAT_BLOCK))
        return
    made = make_promise(ctx, entry_id, typed) if entry_id else GONE
    if isinstance(made, Refusal):
        reject(ack, form_errors(made, ids.PROMISE_WHAT_BLOCK))
        return
    ack()
    deliveries: list[Delivery] = [home_for(ctx)]
    if made.threads:
        text = promise_post(ctx.user_id, made.entry.question_text, typed.promise, typed.due)
        said = "Promised, and told the team where they answered."
        deliveries.append(
            post_in_threads(ctx.user_id, made.threads, text, as_dicts(thread_blocks(text)), said)
        )
    sender.send(deliveries, team_id=ctx.team_id)
