"""A leader's data as a whole: `/ask-team export` and `/ask-team forget me` (routed here by
bot/listeners/commands.py), the forget-me buttons, and a workspace's data when the app is
removed (`app_uninstalled`, `tokens_revoked`)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks import as_dicts
from bot.blocks.notices import notice
from bot.blocks.your_data import forget_me_blocks, on_its_way
from bot.domain.interactions import Click
from bot.listeners.replies import button
from bot.senders.after_ack import AfterAck, AfterAckSender, Delivery, Respond, UploadFile
from bot.senders.home import home_for
from bot.services.context import Context
from bot.services.deps import Deps
from bot.services.lifecycle import export_of, forget_me, forget_uninstalled, kept_about
from bot.vocabulary import ids
from bot.vocabulary.slack_call import Fault, SlackCallError, slack_call
from bot.vocabulary.text import counted

logger = logging.getLogger(__name__)
UNINSTALL_EVENTS = ("app_uninstalled", "tokens_revoked")
# An export asks Slack the names of at most this many people, one `users.info` each (Tier 4:
# 100+ a minute); anyone past them is named by user id. Most logs name a few dozen people.
NAME_LOOKUPS = 200
# Slack's own limit on a name is 80 characters; nothing longer goes into a cell.
NAME_LENGTH = 80
# users.info's answers about the one person asked for, not about the bot's access.
NO_SUCH_PERSON = frozenset({"user_not_found", "user_not_visible"})


def answer_export(ack: Ack, ctx: Context, command: dict[str, Any], sender: AfterAckSender) -> None:
    """Reply at once; the CSV follows by DM, its people named by Slack after the ack (or a
    note replaces the reply if Slack refuses the file)."""
    export = export_of(ctx)
    if not export.entries:
        text = "You have nothing logged yet, so there is nothing to export."
        ack(response_type="ephemeral", text=text, blocks=as_dicts(notice(text)))
        return
    logged = counted(export.entries, "entry", "entries")
    text = f"Exporting {logged}: {on_its_way('the CSV', command.get('channel_id'))}."
    ack(response_type="ephemeral", text=text, blocks=as_dicts(notice(text, ":outbox_tray:")))

    def upload(client: WebClient) -> list[Delivery]:
        return [
            UploadFile(
                user_id=ctx.user_id,
                filename=f"ask-team-{ctx.now:%Y-%m-%d}.csv",
                content=export.named(names_of(client, export.people())),
                comment=f"Everything you have logged with ask-team: {logged}.",
                failure_note=(
                    "I could not share the export in our DM just now: Slack refused the file. "
                    "Nothing was lost; run `/ask-team export` again in a minute."
                ),
            )
        ]

    sender.reply(command, [AfterAck(run=upload)])


def names_of(
    client: WebClient, user_ids: Iterable[str], most: int = NAME_LOOKUPS
) -> dict[str, str]:
    """Each person's name, asked of Slack's `users.info` once each, for the first `most` of
    them; whoever Slack cannot name (or past `most`, or once Slack is busy) keeps their id."""
    names: dict[str, str] = {}
    for user_id in islice(user_ids, most):
        try:
            answer = slack_call(client.users_info, user=user_id)
        except SlackCallError as failure:
            if failure.fault is Fault.REFUSED and failure.reason in NO_SUCH_PERSON:
                continue  # gone from the workspace, or out of sight: the others may be fine
            # Slack is busy, unreachable, or refuses us outright: asking on would fail alike.
            logger.warning("export names people by id: users.info failed: %s", failure)
            break
        name = name_in(answer.get("user"))
        if name:
            names[user_id] = name
    return names


def name_in(user: object) -> str | None:
    """The name `users.info` gives a person: their full name, else their display name."""
    if not isinstance(user, dict):
        return None
    profile = user.get("profile")
    profile = profile if isinstance(profile, dict) else {}
    for name in (
        profile.get("real_name"),
        user.get("real_name"),
        profile.get("display_name"),
        user.get("name"),
    ):
        if isinstance(name, str) and name.strip():
            return name.strip()[:NAME_LENGTH]
    return None


def answer_forget_me(ack: Ack, ctx: Context) -> None:
    """Ask first: deleting is final."""
    text = "Delete everything ask-team keeps about you?"
    kept = kept_about(ctx)
    blocks = as_dicts(forget_me_blocks(kept.entries, kept.named_answers))
    ack(response_type="ephemeral", text=text, blocks=blocks)


def register(app: App, deps: Deps, sender: AfterAckSender) -> None:
    def forget_pressed(ctx: Context, click: Click) -> list[Delivery]:
        if click.action_id == ids.FORGET_CANCEL:
            text = "Nothing was deleted."
            return [Respond(text, as_dicts(notice(text, ":wastebasket:")))]
        # Who is forgotten comes from the signed request, never from the button.
        kept = forget_me(ctx)
        answers = (
            f", {counted(kept.named_answers, 'named answer', 'named answers')}"
            if kept.named_answers
            else ""
        )
        text = (
            f"Deleted {counted(kept.entries, 'entry', 'entries')}{answers}, your schedule and "
            "your question history. If you use ask-team again it starts afresh."
        )
        return [
            Respond(text, as_dicts(notice(text, ":wastebasket:"))),
            # The Home tab showed what was just deleted; it starts afresh too.
            home_for(ctx),
        ]

    button(app, sender, ids.FORGET_CONFIRM, forget_pressed)
    button(app, sender, ids.FORGET_CANCEL, forget_pressed)

    # These events name a workspace and no user, so they get no caller `Context`: `deps` here.
    def workspace_gone(body: dict[str, Any], event: dict[str, Any]) -> None:
        team_id = body.get("team_id")
        event_id = body.get("event_id")
        if not isinstance(team_id, str) or not isinstance(event_id, str):
            return
        if event.get("type") == "tokens_revoked" and not (event.get("tokens") or {}).get("bot"):
            return  # only user tokens were revoked; the bot still works here
        event_time = body.get("event_time")
        happened_at = (
            datetime.fromtimestamp(event_time, tz=UTC)
            if isinstance(event_time, int) and 0 < event_time < 2**33
            else None
        )
        leaders = forget_uninstalled(deps, team_id, event_id, happened_at)
        if leaders is not None:
            logger.info("workspace removed the app: forgot %d leaders", leaders)

    for name in UNINSTALL_EVENTS:
        app.event(name)(workspace_gone)
