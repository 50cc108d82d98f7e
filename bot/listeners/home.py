"""The App Home tab: published when opened (`app_home_opened`) and after every change; its
buttons (Settings, New question, Done beside a promise, also in `/ask-team promises`); and
the "Promise kept" form that Done opens."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.blocks import as_dicts
from bot.blocks.notices import notice
from bot.blocks.promise_form import done_post, thread_blocks
from bot.blocks.promise_kept import promise_kept_modal, you_said_we_did
from bot.domain.forms import parse_promise_kept_form
from bot.domain.interactions import Click, Submission
from bot.domain.payloads import decode_log_metadata, parse_id
from bot.listeners.caller import context_of
from bot.listeners.nudges import open_settings
from bot.listeners.replies import button, form, form_errors, reject
from bot.senders.after_ack import AfterAckSender, ChannelMessage, Delivery, DirectMessage, OpenModal
from bot.senders.home import home_for
from bot.senders.threads import post_in_threads
from bot.services.context import Context
from bot.services.promises import keep_promise, promise_to_keep
from bot.services.questions import ask
from bot.vocabulary import ids
from bot.vocabulary.refusals import Reason, Refusal

# Slack sent the form without saying who: read as a promise we cannot find.
NO_CALLER = form_errors(Refusal(Reason.GONE), ids.PROMISE_OUTCOME_BLOCK)


def register(app: App, sender: AfterAckSender) -> None:
    def app_home_opened(event: dict[str, Any], context: BoltContext) -> None:
        ctx = context_of(context)
        if ctx is None or event.get("tab") != "home":
            return
        sender.send([home_for(ctx)], team_id=ctx.team_id)

    app.event("app_home_opened")(app_home_opened)

    for action_id in (ids.HOME_SETTINGS, ids.HOME_NEW_QUESTION, ids.PROMISE_DONE):
        button(app, sender, action_id, _pressed)

    def promise_kept_submitted(ack: Ack, ctx: Context, submission: Submission) -> None:
        target = decode_log_metadata(submission.private_metadata)
        typed = parse_promise_kept_form(submission.values)
        if isinstance(typed, list):
            reject(ack, form_errors(typed, ids.PROMISE_OUTCOME_BLOCK))
            return
        kept = (
            keep_promise(ctx, target.entry_id, typed.outcome)
            if target is not None and target.entry_id is not None
            else Refusal(Reason.GONE)
        )
        if isinstance(kept, Refusal):
            reject(ack, form_errors(kept, ids.PROMISE_OUTCOME_BLOCK))
            return
        ack()
        deliveries: list[Delivery] = [home_for(ctx)]
        if kept.threads:
            # The promise was told where the team answered: so is its end.
            text = done_post(ctx.user_id, kept.entry.promise or "", typed.outcome)
            said = "Marked done, and told the team where they answered."
            blocks = as_dicts(thread_blocks(text))
            deliveries.append(post_in_threads(ctx.user_id, kept.threads, text, blocks, said))
        if typed.channel is not None:
            refused = (
                f"I could not post in <#{typed.channel}>. Invite me there first "
                "(`/invite @ask-team`), then mark the promise done again."
            )
            deliveries.append(
                ChannelMessage(
                    typed.channel,
                    "You said, we did.",
                    as_dicts(you_said_we_did(kept.entry, ctx.user_id)),
                    DirectMessage(ctx.user_id, refused, as_dicts(notice(refused, ":warning:"))),
                )
            )
        sender.send(deliveries, team_id=ctx.team_id)

    form(
        app,
        ids.PROMISE_KEPT_CALLBACK,
        promise_kept_submitted,
        no_caller=NO_CALLER,
    )


def _pressed(ctx: Context, click: Click) -> list[Delivery]:
    """What one Home button sends: a form to open, and the Home as it now stands."""
    action_id, trigger_id = click.action_id, click.trigger_id
    if action_id == ids.PROMISE_DONE and trigger_id is not None:
        # The entry id comes from the button; the use case checks it is the presser's own.
        entry_id = parse_id(click.value)
        if entry_id is None:
            return []
        entry = promise_to_keep(ctx, entry_id)
        if isinstance(entry, Refusal):
            return []
        return [OpenModal(trigger_id, promise_kept_modal(entry).to_dict())]
    deliveries: list[Delivery] = []
    if action_id == ids.HOME_SETTINGS and trigger_id is not None:
        modal, learn_zone = open_settings(ctx)
        deliveries += [OpenModal(trigger_id, modal), *learn_zone]
    elif action_id == ids.HOME_NEW_QUESTION:
        ask(ctx, None)
    return [*deliveries, home_for(ctx)]
