"""The App Home tab."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.blocks.ask_summary import conversation_block
from bot.blocks.promises import due_words
from bot.domain import heartbeat
from bot.services.home import HomeData
from bot.vocabulary import ids
from bot.vocabulary.habits import Habit
from bot.vocabulary.text import counted, escape_mrkdwn, shown, slack_date


def home_view(data: HomeData) -> View:
    """Next nudge, this week's question, recent conversations, heartbeat, promises, balance."""
    blocks: list[Block] = [HeaderBlock(text="Lead by following")]
    blocks.append(
        SectionBlock(
            text=MarkdownTextObject(
                text=f":alarm_clock: *Next question:* {data.next_nudge}"
                if data.next_nudge
                else ":alarm_clock: No daily question yet. Settings sets one up."
            ),
            accessory=ButtonElement(text="Settings", action_id=ids.HOME_SETTINGS, value="home"),
        )
    )
    blocks.append(DividerBlock())
    blocks.extend(_this_week(data))
    blocks.append(DividerBlock())
    blocks.extend(_recent(data))
    blocks.append(DividerBlock())
    blocks.append(
        SectionBlock(
            text=MarkdownTextObject(
                text=f":heartbeat: *Team heartbeat, last {heartbeat.HOME_WEEKS} weeks:* "
                f"`{heartbeat.sparkline(data.weeks)}`\n{heartbeat.reading(data.weeks)}"
            )
        )
    )
    if any(week.answers for week in data.team_weeks):
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text="The line above is your own reading when you log. "
                        f"*The team's own pulse* (`/ask-team pulse`): "
                        f"`{heartbeat.sparkline(data.team_weeks)}`"
                    )
                ]
            )
        )
    blocks.append(DividerBlock())
    blocks.extend(_promises(data))
    blocks.append(DividerBlock())
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=_balance(data))]))
    return View(type="home", blocks=blocks)


def _this_week(data: HomeData) -> list[Block]:
    if data.current is None:
        return [
            SectionBlock(
                text=MarkdownTextObject(text="*This week's question:* none yet."),
                accessory=ButtonElement(
                    text="Get a question", action_id=ids.HOME_NEW_QUESTION, value="home"
                ),
            )
        ]
    asked = data.current
    return [
        SectionBlock(
            text=MarkdownTextObject(
                text=f"*This week's question* ({asked.habit.title})\n*{escape_mrkdwn(asked.text)}*"
            )
        ),
        ActionsBlock(
            block_id="home_question",
            elements=[
                ButtonElement(
                    text="Log answers", action_id=ids.QUESTION_LOG, value=asked.ref, style="primary"
                ),
                ButtonElement(text="New question", action_id=ids.HOME_NEW_QUESTION, value="home"),
            ],
        ),
    ]


def _recent(data: HomeData) -> list[Block]:
    if not data.recent:
        return [
            SectionBlock(
                text=MarkdownTextObject(
                    text="*Recent conversations:* nothing logged yet. Ask, listen, then log."
                )
            )
        ]
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text="*Recent conversations* (`/ask-team history`)"))
    ]
    for entry in data.recent:
        beat = f" · {heartbeat.label(entry.heartbeat)}" if entry.heartbeat else ""
        said = f"{shown(entry.answer, 400)}\n" if entry.answer else ""
        conversation = data.team.get(entry.id)
        # A team conversation's one way to promise, as on its summary and in history.
        promise = ButtonElement(
            text="Promise something", action_id=ids.PROMISE_OPEN, value=str(entry.id)
        )
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"*{shown(entry.question_text, 300)}*\n{said}"
                    f"_{slack_date(entry.created_at)}{beat}_"
                ),
                accessory=promise if conversation is not None else None,
            )
        )
        if conversation is not None:
            blocks.append(conversation_block(conversation))
    return blocks


def _promises(data: HomeData) -> list[Block]:
    if not data.open_promises:
        return [
            SectionBlock(
                text=MarkdownTextObject(text=":handshake: *Open promises:* none. Keep it that way.")
            )
        ]
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=":handshake: *Open promises*"))
    ]
    for entry in data.open_promises:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=shown(entry.promise or "", 500) + due_words(entry, data.today)
                ),
                accessory=ButtonElement(
                    text="Done", action_id=ids.PROMISE_DONE, value=str(entry.id), style="primary"
                ),
            )
        )
    hidden = data.open_promise_count - len(data.open_promises)
    if hidden > 0:
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(text=f"…and {counted(hidden, 'older one', 'older ones')}.")
                ]
            )
        )
    return blocks


def _balance(data: HomeData) -> str:
    counts = data.asked_per_habit
    parts = [f"{habit.emoji} {counts.get(habit, 0)}" for habit in Habit]
    neglected = min(Habit, key=lambda habit: counts.get(habit, 0))
    return (
        "*Habit balance, last 30 days:* "
        + "  ".join(parts)
        + f"   Most neglected: {neglected.label.lower()} (`/ask-team {neglected.value}`)."
    )
