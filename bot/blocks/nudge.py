"""The daily nudge DM, and what it turns into after a click."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.domain.question_bank import Asked
from bot.vocabulary import ids
from bot.vocabulary.text import escape_mrkdwn, shown

LOW_HEARTBEAT_NOTE = (
    "The last three heartbeats you logged were low. Today, a question about how the team is doing:"
)


def greeting(local_hour: int) -> str:
    if local_hour < 12:
        return "Good morning!"
    if local_hour < 18:
        return "Good afternoon!"
    return "Good evening!"


def nudge_blocks(
    asked: Asked,
    nudge_id: int,
    hello: str,
    next_nudge: str | None,
    earlier_answer: str | None = None,
    note: str | None = None,
    reminders: Sequence[str] = (),
    *,
    last_week: bool = False,
) -> list[Block]:
    """Today's question with Log answers, Another question, Snooze 1 hour and Skip today."""
    intro, about = _intro_and_about(asked, hello, earlier_answer, note, last_week=last_week)
    footer = "Change it with `/ask-team schedule`, `/ask-team pause` or `/ask-team stop`."
    if next_nudge:
        footer = f"Next: {next_nudge}. {footer}"
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=intro)),
        SectionBlock(text=MarkdownTextObject(text=f"*{escape_mrkdwn(asked.text)}*")),
        ContextBlock(elements=[MarkdownTextObject(text=f"{asked.habit.title}  ·  {about}")]),
        _nudge_actions(asked, nudge_id),
    ]
    if reminders:
        promised = "\n".join(f"• {shown(promise, 400)}" for promise in reminders)
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=f":handshake: *Due today, as you promised:*\n{promised}\n"
                    "Mark them done in `/ask-team promises`."
                )
            )
        )
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=footer)]))
    return blocks


def _intro_and_about(
    asked: Asked, hello: str, earlier_answer: str | None, note: str | None, *, last_week: bool
) -> tuple[str, str]:
    """The line above the question, and the one below it saying why it is asked."""
    about = f"*Why ask this:* {escape_mrkdwn(asked.question.why)}"
    if note is not None:
        return f"{hello} {note}", about
    if not asked.is_follow_up or earlier_answer is None:
        return f"{hello} Here is a question to ask your team today:", about
    earlier = shown(earlier_answer, 300)
    if last_week:
        intro = f"{hello} Last week the team said: _{earlier}_\nAsk what changed since:"
    else:
        intro = f"{hello} This week your team told you: _{earlier}_\nFollow it up today:"
    return intro, f"Follow-up to _{escape_mrkdwn(asked.question.text)}_"


def _nudge_actions(asked: Asked, nudge_id: int) -> ActionsBlock:
    return ActionsBlock(
        block_id="nudge_actions",
        elements=[
            ButtonElement(
                text="Log answers", action_id=ids.QUESTION_LOG, value=asked.ref, style="primary"
            ),
            ButtonElement(
                text="Ask the team in Slack", action_id=ids.ASK_TEAM_OPEN, value=asked.ref
            ),
            # Carries the nudge, so that the new question keeps Snooze and Skip with it.
            ButtonElement(
                text="Another question", action_id=ids.NUDGE_ANOTHER, value=str(nudge_id)
            ),
            ButtonElement(text="Snooze 1 hour", action_id=ids.NUDGE_SNOOZE, value=str(nudge_id)),
            ButtonElement(text="Skip today", action_id=ids.NUDGE_SKIP, value=str(nudge_id)),
        ],
    )


def nudge_text(asked: Asked) -> str:
    return f"Today's question for your team: {asked.text}"


def snoozed_blocks(question: str, until: str) -> list[Block]:
    return [
        SectionBlock(
            text=MarkdownTextObject(
                text=f":zzz: Snoozed. I'll bring back *{escape_mrkdwn(question)}* at {until}."
            )
        )
    ]


def skipped_blocks(next_nudge: str | None) -> list[Block]:
    text = ":fast_forward: Skipped today."
    if next_nudge:
        text += f" Next question: {next_nudge}."
    return [SectionBlock(text=MarkdownTextObject(text=text))]
