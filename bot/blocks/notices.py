"""One-line messages: errors and notes that need no more than a sentence."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, MarkdownTextObject, PlainTextObject, SectionBlock
from slack_sdk.models.views import View

from bot.vocabulary.text import shown


def notice(text: str, emoji: str = ":information_source:") -> list[Block]:
    """A single section with a leading emoji; `text` must already be safe mrkdwn."""
    return [SectionBlock(text=MarkdownTextObject(text=f"{emoji} {text}"))]


SOMETHING_WENT_WRONG = "Something went wrong on our side. Please try again in a moment."
# A form that could not be saved stays open with what was typed; this shows under its first field.
NOT_SAVED = (
    "Could not save just now; everything you typed is still here. "
    "Please submit it again in a moment."
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
STALE_FORM = (
    "This form belongs to an older version of ask-team and cannot be saved. "
    "Close it and run `/ask-team` again."
)
# For someone from another workspace acting in a Slack Connect channel of this one.
FROM_ANOTHER_WORKSPACE = (
    "Sorry, ask-team here only works for people of the workspace it is installed in, and you "
    "are in this shared channel from another one. Nothing was saved."
)
# Room for the typed texts within a modal's 100 blocks, each section's text within 3,000.
_TYPED_SHOWN = 20
_TYPED_LENGTH = 2900


def stale_form_view(typed: list[str]) -> View:
    """What replaces a form we can no longer save: why, and what was typed into it, to copy."""
    blocks = notice(STALE_FORM, ":hourglass:")
    if typed:
        blocks += notice("What you typed, so you can copy it:", ":clipboard:")
        blocks += [
            SectionBlock(text=MarkdownTextObject(text=shown(text, _TYPED_LENGTH)))
            for text in typed[:_TYPED_SHOWN]
        ]
    return View(
        type="modal",
        title=PlainTextObject(text="ask-team"),
        close=PlainTextObject(text="Close"),
        blocks=blocks,
    )


def another_workspace_view() -> View:
    """What replaces a form sent by someone from another workspace: why nothing was kept."""
    return View(
        type="modal",
        title=PlainTextObject(text="ask-team"),
        close=PlainTextObject(text="Close"),
        blocks=notice(FROM_ANOTHER_WORKSPACE, ":wave:"),
    )
