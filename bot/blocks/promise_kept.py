"""Marking a promise kept: one line on what was done, and an optional "You said, we did"."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    ConversationFilter,
    ConversationSelectElement,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.domain.payloads import encode_log_metadata
from bot.services.entries import EntryView
from bot.vocabulary import ids
from bot.vocabulary.limits import MAX_OUTCOME_LENGTH
from bot.vocabulary.text import shown


def promise_kept_modal(entry: EntryView) -> View:
    """The form marking the promise in `entry` kept: what was done, and where to share it."""
    return View(
        type="modal",
        callback_id=ids.PROMISE_KEPT_CALLBACK,
        title=PlainTextObject(text="Promise kept"),
        submit=PlainTextObject(text="Done"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=encode_log_metadata(entry_id=entry.id),
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(text=f":handshake: *{shown(entry.promise or '', 2500)}*")
            ),
            InputBlock(
                block_id=ids.PROMISE_OUTCOME_BLOCK,
                label="What did you do?",
                element=PlainTextInputElement(
                    action_id=ids.PROMISE_OUTCOME_ACTION,
                    max_length=MAX_OUTCOME_LENGTH,
                    placeholder="One line is enough",
                ),
            ),
            InputBlock(
                block_id=ids.PROMISE_SHARE_BLOCK,
                label="Share a “You said, we did” note in",
                optional=True,
                hint="Nothing is posted unless you pick a channel. Invite @ask-team there first.",
                element=ConversationSelectElement(
                    action_id=ids.PROMISE_SHARE_ACTION,
                    placeholder="Pick a channel (optional)",
                    filter=ConversationFilter(
                        include=["public", "private"], exclude_bot_users=True
                    ),
                ),
            ),
        ],
    )


def you_said_we_did(entry: EntryView, leader_id: str) -> list[Block]:
    """The note posted to the team: the question, the promise and what was done."""
    return [
        SectionBlock(
            text=MarkdownTextObject(
                text=f":loudspeaker: *You said, we did.* When <@{leader_id}> asked "
                f"_{shown(entry.question_text, 500)}_, the promise was: "
                f"*{shown(entry.promise or '', 800)}*"
            )
        ),
        SectionBlock(
            text=MarkdownTextObject(text=f"*Done:* {shown(entry.promise_outcome or '', 600)}")
        ),
        ContextBlock(
            elements=[MarkdownTextObject(text="Posted with ask-team: ask, listen, follow through.")]
        ),
    ]
