"""How one logged entry reads, in history and in the confirmation after logging it."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.domain import heartbeat
from bot.services.entries import EntryView
from bot.vocabulary.habits import Habit
from bot.vocabulary.text import escape_mrkdwn, shown, slack_date

ANSWER_LIMIT = 2900
QUESTION_LIMIT = 700
PROMISE_LIMIT = 1200


def entry_blocks(entry: EntryView) -> list[Block]:
    """The question, what was said, and a line of who, heartbeat and promise."""
    habit = Habit(entry.habit)
    details = [slack_date(entry.created_at, with_time=True), habit.title]
    if entry.people:
        details.append("Who: " + ", ".join(f"<@{user_id}>" for user_id in entry.people))
    if entry.heartbeat is not None:
        details.append(f"Heartbeat: {heartbeat.label(entry.heartbeat)}")
    if entry.parent_id is not None:
        details.append(":leftwards_arrow_with_hook: a follow-up")
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(text=f"*{shown(entry.question_text, QUESTION_LIMIT)}*")
        ),
    ]
    # A question asked of the team in Slack has no words of the leader's until they log some.
    if entry.answer:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=shown(entry.answer, ANSWER_LIMIT))))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text="  ·  ".join(details))]))
    if entry.promise:
        promised = shown(entry.promise, PROMISE_LIMIT)
        if entry.promise_due is not None:
            promised += f"  ·  by {entry.promise_due:%a %d %b %Y}"
        blocks.append(
            ContextBlock(
                elements=[MarkdownTextObject(text=f":handshake: *You promised:* {promised}")]
            )
        )
    return blocks


def logged_confirmation(entry: EntryView, headline: str = "Saved.") -> list[Block]:
    """The DM a leader gets after saving an entry."""
    return [
        SectionBlock(
            text=MarkdownTextObject(
                text=f":white_check_mark: {escape_mrkdwn(headline)} Here is what you logged:"
            )
        ),
        *entry_blocks(entry),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Come back to it with `/ask-team history`. Only you can see what you log."
                )
            ]
        ),
    ]
