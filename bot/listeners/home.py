"""The App Home tab: published when opened and after every change, and its buttons."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.blocks import as_dicts
from bot.blocks.notices import notice
from bot.blocks.promise_kept import promise_kept_modal, you_said_we_did
from bot.deps import Deps
from bot.forms import parse_promise_kept_form
from bot.listeners.home_tab import home_for
from bot.listeners.identity import caller_of
from bot.listeners.outbox import ChannelMessage, Delivery, DirectMessage, OpenModal, Outbox
from bot.listeners.schedule import settings_modal
from bot.payloads import decode_log_metadata, parse_id
from bot.services.journal import own_entry
from bot.services.leaders import find_leader_id, leader_id_for
from bot.services.promises import mark_promise_kept
from bot.services.questions import ask_next_question
from bot.vocabulary import ids

logger = logging.getLogger(__name__)
GONE = "That promise is no longer there to mark done."


def register(app: App, deps: Deps, outbox: Outbox) -> None:
    def app_home_opened(event: dict[str, Any], context: BoltContext) -> None:
        caller = caller_of(context)
        if caller is None or event.get("tab") != "home":
            return
        outbox.send([home_for(deps, caller)])

    app.event("app_home_opened")(app_home_opened)

    def home_button(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        context: BoltContext,
        client: WebClient,
    ) -> None:
        ack()
        caller = caller_of(context)
        if caller is None:
            return
        deliveries: list[Delivery] = []
        try:
            action_id = action.get("action_id")
            if action_id == ids.HOME_SETTINGS and isinstance(body.get("trigger_id"), str):
                modal, learn_zone = settings_modal(caller, deps)
                deliveries += [OpenModal(body["trigger_id"], modal), *learn_zone]
            elif action_id == ids.HOME_NEW_QUESTION:
                now = deps.clock()
                with deps.database.connection() as connection:
                    leader_id = leader_id_for(connection, caller.team_id, caller.user_id, now)
                    bank = deps.bank_for(connection, caller.team_id)
                    ask_next_question(connection, bank, leader_id, None, deps.rng, now)
            elif action_id == ids.PROMISE_DONE and isinstance(body.get("trigger_id"), str):
                value = action.get("value")
                with deps.database.transaction(writes=False) as session:
                    known = find_leader_id(session.connection(), caller.team_id, caller.user_id)
                    # The entry id comes from a button: it must be the presser's own promise.
                    entry_id = parse_id(value)
                    entry = own_entry(session, known, entry_id) if entry_id else None
                    if entry is not None and entry.promise:
                        deliveries.append(
                            OpenModal(body["trigger_id"], promise_kept_modal(entry).to_dict())
                        )
                outbox.reply(body, deliveries)
                return
            deliveries.append(home_for(deps, caller))
        except Exception:
            logger.exception("home button failed")
        outbox.reply(body, deliveries)

    for action_id in (ids.HOME_SETTINGS, ids.HOME_NEW_QUESTION, ids.PROMISE_DONE):
        app.action(action_id)(home_button)

    def promise_kept_submitted(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
        caller = caller_of(context)
        target = decode_log_metadata(view.get("private_metadata", ""))
        form = parse_promise_kept_form(view.get("state", {}).get("values"))
        if isinstance(form, dict):
            ack(response_action="errors", errors=form)
            return
        if caller is None or target is None or target.entry_id is None:
            ack(response_action="errors", errors={ids.PROMISE_OUTCOME_BLOCK: GONE})
            return
        with deps.database.transaction() as session:
            known = find_leader_id(session.connection(), caller.team_id, caller.user_id)
            entry = (
                mark_promise_kept(session, known, target.entry_id, deps.clock(), form.outcome)
                if known is not None
                else None
            )
            note = as_dicts(you_said_we_did(entry, caller.user_id)) if entry else None
        if entry is None or note is None:
            ack(response_action="errors", errors={ids.PROMISE_OUTCOME_BLOCK: GONE})
            return
        ack()
        deliveries: list[Delivery] = [home_for(deps, caller)]
        if form.channel is not None:
            refused = (
                f"I could not post in <#{form.channel}>. Invite me there first "
                "(`/invite @ask-team`), then mark the promise done again."
            )
            deliveries.append(
                ChannelMessage(
                    form.channel,
                    "You said, we did.",
                    note,
                    DirectMessage(caller.user_id, refused, as_dicts(notice(refused, ":warning:"))),
                )
            )
        outbox.send(deliveries)

    app.view(ids.PROMISE_KEPT_CALLBACK)(promise_kept_submitted)
