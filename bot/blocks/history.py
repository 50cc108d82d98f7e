"""A page of the leader's history, newest first, with Older / Newer buttons."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks import ids
from bot.blocks.entries import entry_blocks
from bot.payloads import encode_page_request
from bot.services.journal import HistoryPage, HistoryQuery
from bot.text import shown


def describe_query(query: HistoryQuery) -> str:
    parts = []
    if query.habit is not None:
        parts.append(query.habit.title)
    if query.words:
        parts.append(f"matching “{shown(query.words, 220)}”")
    return " · ".join(parts)


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
                    text="Filter: `/ask-team history vision` · Search: `/ask-team history budget`"
                )
            ]
        )
    )
    return blocks


def _empty_text(query: HistoryQuery) -> str:
    if query.is_filtered:
        return (
            f"Nothing logged {describe_query(query)} yet. "
            "`/ask-team history` shows everything you have logged."
        )
    return (
        "Nothing logged yet. Run `/ask-team`, ask your team the question out loud, "
        "then press *Log answers* to keep what they said."
    )
