"""A page of the leader's history, newest first, with Older / Newer buttons."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks import delete_button
from bot.blocks.ask_summary import conversation_block
from bot.blocks.entries import entry_blocks
from bot.blocks.filters import describe_query
from bot.domain.history_cursor import encode_page_request
from bot.domain.history_filters import HistoryQuery
from bot.domain.payloads import encode_entry_action
from bot.services.entries import EntryView
from bot.services.log import HistoryPage
from bot.vocabulary import ids
from bot.vocabulary.text import shown, slack_date


def history_blocks(page: HistoryPage) -> list[Block]:
    """The entries of `page`, or a friendly hint when there are none."""
    filtered = describe_query(page.query)
    heading = "*Your team's answers*" + (f"  ·  {filtered}" if filtered else "")
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=heading))]
    if not page.entries:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=_empty_text(page.query))))
        return blocks
    for entry in page.entries:
        blocks.append(DividerBlock())
        blocks.extend(entry_blocks(entry))
        conversation = page.team.get(entry.id)
        if conversation is not None:
            blocks.append(conversation_block(conversation))
        thread = page.follow_ups.get(entry.id)
        if thread:
            blocks.append(_follow_ups(thread))
        blocks.append(_entry_actions(entry.id, page.query, team=conversation is not None))
    buttons = []
    if page.has_newer and page.newest is not None:
        buttons.append(
            ButtonElement(
                text="← Newer",
                action_id=ids.HISTORY_NEWER,
                value=encode_page_request(page.query, page.newest, "newer"),
            )
        )
    if page.has_older and page.oldest is not None:
        buttons.append(
            ButtonElement(
                text="Older →",
                action_id=ids.HISTORY_OLDER,
                value=encode_page_request(page.query, page.oldest, "older"),
            )
        )
    blocks.append(DividerBlock())
    if buttons:
        blocks.append(ActionsBlock(block_id="history_pages", elements=buttons))
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Filter: `/ask-team history habit:vision person:@ana since:2026-01-01 "
                    "until:2026-03-31 from:team budget` (any of them, in any order)"
                )
            ]
        )
    )
    return blocks


FOLLOW_UPS_SHOWN = 3


def _follow_ups(thread: Sequence[EntryView]) -> SectionBlock:
    """A conversation's follow-ups under it, oldest first, in one block."""
    lines = [
        f":leftwards_arrow_with_hook: "
        f"{slack_date(child.created_at)} "
        f"_{shown(child.question_text, 200)}_\n{shown(child.answer, 500) or '(asked of the team)'}"
        for child in thread[-FOLLOW_UPS_SHOWN:]
    ]
    earlier = len(thread) - FOLLOW_UPS_SHOWN
    heading = "*Follow-ups*" + (
        f" (latest {FOLLOW_UPS_SHOWN} of {len(thread)})" if earlier > 0 else ""
    )
    return SectionBlock(text=MarkdownTextObject(text=heading + "\n" + "\n".join(lines)))


def _entry_actions(entry_id: int, query: HistoryQuery, *, team: bool) -> ActionsBlock:
    value = encode_entry_action(entry_id, query)
    # A team conversation's one way to promise: the same form as its summary's.
    promise = [
        ButtonElement(text="Promise something", action_id=ids.PROMISE_OPEN, value=str(entry_id))
    ]
    return ActionsBlock(
        block_id=f"entry_{entry_id}",
        elements=[
            ButtonElement(text="Ask a follow-up", action_id=ids.ENTRY_FOLLOW_UP, value=value),
            *(promise if team else []),
            ButtonElement(text="Edit", action_id=ids.ENTRY_EDIT, value=value),
            delete_button(
                "Delete",
                ids.ENTRY_DELETE,
                value,
                "Delete this entry?",
                "What the team said here will be gone for good.",
            ),
        ],
    )


def _empty_text(query: HistoryQuery) -> str:
    if query.is_filtered:
        return (
            f"Nothing logged yet that fits: {describe_query(query)}. "
            "`/ask-team history` shows everything you have logged."
        )
    return (
        "Nothing logged yet. Run `/ask-team`, ask your team the question out loud, "
        "then press *Log answers* to keep what they said."
    )
