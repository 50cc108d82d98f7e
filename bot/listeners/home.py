"""The App Home tab: published when opened (`app_home_opened`) and after every change; its
buttons (Settings, New question, Done beside a promise, also in `/ask-team promises`); and
the "Promise kept" form that Done opens."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.blocks import as_dicts
from bot.blocks.notices import notice
from bot.blocks.promise_kept import promise_kept_modal, you_said_we_did
from bot.domain.forms import parse_promise_kept_form
from bot.domain.payloads import decode_log_metadata, parse_id
from bot.listeners.caller import context_of
from bot.listeners.nudges import open_settings
from bot.listeners.replies import button
from bot.senders.after_ack import AfterAckSender, ChannelMessage, Delivery, DirectMessage, OpenModal
from bot.senders.home import home_for
from bot.services.context import Context
from bot.services.promises import keep_promise, promise_to_keep
from bot.services.questions import ask
from bot.vocabulary import ids

GONE = "That promise is no longer there to mark done."


def register(app: App, sender: AfterAckSender) -> None:
    def app_home_opened(event: dict[str, Any], context: BoltContext) -> None:
        ctx = context_of(context)
        if ctx is None or event.get("tab") != "home":
            return
        sender.send([home_for(ctx)], team_id=ctx.team_id)

    app.event("app_home_opened")(app_home_opened)

    for action_id in (ids.HOME_SETTINGS, ids.HOME_NEW_QUESTION, ids.PROMISE_DONE):
        button(app, sender, action_id, _pressed)

    def promise_kept_submitted(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
        ctx = context_of(context)
        target = decode_log_metadata(view.get("private_metadata", ""))
        form = parse_promise_kept_form(view.get("state", {}).get("values"))
        if isinstance(form, dict):
            ack(response_action="errors", errors=form)
            return
        kept = (
            keep_promise(ctx, target.entry_id, form.outcome)
            if ctx is not None and target is not None and target.entry_id is not None
            else None
        )
        if ctx is None or kept is None:
            ack(response_action="errors", errors={ids.PROMISE_OUTCOME_BLOCK: GONE})
            return
        ack()
        deliveries: list[Delivery] = [home_for(ctx)]
        if form.channel is not None:
            refused = (
                f"I could not post in <#{form.channel}>. Invite me there first "
                "(`/invite @ask-team`), then mark the promise done again."
            )
            deliveries.append(
                ChannelMessage(
                    form.channel,
                    "You said, we did.",
                    as_dicts(you_said_we_did(kept, ctx.user_id)),
                    DirectMessage(ctx.user_id, refused, as_dicts(notice(refused, ":warning:"))),
                )
            )
        sender.send(deliveries, team_id=ctx.team_id)

    app.view(ids.PROMISE_KEPT_CALLBACK)(promise_kept_submitted)


def _pressed(ctx: Context, action: dict[str, Any], body: dict[str, Any]) -> list[Delivery]:
    """What one Home button sends: a form to open, and the Home as it now stands."""
    action_id, trigger_id = action.get("action_id"), body.get("trigger_id")
    if action_id == ids.PROMISE_DONE and isinstance(trigger_id, str):
        # The entry id comes from the button; the use case checks it is the presser's own.
        entry_id = parse_id(action.get("value"))
        entry = promise_to_keep(ctx, entry_id) if entry_id is not None else None
        return [OpenModal(trigger_id, promise_kept_modal(entry).to_dict())] if entry else []
    deliveries: list[Delivery] = []
    if action_id == ids.HOME_SETTINGS and isinstance(trigger_id, str):
        modal, learn_zone = open_settings(ctx)
        deliveries += [OpenModal(trigger_id, modal), *learn_zone]
    elif action_id == ids.HOME_NEW_QUESTION:
        ask(ctx, None)
    return [*deliveries, home_for(ctx)]
