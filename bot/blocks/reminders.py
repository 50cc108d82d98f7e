"""Reminders as Block Kit: a promise on its day and a week past it, with New date and Drop;
and the polite reminder to someone asked by DM who has not answered yet."""

from __future__ import annotations

from datetime import date

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.blocks.ask_message import closes_text, privacy_line
from bot.domain.payloads import encode_log_metadata
from bot.domain.reminder_rules import OpenPromise
from bot.services.asks import AskMessage
from bot.services.entries import EntryView
from bot.vocabulary import ids
from bot.vocabulary.text import escape_mrkdwn, shown


def _day(day: date) -> str:
    return f"{day:%a %d %b}"


def _promise_buttons(entry_id: int, *, drop: bool) -> ActionsBlock:
    value = str(entry_id)
    elements = [
        ButtonElement(text="Done", action_id=ids.PROMISE_DONE, value=value, style="primary"),
        ButtonElement(text="New date", action_id=ids.PROMISE_NEW_DATE_OPEN, value=value),
    ]
    if drop:
        elements.append(ButtonElement(text="Drop", action_id=ids.PROMISE_DROP, value=value))
    return ActionsBlock(block_id="promise_reminder", elements=elements)


def due_today(promise: OpenPromise) -> list[Block]:
    """A promise on the day the leader gave it: what they said, with Done and New date."""
    return [
        SectionBlock(
            text=MarkdownTextObject(
                text=":handshake: *Today is the day you gave for a promise:*\n"
                f"{shown(promise.promise, 1500)}"
            )
        ),
        ContextBlock(
            elements=[
                MarkdownTextObject(text=f"_After asking: {shown(promise.question_text, 300)}_")
            ]
        ),
        _promise_buttons(promise.entry_id, drop=False),
    ]


def due_today_text(promise: OpenPromise) -> str:
    return f"Today is the day you gave: {escape_mrkdwn(promise.promise[:150])}"


def week_overdue(promise: OpenPromise) -> list[Block]:
    """A promise a week past its day: still on (Done, New date), or let go (Drop)."""
    return [
        SectionBlock(
            text=MarkdownTextObject(
                text=f":hourglass: *A week past the day you gave ({_day(promise.due)}):*\n"
                f"{shown(promise.promise, 1500)}"
            )
        ),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"_After asking: {shown(promise.question_text, 300)}_  ·  Done it? "
                    "Mark it done. Still on? Give it a new date. No longer right? Drop it: "
                    "it stays in your log."
                )
            ]
        ),
        _promise_buttons(promise.entry_id, drop=True),
    ]


def week_overdue_text(promise: OpenPromise) -> str:
    return f"A week past the day you gave: {escape_mrkdwn(promise.promise[:150])}"


def new_date_modal(entry: EntryView, today: date) -> View:
    """The form giving an open promise a new day."""
    return View(
        type="modal",
        callback_id=ids.PROMISE_NEW_DATE_CALLBACK,
        title=PlainTextObject(text="New date"),
        submit=PlainTextObject(text="Save"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=encode_log_metadata(entry_id=entry.id),
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(text=f":handshake: *{shown(entry.promise or '', 2500)}*")
            ),
            InputBlock(
                block_id=ids.PROMISE_NEW_DATE_BLOCK,
                label="By when, now?",
                hint="You get one reminder on that day.",
                element=DatePickerElement(
                    action_id=ids.PROMISE_NEW_DATE_ACTION,
                    initial_date=max(entry.promise_due or today, today).isoformat(),
                ),
            ),
        ],
    )


def new_date_set(entry: EntryView) -> str:
    due = f" by {_day(entry.promise_due)}" if entry.promise_due else ""
    return f":date: New date saved: {shown(entry.promise or '', 500)}{due}."


def dropped(entry: EntryView) -> list[Block]:
    """In place of the reminder, once the leader dropped the promise."""
    return [
        SectionBlock(
            text=MarkdownTextObject(
                text=f":wastebasket: *Dropped:* ~{shown(entry.promise or '', 1500)}~\n"
                "It stays in your log, and no longer comes back as a reminder."
            )
        )
    ]


# -- people asked by DM -----------------------------------------------------------------------


def ask_reminder(message: AskMessage) -> list[Block]:
    """One polite reminder to someone asked by DM: the question, the close, Answer, and the
    choice not to be reminded again."""
    asker = f"<@{message.leader_user_id}>"
    return [
        SectionBlock(
            text=MarkdownTextObject(
                text=f":wave: A gentle reminder: {asker} asked you\n"
                f"*{shown(message.question, 2000)}*\n"
                f"Answers close {closes_text(message.closes_at)}. A sentence is plenty."
            )
        ),
        ContextBlock(elements=[MarkdownTextObject(text=privacy_line(message))]),
        ActionsBlock(
            block_id="ask_reminder",
            elements=[
                _answer(message),
                ButtonElement(
                    text="Don't remind me for this leader's questions",
                    action_id=ids.REMINDERS_DECLINE,
                    value=str(message.ask_id),
                ),
            ],
        ),
    ]


def ask_reminder_text(message: AskMessage) -> str:
    return f"A gentle reminder: your lead asked {escape_mrkdwn(message.question[:150])}"


def reminders_declined(message: AskMessage) -> list[Block]:
    """In place of the reminder, once its reader chose not to be reminded again."""
    return [
        SectionBlock(
            text=MarkdownTextObject(
                text=f":no_bell: Got it: no more reminders for <@{message.leader_user_id}>'s "
                "questions. You can still answer this one until it closes."
            )
        ),
        ActionsBlock(block_id="ask_reminder", elements=[_answer(message)]),
    ]


def _answer(message: AskMessage) -> ButtonElement:
    """The ask's own Answer button: the answer form opens as from the question itself."""
    return ButtonElement(
        text="Answer", action_id=ids.TEAM_ANSWER_OPEN, value=str(message.ask_id), style="primary"
    )
