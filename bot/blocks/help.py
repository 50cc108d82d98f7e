"""Help: every subcommand with an example, and a hint when the leader mistyped."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.habits import Habit
from bot.text import escape_mrkdwn

SUBCOMMANDS = (
    ("/ask-team", "a question to ask your team today"),
    (
        "/ask-team heartbeat",
        "a question from one habit: "
        + ", ".join(f"`{habit.value}`" for habit in Habit)
        + " (also `morale`, `trust`, `direction`, `commitments`…)",
    ),
    ("/ask-team follow-up", "what to ask next about your latest question"),
    ("/ask-team log", "log what the team said to your latest question"),
    ("/ask-team history", "what your teams said, newest first"),
    ("/ask-team history vision", "only one habit"),
    (
        "/ask-team history budget hir",
        "search questions, answers and promises (`hir` finds hiring; also `/ask-team search`)",
    ),
    (
        "/ask-team history person:@ana since:2026-01-01 until:2026-03-31",
        "filters, combinable with each other and with words (also `habit:vision`)",
    ),
    (
        "/ask-team schedule 9:00 weekdays",
        "a question by DM at 9:00 your time (also `daily`, `mon,wed,fri`, `8:30am`); "
        "`/ask-team schedule` (or `settings`) alone opens the settings",
    ),
    (
        "/ask-team pause for 2 weeks",
        "no questions for a while (`pause`, `pause until 2026-12-24`); "
        "`/ask-team resume` starts them again",
    ),
    ("/ask-team stop", "no more daily questions"),
    ("/ask-team promises", "what you promised your team, with Done, and what you kept"),
    ("/ask-team heartbeat chart", "a chart of the team heartbeat by week, by DM (also `trend`)"),
    (
        "/ask-team add vision What would make our goals feel worth it?",
        "add a question of your own to your workspace's bank; `/ask-team our questions` lists them",
    ),
    ("/ask-team export", "a CSV of everything you have logged, by DM"),
    ("/ask-team forget me", "delete everything ask-team keeps about you (asks first)"),
    ("/ask-team help", "this message"),
)


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
    lines = "\n".join(f"`{command}`  {description}" for command, description in SUBCOMMANDS)
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
