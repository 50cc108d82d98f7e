"""Help: every subcommand with an example, and a hint when the leader mistyped."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.domain.subcommands import SUBCOMMANDS, help_for
from bot.vocabulary.habits import Habit
from bot.vocabulary.text import escape_mrkdwn

# After a mistake with no subcommand to point at: where most people start.
FIRST_STEPS = SUBCOMMANDS[0].help[:1] + tuple(
    line
    for sub in SUBCOMMANDS
    if sub.suggest[:1] in (("log",), ("history",))
    for line in sub.help[:1]
)


def _lines(help_lines: tuple[tuple[str, str], ...]) -> str:
    return "\n".join(f"`{example}`  {description}" for example, description in help_lines)


def mistake_blocks(
    unknown: str | None, suggestion: str | None, problem: str | None, topic: str | None
) -> list[Block]:
    """What went wrong, the help line or two that bear on it, and where every command is."""
    if problem:
        said = f":warning: {escape_mrkdwn(problem)}"
    else:
        said = f":thinking_face: I don't know `{escape_mrkdwn(unknown or '')}`."
        if suggestion:
            said += f" Did you mean `/ask-team {suggestion}`?"
    relevant = help_for(topic or suggestion) or FIRST_STEPS
    return [
        SectionBlock(text=MarkdownTextObject(text=said)),
        SectionBlock(text=MarkdownTextObject(text=_lines(relevant))),
        ContextBlock(elements=[MarkdownTextObject(text="`/ask-team help` lists every command.")]),
    ]


def help_blocks(
    unknown: str | None = None,
    suggestion: str | None = None,
    problem: str | None = None,
    topic: str | None = None,
) -> list[Block]:
    """Every subcommand with an example; after a mistake, only what bears on it."""
    if problem or unknown:
        return mistake_blocks(unknown, suggestion, problem, topic)
    blocks: list[Block] = []
    blocks.append(
        SectionBlock(
            text=MarkdownTextObject(
                text="*ask-team* helps you lead by following: ask your team a good question, "
                "listen, log what you heard, and come back to it."
            )
        )
    )
    every = tuple(line for sub in SUBCOMMANDS for line in sub.help)
    blocks.append(SectionBlock(text=MarkdownTextObject(text=_lines(every))))
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


def help_text(
    unknown: str | None = None, suggestion: str | None = None, problem: str | None = None
) -> str:
    """Notification and screen-reader fallback: what went wrong, or that this is help."""
    if problem:
        return problem
    if unknown and suggestion:
        return f"Did you mean /ask-team {suggestion}?"
    if unknown:
        return f"I don't know {unknown}. /ask-team help lists every command."
    return "ask-team: every command, with an example"
