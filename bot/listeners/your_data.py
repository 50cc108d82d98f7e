"""A leader's data as a whole: export it, forget it; a workspace's, when the app is removed."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks import as_dicts, delete_button
from bot.blocks.notices import notice
from bot.deps import Deps
from bot.listeners.home_tab import home_for
from bot.listeners.identity import Caller, caller_of
from bot.listeners.outbox import Delivery, Outbox, Respond, UploadFile
from bot.services import lifecycle
from bot.services.leaders import find_leader_id
from bot.text import counted
from bot.vocabulary import ids

logger = logging.getLogger(__name__)
UNINSTALL_EVENTS = ("app_uninstalled", "tokens_revoked")


def answer_export(
    ack: Ack, caller: Caller, command: dict[str, Any], deps: Deps, outbox: Outbox
) -> None:
    """Reply at once; the CSV follows by DM (or a note replaces the reply if Slack refuses)."""
    with deps.database.transaction(writes=False) as session:
        leader_id = find_leader_id(session.connection(), caller.team_id, caller.user_id)
        entries = lifecycle.count_entries(session, leader_id) if leader_id is not None else 0
        content = lifecycle.export_csv(session, leader_id) if leader_id and entries else ""
    if not entries:
        text = "You have nothing logged yet, so there is nothing to export."
        ack(response_type="ephemeral", text=text, blocks=as_dicts(notice(text)))
        return
    stamp = deps.clock().strftime("%Y-%m-%d")
    logged = counted(entries, "entry", "entries")
    text = f"Exporting {logged}: the CSV is on its way to your DM with me."
    ack(response_type="ephemeral", text=text, blocks=as_dicts(notice(text, ":outbox_tray:")))
    outbox.reply(
        command,
        [
            UploadFile(
                user_id=caller.user_id,
                filename=f"ask-team-{stamp}.csv",
                content=content,
                comment=f"Everything you have logged with ask-team: {logged}.",
                failure_note=(
                    "I could not share the export in our DM just now: Slack refused the file. "
                    "Nothing was lost; run `/ask-team export` again in a minute."
                ),
            )
        ],
    )


def answer_forget_me(ack: Ack, caller: Caller, deps: Deps) -> None:
    """Ask first: deleting is final."""
    with deps.database.transaction(writes=False) as session:
        leader_id = find_leader_id(session.connection(), caller.team_id, caller.user_id)
        entries = lifecycle.count_entries(session, leader_id) if leader_id is not None else 0
    text = "Delete everything ask-team keeps about you?"
    ack(response_type="ephemeral", text=text, blocks=as_dicts(forget_me_blocks(entries)))


def forget_me_blocks(entries: int) -> list[Block]:
    return [
        SectionBlock(
            text=MarkdownTextObject(
                text=":warning: This deletes "
                f"{counted(entries, 'logged entry', 'logged entries')}, your daily-question "
                "schedule and which questions you have been asked. "
                "It cannot be undone. `/ask-team export` first if you want a copy."
            )
        ),
        ActionsBlock(
            block_id="forget_me",
            elements=[
                delete_button(
                    "Delete everything",
                    ids.FORGET_CONFIRM,
                    "me",
                    "Delete everything?",
                    "Your log, schedule and question history will be gone for good.",
                ),
                ButtonElement(text="Keep my data", action_id=ids.FORGET_CANCEL, value="me"),
            ],
        ),
    ]


def register(app: App, deps: Deps, outbox: Outbox) -> None:
    def forget_pressed(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext
    ) -> None:
        ack()
        caller = caller_of(context)
        if caller is None:
            return
        if action.get("action_id") == ids.FORGET_CANCEL:
            text = "Nothing was deleted."
        else:
            # Who is forgotten comes from the signed request, never from the button.
            with deps.database.transaction() as session:
                leader_id = find_leader_id(session.connection(), caller.team_id, caller.user_id)
                entries = lifecycle.forget_leader(session, leader_id) if leader_id else 0
            text = (
                f"Deleted {counted(entries, 'entry', 'entries')}, your schedule and your question "
                "history. "
                "If you use ask-team again it starts afresh."
            )
        deliveries: list[Delivery] = [Respond(text, as_dicts(notice(text, ":wastebasket:")))]
        if action.get("action_id") == ids.FORGET_CONFIRM:
            # The Home tab showed what was just deleted; it starts afresh too.
            deliveries.append(home_for(deps, caller))
        outbox.reply(body, deliveries)

    app.action(ids.FORGET_CONFIRM)(forget_pressed)
    app.action(ids.FORGET_CANCEL)(forget_pressed)

    def workspace_gone(body: dict[str, Any], event: dict[str, Any]) -> None:
        team_id = body.get("team_id")
        event_id = body.get("event_id")
        if not isinstance(team_id, str) or not isinstance(event_id, str):
            return
        if event.get("type") == "tokens_revoked" and not (event.get("tokens") or {}).get("bot"):
            return  # only user tokens were revoked; the bot still works here
        with deps.database.connection() as connection:
            if not lifecycle.first_delivery(connection, event_id, deps.clock()):
                return
        with deps.database.transaction() as session:
            leaders = lifecycle.forget_workspace(session, team_id)
        logger.info("workspace removed the app: forgot %d leaders", leaders)

    for name in UNINSTALL_EVENTS:
        app.event(name)(workspace_gone)
