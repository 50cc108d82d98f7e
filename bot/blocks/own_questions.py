"""`/ask-team our questions`: a workspace's own questions, each with Remove."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block, MarkdownTextObject, SectionBlock

from bot.blocks import delete_button
from bot.services.own_questions import OwnQuestion
from bot.vocabulary import ids
from bot.vocabulary.habits import Habit
from bot.vocabulary.text import escape_mrkdwn

# A message holds 50 blocks; the rest are named, not listed.
LISTED = 45


def own_questions_blocks(questions: Sequence[OwnQuestion]) -> list[Block]:
    """Each question with who added it and Remove; how to add one if there are none."""
    if not questions:
        return [
            SectionBlock(
                text=MarkdownTextObject(
                    text=":seedling: Your workspace has not added questions yet. "
                    "`/ask-team add vision What would make our goals feel worth it?` adds one."
                )
            )
        ]
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text=f":seedling: *Your workspace's questions* ({len(questions)})"
            )
        )
    ]
    for question in questions[:LISTED]:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"{Habit(question.habit).emoji} {escape_mrkdwn(question.text)}\n"
                    f"_added by <@{question.added_by}>_"
                ),
                accessory=delete_button(
                    "Remove",
                    ids.CUSTOM_REMOVE,
                    str(question.id),
                    "Remove this question?",
                    "Nobody in your workspace will be asked it again. Answers logged stay.",
                ),
            )
        )
    if len(questions) > LISTED:
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text=f"…and {len(questions) - LISTED} more."))
        )
    return blocks
