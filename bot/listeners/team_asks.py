"""Asking the team in Slack: the leader's Ask the team button and form, `/ask-team ask` and
`pulse` (routed here by bot/listeners/commands.py), the team's Answer button and form, and
the leader's Reply to the team."""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks import as_dicts
from bot.blocks.ask_forms import answer_done_view, answer_modal, ask_modal, reply_modal
from bot.blocks.ask_message import asked_confirmation, asked_text, reply_blocks
from bot.blocks.notices import notice
from bot.blocks.refusals import words
from bot.domain.commands import AskTeamInSlack
from bot.domain.forms import parse_ask_form, parse_reply_form, parse_team_answer_form
from bot.domain.interactions import Click, Submission
from bot.domain.payloads import (
    decode_answer_target,
    decode_ask_metadata,
    decode_reply_metadata,
    encode_ask_metadata,
    parse_id,
)
from bot.domain.team_ask_rules import AskKind
from bot.listeners.questions import clicked_question
from bot.listeners.replies import button, form, form_errors, reject, stale_button
from bot.senders.after_ack import (
    AfterAck,
    AfterAckSender,
    Delivery,
    DirectMessage,
    OpenModal,
    Respond,
)
from bot.senders.team_asks import CountRefresher, post_ask
from bot.senders.threads import post_in_threads
from bot.services.answering import answer_invite, save_team_answer, withdraw_and_show
from bot.services.asking import (
    ask_form_for,
    ask_from_command,
    ask_from_form,
    close_awaits_zone,
    retry_posting,
)
from bot.services.asks import AskMessage
from bot.services.closing import ReplyTarget, reply_form_for, reply_targets
from bot.services.context import Context
from bot.services.deps import Deps
from bot.services.schedules import follow_zone
from bot.store.slack_client import fetch_zone
from bot.vocabulary import ids
from bot.vocabulary.refusals import Reason, Refusal
from bot.vocabulary.text import escape_mrkdwn

OUT_OF_DATE = Refusal(Reason.OUT_OF_DATE)


def register(app: App, deps: Deps, sender: AfterAckSender) -> None:
    """Wire the ask's buttons and forms onto `app`."""
    refresher = CountRefresher(deps, sender)
    button(app, sender, ids.ASK_TEAM_OPEN, open_ask_form)
    button(app, sender, ids.ASK_RETRY, retry_pressed)
    button(app, sender, ids.TEAM_ANSWER_OPEN, open_answer_form)
    button(app, sender, ids.TEAM_ANSWER_WITHDRAW, partial(withdraw_pressed, refresher=refresher))
    button(app, sender, ids.TEAM_REPLY_OPEN, open_reply_form)
    form(
        app,
        ids.ASK_TEAM_CALLBACK,
        partial(ask_submitted, sender=sender),
        no_caller=form_errors(OUT_OF_DATE, ids.ASK_QUESTION_BLOCK),
    )
    form(
        app,
        ids.TEAM_ANSWER_CALLBACK,
        partial(answer_submitted, refresher=refresher),
        no_caller=form_errors(OUT_OF_DATE, ids.TEAM_ANSWER_TEXT_BLOCK),
    )
    form(
        app,
        ids.TEAM_REPLY_CALLBACK,
        partial(reply_submitted, sender=sender),
        no_caller=form_errors(OUT_OF_DATE, ids.TEAM_REPLY_BLOCK),
    )


def _posting(ctx: Context, message: AskMessage, then: list[Delivery]) -> AfterAck:
    """Post the ask after the ack; `then` is sent once it is out (if nothing went wrong).

    A default close planned before Slack told us the leader's zone has the zone asked for
    first, so "the end of the next working day" is theirs, not UTC's. Keeping the zone
    moves every such close of theirs, this one's and any other ask's still waiting.
    """

    def run(client: WebClient) -> list[Delivery]:
        if close_awaits_zone(ctx.deps, message.ask_id):
            tz = fetch_zone(client, ctx.user_id)
            if tz is not None:
                follow_zone(replace(ctx, now=ctx.deps.clock()), tz)
        return post_ask(ctx.deps, message.ask_id, client) or then

    return AfterAck(run=run)


def _learn_zone(ctx: Context) -> AfterAck:
    """Ask Slack for the caller's zone, for the close of the ask they are about to submit."""

    def run(client: WebClient) -> list[Delivery]:
        tz = fetch_zone(client, ctx.user_id)
        if tz is not None:
            follow_zone(replace(ctx, now=ctx.deps.clock()), tz)
        return []

    return AfterAck(run=run)


# -- the leader asks --------------------------------------------------------------------------


def answer_ask_command(
    ack: Ack, ctx: Context, parsed: AskTeamInSlack, command: dict[str, Any], sender: AfterAckSender
) -> None:
    """`/ask-team ask #team …` and `pulse #team`: ask at once, with the defaults."""
    message = ask_from_command(ctx, parsed)
    blocks = as_dicts(asked_confirmation(message, default_close=True))
    ack(response_type="ephemeral", text=asked_text(message), blocks=blocks)
    sender.reply(command, [_posting(ctx, message, [])])


def open_ask_form(ctx: Context, click: Click) -> list[Delivery]:
    """Ask the team: the form, filled in with the question and (for a follow-up) where."""
    clicked = clicked_question(click)
    if clicked is None:
        return [stale_button()]
    opening = ask_form_for(ctx, clicked.ref, clicked.parent)
    if isinstance(opening, Refusal):
        return [stale_button()]
    view = ask_modal(
        opening.asked.text,
        encode_ask_metadata(opening.asked.ref, opening.asked.habit, opening.parent),
        opening.closes_on,
        opening.prefill,
        ctx.deps.anonymous_minimum,
    )
    opened = OpenModal(trigger_id=clicked.trigger_id, view=view.to_dict())
    return [opened] if opening.zone_known else [opened, _learn_zone(ctx)]


def ask_submitted(
    ack: Ack, ctx: Context, submission: Submission, *, sender: AfterAckSender
) -> None:
    """The ask form sent: keep the ask, then post it after the ack and tell the leader."""
    target = decode_ask_metadata(submission.private_metadata)
    if target is None:
        reject(ack, form_errors(OUT_OF_DATE, ids.ASK_QUESTION_BLOCK))
        return
    typed = parse_ask_form(submission.values)
    if isinstance(typed, list):
        reject(ack, form_errors(typed, ids.ASK_QUESTION_BLOCK))
        return
    message = ask_from_form(ctx, target, typed)
    if isinstance(message, Refusal):
        reject(ack, form_errors(message, ids.ASK_CLOSES_BLOCK))
        return
    ack()
    confirmation = DirectMessage(
        ctx.user_id, asked_text(message), as_dicts(asked_confirmation(message))
    )
    sender.send([_posting(ctx, message, [confirmation])], team_id=ctx.team_id)


def retry_pressed(ctx: Context, click: Click) -> list[Delivery]:
    """Try again: post the caller's unposted ask, once they have invited the bot."""
    ask_id = parse_id(click.value)
    if not ask_id:
        return [stale_button()]
    message = retry_posting(ctx, ask_id)
    if isinstance(message, Refusal):
        return [stale_button()]
    text = "Trying again…"
    done = Respond("Posted.", as_dicts(asked_confirmation(message)), replace_original=True)
    return [
        Respond(text, as_dicts(notice(text, ":hourglass:"))),
        _posting(ctx, message, [done]),
    ]


# -- the team answers -------------------------------------------------------------------------


def open_answer_form(ctx: Context, click: Click) -> list[Delivery]:
    """Answer: the form with the caller's answer so far, or why they cannot answer."""
    ask_id = parse_id(click.value)
    trigger_id = click.trigger_id
    if ask_id is None or trigger_id is None:
        return [stale_button()]
    # Where it was pressed: an ask posted in a channel is answered only from that channel.
    invite = answer_invite(ctx, ask_id, click.channel_id or "")
    if isinstance(invite, Refusal):
        text = words(invite)
        return [Respond(text, as_dicts(notice(text, ":speech_balloon:")), replace_original=False)]
    return [OpenModal(trigger_id=trigger_id, view=answer_modal(invite).to_dict())]


def answer_submitted(
    ack: Ack, ctx: Context, submission: Submission, *, refresher: CountRefresher
) -> None:
    """The answer form sent: keep the answer, or keep the form open with why not."""
    target = decode_answer_target(submission.private_metadata)
    if target is None:
        reject(ack, form_errors(OUT_OF_DATE, ids.TEAM_ANSWER_TEXT_BLOCK))
        return
    ask_id, channel_id = target
    values = submission.values
    taken = save_team_answer(
        ctx,
        ask_id,
        channel_id,
        lambda kind: parse_team_answer_form(values, pulse=kind is AskKind.PULSE),
    )
    if isinstance(taken, Refusal | list):
        reject(ack, form_errors(taken, ids.TEAM_ANSWER_TEXT_BLOCK))
        return
    said = "Your answer is changed." if taken.replaced else "Thank you: your answer is in."
    ack(response_action="update", view=answer_done_view(taken.message, said).to_dict())
    refresher.answered(ask_id, ctx.team_id)


def withdraw_pressed(ctx: Context, click: Click, *, refresher: CountRefresher) -> list[Delivery]:
    """Withdraw my answer, from inside the answer form, which then says so."""
    target = decode_answer_target(click.value)
    view_id = click.view_id
    if target is None or view_id is None:
        return [stale_button()]
    taken, message = withdraw_and_show(ctx, *target)
    if isinstance(taken, Refusal):
        said = words(taken)
    else:
        said = "Your answer is withdrawn: it is deleted and not counted."
        refresher.answered(target[0], ctx.team_id)
    if message is None:
        return [stale_button()]
    done = answer_done_view(message, said).to_dict()

    def update(client: WebClient) -> list[Delivery]:
        client.views_update(view_id=view_id, view=done)
        return []

    return [AfterAck(run=update)]


# -- the leader replies -----------------------------------------------------------------------


def open_reply_form(ctx: Context, click: Click) -> list[Delivery]:
    """Reply to the team: the form, if the ask is the caller's and was ever posted."""
    ask_id = parse_id(click.value)
    trigger_id = click.trigger_id
    if not ask_id or trigger_id is None:
        return [stale_button()]
    message = reply_form_for(ctx, ask_id)
    if isinstance(message, Refusal) and message.reason is Reason.NOT_POSTED:
        said = words(message)
        return [Respond(said, as_dicts(notice(said)), replace_original=False)]
    if isinstance(message, Refusal):
        return [stale_button()]
    return [OpenModal(trigger_id=trigger_id, view=reply_modal(ask_id, message.question).to_dict())]


def reply_submitted(
    ack: Ack, ctx: Context, submission: Submission, *, sender: AfterAckSender
) -> None:
    """The reply form sent: post it where the team answered, after the ack."""
    ask_id = decode_reply_metadata(submission.private_metadata)
    targets = reply_targets(ctx, ask_id) if ask_id else OUT_OF_DATE
    if isinstance(targets, Refusal):
        reject(ack, form_errors(targets, ids.TEAM_REPLY_BLOCK))
        return
    text = parse_reply_form(submission.values)
    if isinstance(text, list):
        reject(ack, form_errors(text, ids.TEAM_REPLY_BLOCK))
        return
    ack()
    sender.send([_post_reply(ctx.user_id, targets, text)], team_id=ctx.team_id)


def _post_reply(user_id: str, targets: list[ReplyTarget], text: str) -> AfterAck:
    """Post the leader's reply under each message that asked, then tell them it is done."""
    blocks = as_dicts(reply_blocks(user_id, text))
    said = "Posted your reply where the team answered."
    return post_in_threads(user_id, targets, escape_mrkdwn(text), blocks, said)
