"""Asking the team in Slack: the leader's Ask the team button and form, `/ask-team ask` and
`pulse` (routed here by bot/listeners/commands.py), the team's Answer button and form, and
the leader's Reply to the team."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.blocks import as_dicts
from bot.blocks.notices import notice
from bot.blocks.team_asks import (
    answer_done_view,
    answer_modal,
    ask_modal,
    asked_confirmation,
    asked_text,
    refusal_text,
    reply_blocks,
    reply_modal,
)
from bot.domain.commands import AskTeamInSlack
from bot.domain.forms import (
    AskForm,
    parse_ask_form,
    parse_reply_form,
    parse_team_answer_form,
)
from bot.domain.payloads import (
    decode_answer_target,
    decode_ask_metadata,
    decode_reply_metadata,
    encode_ask_metadata,
    parse_id,
)
from bot.domain.team_ask_rules import PULSE_QUESTION, AskKind, close_problem, closing_instant
from bot.listeners.caller import context_of
from bot.listeners.questions import clicked_question
from bot.listeners.replies import button, stale_button
from bot.senders.after_ack import (
    AfterAck,
    AfterAckSender,
    Delivery,
    DirectMessage,
    OpenModal,
    Respond,
)
from bot.senders.team_asks import CountRefresher, post_ask
from bot.services.context import Context
from bot.services.deps import Deps
from bot.services.schedules import follow_zone
from bot.services.team_asks import (
    PULSE_REF,
    AskMessage,
    AskRequest,
    Refusal,
    answer_invite,
    caller_tz,
    close_awaits_zone,
    default_closing,
    message_of,
    prefill_from_entry,
    reply_targets,
    request_from_command,
    retry_posting,
    save_team_answer,
    start_ask,
    withdraw_team_answer,
    zone_known,
)
from bot.store.slack_client import fetch_zone
from bot.vocabulary import ids
from bot.vocabulary.text import escape_mrkdwn

FORM_GONE = "This form is out of date. Close it and press the button again."
NEVER_POSTED = "Your question was never posted, so there is no thread to reply in."


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
                follow_zone(ctx, tz)
        return post_ask(ctx.deps, message.ask_id, client) or then

    return AfterAck(run=run)


def _learn_zone(ctx: Context) -> AfterAck:
    """Ask Slack for the caller's zone, for the close of the ask they are about to submit."""

    def run(client: WebClient) -> list[Delivery]:
        tz = fetch_zone(client, ctx.user_id)
        if tz is not None:
            follow_zone(ctx, tz)
        return []

    return AfterAck(run=run)


def answer_ask_command(
    ack: Ack, ctx: Context, parsed: AskTeamInSlack, command: dict[str, Any], sender: AfterAckSender
) -> None:
    """`/ask-team ask #team …` and `pulse #team`: ask at once, with the defaults."""
    message = start_ask(ctx, request_from_command(ctx, parsed))
    blocks = as_dicts(asked_confirmation(message, default_close=True))
    ack(response_type="ephemeral", text=asked_text(message), blocks=blocks)
    sender.reply(command, [_posting(ctx, message, [])])


def _channel_of(body: dict[str, Any]) -> str:
    """Where a button was pressed: the channel (or DM) of its message."""
    channel = body.get("channel")
    found = channel.get("id") if isinstance(channel, dict) else None
    if not isinstance(found, str):
        container = body.get("container")
        found = container.get("channel_id") if isinstance(container, dict) else None
    return found if isinstance(found, str) else ""


def register(app: App, deps: Deps, sender: AfterAckSender) -> None:
    refresher = CountRefresher(deps, sender)

    def open_ask_form(ctx: Context, action: dict[str, Any], body: dict[str, Any]) -> list[Delivery]:
        clicked = clicked_question(ctx, action, body)
        if clicked is None:
            return [stale_button()]
        view = ask_modal(
            clicked.asked.text,
            encode_ask_metadata(clicked.asked.ref, clicked.asked.habit, clicked.parent),
            default_closing(ctx).date(),
            prefill_from_entry(ctx, clicked.parent),
            ctx.deps.anonymous_minimum,
        )
        opening = OpenModal(trigger_id=clicked.trigger_id, view=view.to_dict())
        return [opening] if zone_known(ctx) else [opening, _learn_zone(ctx)]

    def ask_submitted(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
        ctx = context_of(context)
        target = decode_ask_metadata(view.get("private_metadata"))
        if ctx is None or target is None:
            ack(response_action="errors", errors={ids.ASK_QUESTION_BLOCK: FORM_GONE})
            return
        form = parse_ask_form(view.get("state", {}).get("values"))
        if not isinstance(form, AskForm):
            ack(response_action="errors", errors=form)
            return
        closes_at = closing_instant(form.closes_on, caller_tz(ctx))
        problem = close_problem(closes_at, ctx.now)
        if problem:
            ack(response_action="errors", errors={ids.ASK_CLOSES_BLOCK: problem})
            return
        pulse = target.ref == PULSE_REF
        message = start_ask(
            ctx,
            AskRequest(
                kind=AskKind.PULSE if pulse else AskKind.QUESTION,
                ref=target.ref,
                text=PULSE_QUESTION if pulse else form.question,
                habit=target.habit,
                channel_id=form.channel,
                people=form.people,
                anonymous=form.anonymous,
                closes_at=closes_at,
                parent_entry_id=target.parent,
            ),
        )
        ack()
        confirmation = DirectMessage(
            ctx.user_id, asked_text(message), as_dicts(asked_confirmation(message))
        )
        sender.send([_posting(ctx, message, [confirmation])], team_id=ctx.team_id)

    def retry(ctx: Context, action: dict[str, Any], _body: dict[str, Any]) -> list[Delivery]:
        ask_id = parse_id(action.get("value"))
        message = retry_posting(ctx, ask_id) if ask_id else None
        if message is None:
            return [stale_button()]
        text = "Trying again…"
        done = Respond("Posted.", as_dicts(asked_confirmation(message)), replace_original=True)
        return [
            Respond(text, as_dicts(notice(text, ":hourglass:"))),
            _posting(ctx, message, [done]),
        ]

    def open_answer_form(
        ctx: Context, action: dict[str, Any], body: dict[str, Any]
    ) -> list[Delivery]:
        ask_id = parse_id(action.get("value"))
        trigger_id = body.get("trigger_id")
        if ask_id is None or not isinstance(trigger_id, str):
            return [stale_button()]
        invite = answer_invite(ctx, ask_id, _channel_of(body))
        if isinstance(invite, Refusal):
            text = refusal_text(invite)
            return [
                Respond(text, as_dicts(notice(text, ":speech_balloon:")), replace_original=False)
            ]
        return [OpenModal(trigger_id=trigger_id, view=answer_modal(invite).to_dict())]

    def answer_submitted(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
        ctx = context_of(context)
        target = decode_answer_target(view.get("private_metadata"))
        if ctx is None or target is None:
            ack(response_action="errors", errors={ids.TEAM_ANSWER_TEXT_BLOCK: FORM_GONE})
            return
        ask_id, channel_id = target
        values = view.get("state", {}).get("values")
        taken = save_team_answer(
            ctx,
            ask_id,
            channel_id,
            lambda kind: parse_team_answer_form(values, pulse=kind is AskKind.PULSE),
        )
        if isinstance(taken, Refusal):
            ack(response_action="errors", errors={ids.TEAM_ANSWER_TEXT_BLOCK: refusal_text(taken)})
            return
        if isinstance(taken, dict):
            ack(response_action="errors", errors=taken)
            return
        said = "Your answer is changed." if taken.replaced else "Thank you: your answer is in."
        ack(response_action="update", view=answer_done_view(taken.message, said).to_dict())
        refresher.answered(ask_id, ctx.team_id)

    def withdraw(ctx: Context, action: dict[str, Any], body: dict[str, Any]) -> list[Delivery]:
        target = decode_answer_target(action.get("value"))
        view = body.get("view")
        view_id = view.get("id") if isinstance(view, dict) else None
        if target is None or not isinstance(view_id, str):
            return [stale_button()]
        taken = withdraw_team_answer(ctx, *target)
        if isinstance(taken, Refusal):
            said = refusal_text(taken)
            message = message_of(ctx.deps, target[0])
        else:
            said = "Your answer is withdrawn: it is deleted and not counted."
            message = taken.message
            refresher.answered(target[0], ctx.team_id)
        if message is None:
            return [stale_button()]
        done = answer_done_view(message, said).to_dict()

        def update(client: WebClient) -> list[Delivery]:
            client.views_update(view_id=view_id, view=done)
            return []

        return [AfterAck(run=update)]

    def open_reply_form(
        ctx: Context, action: dict[str, Any], body: dict[str, Any]
    ) -> list[Delivery]:
        ask_id = parse_id(action.get("value"))
        trigger_id = body.get("trigger_id")
        targets = reply_targets(ctx, ask_id) if ask_id else None
        message = message_of(ctx.deps, ask_id) if ask_id and targets is not None else None
        if message is None or not isinstance(trigger_id, str) or ask_id is None:
            return [stale_button()]
        if not targets:
            return [Respond(NEVER_POSTED, as_dicts(notice(NEVER_POSTED)), replace_original=False)]
        return [
            OpenModal(trigger_id=trigger_id, view=reply_modal(ask_id, message.question).to_dict())
        ]

    def reply_submitted(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
        ctx = context_of(context)
        ask_id = decode_reply_metadata(view.get("private_metadata"))
        targets = reply_targets(ctx, ask_id) if ctx and ask_id else None
        if ctx is None or targets is None:
            ack(response_action="errors", errors={ids.TEAM_REPLY_BLOCK: FORM_GONE})
            return
        if not targets:
            ack(response_action="errors", errors={ids.TEAM_REPLY_BLOCK: NEVER_POSTED})
            return
        text = parse_reply_form(view.get("state", {}).get("values"))
        if isinstance(text, dict):
            ack(response_action="errors", errors=text)
            return
        ack()
        blocks = as_dicts(reply_blocks(ctx.user_id, text))
        fallback = escape_mrkdwn(text)

        def post(client: WebClient) -> list[Delivery]:
            for target in targets:
                client.chat_postMessage(
                    channel=target.channel,
                    thread_ts=target.thread_ts,
                    text=fallback,
                    blocks=blocks,
                )
            said = "Posted your reply where the team answered."
            return [DirectMessage(ctx.user_id, said, as_dicts(notice(said, ":mega:")))]

        sender.send([AfterAck(run=post)], team_id=ctx.team_id)

    button(app, sender, ids.ASK_TEAM_OPEN, open_ask_form)
    button(app, sender, ids.ASK_RETRY, retry)
    button(app, sender, ids.TEAM_ANSWER_OPEN, open_answer_form)
    button(app, sender, ids.TEAM_ANSWER_WITHDRAW, withdraw)
    button(app, sender, ids.TEAM_REPLY_OPEN, open_reply_form)
    app.view(ids.ASK_TEAM_CALLBACK)(ask_submitted)
    app.view(ids.TEAM_ANSWER_CALLBACK)(answer_submitted)
    app.view(ids.TEAM_REPLY_CALLBACK)(reply_submitted)
