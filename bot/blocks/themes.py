"""Themes across answers, as the summary of an ask and `/ask-team themes` show them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.blocks.filters import describe_query
from bot.services.themes import LOOKED_BACK, THEMES_FROM, Themes, ThemeShown
from bot.vocabulary.text import counted, shown

# The largest themes shown, each with two answers of at most 150 characters, fit a section.
THEMES_SHOWN = 6


def theme_lines(themes: Sequence[ThemeShown]) -> str:
    """Each theme in bold with its count, and up to two of its answers quoted under it."""
    lines = []
    for theme in themes[:THEMES_SHOWN]:
        quotes = "  ·  ".join(f"“{shown(example, 150)}”" for example in theme.examples)
        lines.append(f"*{shown(theme.label, 60)}* · {counted(theme.count, 'answer', 'answers')}")
        lines.append(f">{quotes}")
    return "\n".join(lines)


def more_themes(themes: Sequence[ThemeShown]) -> str:
    """ " (the 6 largest shown)" when there are more themes than are shown."""
    return f" (the {THEMES_SHOWN} largest shown)" if len(themes) > THEMES_SHOWN else ""


def themes_text(result: Themes) -> str:
    """Notification and screen-reader fallback."""
    return f"Themes in {counted(result.answers, 'answer', 'answers')}"


def themes_blocks(result: Themes) -> list[Block]:
    """The themes of the answers the filters found, or why there are none to show."""
    query = replace(result.query, since=None) if result.looked_back else result.query
    where = " · ".join(
        filter(
            None,
            [f"last {LOOKED_BACK.days} days" if result.looked_back else "", describe_query(query)],
        )
    )
    heading = f":jigsaw: *Themes in what your teams said* ({where})"
    if not result.themes:
        reason = (
            f"{counted(result.answers, 'answer', 'answers')} so far: themes show from "
            f"{THEMES_FROM} answers, each theme with at least {result.minimum}."
            if result.answers < THEMES_FROM
            else f"No theme has {result.minimum} or more of these "
            f"{counted(result.answers, 'answer', 'answers')} yet: they are each their own."
        )
        return [SectionBlock(text=MarkdownTextObject(text=f"{heading}\n{reason}"))]
    grouped = sum(theme.count for theme in result.themes)
    return [
        SectionBlock(text=MarkdownTextObject(text=heading)),
        SectionBlock(text=MarkdownTextObject(text=theme_lines(result.themes))),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"{grouped} of {counted(result.answers, 'answer', 'answers')} fall in "
                    f"{counted(len(result.themes), 'theme', 'themes')}"
                    f"{more_themes(result.themes)}; a theme shows with {result.minimum} answers "
                    "or more. `/ask-team history` has every answer."
                )
            ]
        ),
    ]
