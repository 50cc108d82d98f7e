"""`/ask-team 1:1 @ana`: the brief a leader reads before meeting one person."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.domain.briefs import PromiseRow, SaidRow
from bot.domain.heartbeat import label
from bot.domain.question_bank import Asked
from bot.services.briefs import Brief
from bot.vocabulary import ids
from bot.vocabulary.text import shown, slack_date


def brief_text(brief: Brief) -> str:
    """Notification and screen-reader fallback for the brief."""
    return f"Before your 1:1 with <@{brief.person}>"


def brief_blocks(brief: Brief) -> list[Block]:
    """What they said, the promises naming them, and a question to ask them next."""
    who = f"<@{brief.person}>"
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(text=f":busts_in_silhouette: *Before your 1:1 with {who}*")
        )
    ]
    if brief.nothing_stored:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"Nothing stored about {who} yet: no entry in your log names them, and "
                    "they have not answered one of your asks by name. A good first question is "
                    "below."
                )
            )
        )
    else:
        blocks += _said(who, brief.said) + _promises(who, brief.promises)
    if brief.question is not None:
        blocks += [DividerBlock(), *_question(who, brief.question)]
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Only you see this. Anonymous answers are never part of it."
                )
            ]
        )
    )
    return blocks


def _said_line(row: SaidRow) -> str:
    words = shown(row.words, 280)
    if row.score is not None:
        words = label(row.score) + (f": “{words}”" if words else "")
    else:
        words = f"“{words}”"
    where = f" in <#{row.channel_id}>" if row.channel_id else (" by DM" if row.from_team else "")
    return f"• {slack_date(row.when)}{where}, to _{shown(row.question, 150)}_: {words}"


def _said(who: str, said: list[SaidRow]) -> list[Block]:
    if not said:
        return [
            SectionBlock(
                text=MarkdownTextObject(text=f"*What {who} said:* nothing by name in your log yet.")
            )
        ]
    latest = said[0]
    lines = "\n".join(_said_line(row) for row in said)
    return [
        SectionBlock(text=MarkdownTextObject(text=f"*What {who} said*\n{lines}")),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"Last talked {slack_date(latest.when)}, "
                    f"about _{shown(latest.question, 150)}_"
                )
            ]
        ),
    ]


def _promise_line(row: PromiseRow) -> str:
    text = shown(row.text, 280)
    if row.kept_at is not None:
        return f":white_check_mark: {text}  ·  kept {slack_date(row.kept_at)}"
    if row.dropped:
        return f":wastebasket: ~{text}~  ·  dropped"
    due = f"  ·  due {row.due:%a %d %b %Y}" if row.due is not None else ""
    return f":hourglass_flowing_sand: {text}{due}  ·  open since {slack_date(row.made)}"


def _promises(who: str, promises: list[PromiseRow]) -> list[Block]:
    if not promises:
        text = f"*Promises that name {who}:* none."
    else:
        lines = "\n".join(_promise_line(row) for row in promises)
        text = f"*Promises that name {who}*\n{lines}"
    return [SectionBlock(text=MarkdownTextObject(text=text))]


def _question(who: str, asked: Asked) -> list[Block]:
    question = asked.question
    follow_ups = "\n".join(f"↳ {shown(text, 280)}" for text in question.follow_ups)
    return [
        SectionBlock(
            text=MarkdownTextObject(
                text=f"*A question to ask {who}:* {shown(question.text, 600)}\n{follow_ups}"
            )
        ),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"{question.habit.title}  ·  *Why ask this:* {shown(question.why, 600)}"
                )
            ]
        ),
        ActionsBlock(
            block_id="brief_actions",
            elements=[
                ButtonElement(
                    text="Log answers",
                    action_id=ids.QUESTION_LOG,
                    value=asked.ref,
                    style="primary",
                ),
            ],
        ),
    ]
