"""`/ask-team promises`: what the leader said they would do, and what they did."""

from __future__ import annotations

from datetime import date

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.services.entries import EntryView
from bot.services.promises import Promises
from bot.vocabulary import ids
from bot.vocabulary.text import shown, slack_date


def due_words(entry: EntryView, today: date | None) -> str:
    """`  ·  due Fri 27 Nov 2026`, marked overdue once that day has passed where the leader is."""
    if entry.promise_due is None:
        return ""
    if today is not None and entry.promise_due < today:
        return f"  ·  :warning: *overdue: due {entry.promise_due:%a %d %b %Y}*"
    return f"  ·  *due {entry.promise_due:%a %d %b %Y}*"


def promises_blocks(promises: Promises) -> list[Block]:
    """Open promises with Done, then those kept in the last 30 days."""
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text=f":handshake: *Open promises* ({promises.open_count:,})"
                if promises.open
                else ":handshake: *Open promises:* none. Promises you log with an answer "
                "show up here until you mark them done."
            )
        )
    ]
    for entry in promises.open:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"{shown(entry.promise or '', 900)}{due_words(entry, promises.today)}\n"
                    f"_{slack_date(entry.created_at)}, after "
                    f"asking: {shown(entry.question_text, 300)}_"
                ),
                accessory=ButtonElement(
                    text="Done", action_id=ids.PROMISE_DONE, value=str(entry.id), style="primary"
                ),
            )
        )
    if promises.open_count > len(promises.open):
        hidden = promises.open_count - len(promises.open)
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=f"…and {hidden:,} more.")]))
    if promises.kept:
        blocks.append(DividerBlock())
        lines = "\n".join(
            f":white_check_mark: {shown(entry.promise or '', 300)}" for entry in promises.kept
        )
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text=f"*Kept in the last 30 days*\n{lines}"))
        )
    return blocks
