"""One-line messages: errors and notes that need no more than a sentence."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, MarkdownTextObject, SectionBlock


def notice(text: str, emoji: str = ":information_source:") -> list[Block]:
    """A single section with a leading emoji; `text` must already be safe mrkdwn."""
    return [SectionBlock(text=MarkdownTextObject(text=f"{emoji} {text}"))]


SOMETHING_WENT_WRONG = (
    "Something went wrong on our side and nothing was changed. Please try again in a moment."
)
STALE_BUTTON = (
    "That button belongs to an older message I can no longer act on. "
    "Run `/ask-team` for a fresh question."
)
NO_FOLLOW_UP_YET = (
    "A follow-up goes with a question, and you have not been shown one yet. Run `/ask-team` "
    "to get a question; `/ask-team follow-up` then gives you what to ask next."
)
NO_QUESTION_YET = (
    "You have no question to log answers for yet. Run `/ask-team` to get one, "
    "ask your team, then press *Log answers*."
)
