"""The App Home tab: published when opened and after every change, and its buttons."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.blocks import as_dicts, ids
from bot.blocks.promises import promises_blocks
from bot.deps import Deps
from bot.listeners.home_tab import home_for
from bot.listeners.identity import caller_of
from bot.listeners.outbox import Delivery, OpenModal, Outbox, Respond
from bot.listeners.schedule import settings_modal
from bot.services.leaders import find_leader_id, leader_id_for
from bot.services.promises import mark_promise_kept, promises_of
from bot.services.questions import ask_next_question

logger = logging.getLogger(__name__)


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
                deliveries.append(
                    OpenModal(body["trigger_id"], settings_modal(caller, client, deps))
                )
            elif action_id == ids.HOME_NEW_QUESTION:
                now = deps.clock()
                with deps.database.connection() as connection:
                    leader_id = leader_id_for(connection, caller.team_id, caller.user_id, now)
                    bank = deps.bank_for(connection, caller.team_id)
                    ask_next_question(connection, bank, leader_id, None, deps.rng, now)
            elif action_id == ids.PROMISE_DONE:
                value = action.get("value")
                with deps.database.transaction() as session:
                    known = find_leader_id(session.connection(), caller.team_id, caller.user_id)
                    # The entry id comes from a button: it must be the presser's own promise.
                    if known is not None and isinstance(value, str) and value.isdigit():
                        mark_promise_kept(session, known, int(value), deps.clock())
                    if body.get("response_url"):
                        # Pressed on the /ask-team promises list: redraw it too.
                        listed = promises_of(session, known, deps.clock())
                        deliveries.append(
                            Respond("Your promises", as_dicts(promises_blocks(listed)))
                        )
            deliveries.append(home_for(deps, caller))
        except Exception:
            logger.exception("home button failed")
        outbox.reply(body, deliveries)

    for action_id in (ids.HOME_SETTINGS, ids.HOME_NEW_QUESTION, ids.PROMISE_DONE):
        app.action(action_id)(home_button)
