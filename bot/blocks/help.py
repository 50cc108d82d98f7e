"""Help: every subcommand with an example, and a hint when the leader mistyped."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.domain.subcommands import SUBCOMMANDS
from bot.vocabulary.habits import Habit
from bot.vocabulary.text import escape_mrkdwn


def help_blocks(
    unknown: str | None = None, suggestion: str | None = None, problem: str | None = None
) -> list[Block]:
    """Every subcommand with an example, led by what went wrong if anything did."""
    blocks: list[Block] = []
    if problem:
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text=f":warning: {escape_mrkdwn(problem)}"))
        )
    elif unknown:
        hint = f"I don't know `{escape_mrkdwn(unknown)}`."
        if suggestion:
            hint += f" Did you mean `/ask-team {suggestion}`?"
        blocks.append(SectionBlock(text=MarkdownTextObject(text=f":thinking_face: {hint}")))
    blocks.append(
        SectionBlock(
            text=MarkdownTextObject(
                text="*ask-team* helps you lead by following: ask your team a good question, "
                "listen, log what you heard, and come back to it."
            )
        )
    )
    lines = "\n".join(
        f"`{example}`  {description}" for sub in SUBCOMMANDS for example, description in sub.help
    )
    blocks.append(SectionBlock(text=MarkdownTextObject(text=lines)))
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="  ".join(
                        f"{habit.emoji} {habit.label}: {habit.summary}." for habit in Habit
                    )
                )
            ]
        )
    )
    return blocks


def help_text(unknown: str | None = None, suggestion: str | None = None) -> str:
    if unknown and suggestion:
        return f"Did you mean /ask-team {suggestion}?"
    return "ask-team: every command, with an example"
