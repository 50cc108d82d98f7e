"""The question card: what `/ask-team` shows a leader."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks import as_dicts
from bot.domain.payloads import encode_log_metadata
from bot.domain.question_bank import Asked
from bot.vocabulary import ids
from bot.vocabulary.habits import Habit
from bot.vocabulary.text import escape_mrkdwn

ANY_HABIT = "any"


def question_card(
    asked: Asked, habit_filter: Habit | None = None, parent: int | None = None
) -> list[Block]:
    """The question in bold, its habit and why, and the three buttons."""
    question = asked.question
    if asked.is_follow_up:
        about = f"Follow-up to _{escape_mrkdwn(question.text)}_"
    else:
        about = f"*Why ask this:* {escape_mrkdwn(question.why)}"
    return [
        SectionBlock(text=MarkdownTextObject(text=f"*{escape_mrkdwn(asked.text)}*")),
        ContextBlock(elements=[MarkdownTextObject(text=f"{question.habit.title}  ·  {about}")]),
        ActionsBlock(
            block_id="question_actions",
            elements=[
                ButtonElement(
                    text="Another question",
                    action_id=ids.QUESTION_ANOTHER,
                    value=habit_filter.value if habit_filter else ANY_HABIT,
                ),
                ButtonElement(
                    text="Ask a follow-up", action_id=ids.QUESTION_FOLLOW_UP, value=asked.ref
                ),
                ButtonElement(
                    text="Log answers",
                    action_id=ids.QUESTION_LOG,
                    # A follow-up to a logged entry carries that entry, to link the answers.
                    value=asked.ref
                    if parent is None
                    else encode_log_metadata(asked.ref, parent=parent),
                    style="primary",
                ),
                ButtonElement(
                    text="Ask the team in Slack",
                    action_id=ids.ASK_TEAM_OPEN,
                    value=asked.ref
                    if parent is None
                    else encode_log_metadata(asked.ref, parent=parent),
                ),
                *_trend_button(question.habit),
            ],
        ),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Ask it out loud, wait, and listen to the whole answer. "
                    "Then log what you heard."
                )
            ]
        ),
    ]


def _trend_button(habit: Habit) -> list[ButtonElement]:
    # `/ask-team heartbeat` asks a heartbeat question; the trend is one click from there.
    if habit is not Habit.HEARTBEAT:
        return []
    return [
        ButtonElement(text="Heartbeat trend", action_id=ids.QUESTION_HEARTBEAT_TREND, value="chart")
    ]


def question_card_text(asked: Asked) -> str:
    """Notification and screen-reader fallback for the card."""
    return f"Question for your team: {asked.text}"


@lru_cache(maxsize=4096)
def question_card_dicts(asked: Asked, habit_filter: Habit | None = None) -> list[dict[str, Any]]:
    """`question_card` serialised and validated once per question and filter.

    The hot path of `/ask-team` asks for the same few hundred cards over and over, and
    validating Block Kit costs about a third of a millisecond. Treat the result as read-only.
    """
    return as_dicts(question_card(asked, habit_filter))
