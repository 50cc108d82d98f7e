"""A leader's data as a whole: where an export (or chart) goes, and, for `/ask-team forget
me`, what deleting takes away, asked before anything is deleted."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks import delete_button
from bot.vocabulary import ids
from bot.vocabulary.text import counted


def forget_me_blocks(entries: int, named_answers: int = 0) -> list[Block]:
    """What would be deleted, with Delete everything (confirmed again) and Keep my data."""
    answers = (
        f", the {counted(named_answers, 'named answer', 'named answers')} you gave to your "
        "leads' questions"
        if named_answers
        else ""
    )
    return [
        SectionBlock(
            text=MarkdownTextObject(
                text=":warning: This deletes "
                f"{counted(entries, 'logged entry', 'logged entries')}{answers}, your "
                "daily-question schedule and which questions you have been asked. "
                "It cannot be undone. `/ask-team export` first if you want a copy. "
                "Anonymous answers carry no name, so they cannot be found to delete."
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


def on_its_way(what: str, channel_id: str | None) -> str:
    """`what` ("the CSV") is on its way to the leader's DM with the bot: "here" when they asked
    in a DM (whose ids start with D; the bot's files go to the one with it)."""
    in_a_dm = channel_id is not None and channel_id.startswith("D")
    return f"{what} is on its way {'here' if in_a_dm else 'to your DM with me'}"
