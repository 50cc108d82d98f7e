"""Promise something, on a team conversation, and what the team then reads in its thread."""

from __future__ import annotations

from datetime import date

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    ContextBlock,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.services.entries import EntryView
from bot.vocabulary import ids
from bot.vocabulary.limits import MAX_PROMISE_LENGTH
from bot.vocabulary.text import shown

_TELL = Option(
    value=ids.PROMISE_TELL_VALUE,
    text="Tell the team, in the thread where they answered",
)


def promise_modal(entry: EntryView) -> View:
    """Three questions: what you will do, by when, and whether the team hears it."""
    return View(
        type="modal",
        callback_id=ids.PROMISE_CALLBACK,
        title=PlainTextObject(text="Promise something"),
        submit=PlainTextObject(text="Promise"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=str(entry.id),
        blocks=[
            SectionBlock(text=MarkdownTextObject(text=f"*{shown(entry.question_text, 2900)}*")),
            ContextBlock(
                elements=[MarkdownTextObject(text="Follow through: say what you will do about it.")]
            ),
            InputBlock(
                block_id=ids.PROMISE_WHAT_BLOCK,
                label="What will you do?",
                element=PlainTextInputElement(
                    action_id=ids.PROMISE_WHAT_ACTION,
                    multiline=True,
                    max_length=MAX_PROMISE_LENGTH,
                    placeholder="e.g. Cut the Friday sync to 25 minutes",
                    initial_value=entry.promise or None,
                ),
            ),
            InputBlock(
                block_id=ids.PROMISE_BY_BLOCK,
                label="By when",
                optional=True,
                hint="Your daily question reminds you on the day.",
                element=DatePickerElement(
                    action_id=ids.PROMISE_BY_ACTION,
                    placeholder="Pick a date",
                    initial_date=entry.promise_due.isoformat() if entry.promise_due else None,
                ),
            ),
            InputBlock(
                block_id=ids.PROMISE_TELL_BLOCK,
                label="The team",
                optional=True,
                element=CheckboxesElement(
                    action_id=ids.PROMISE_TELL_ACTION, options=[_TELL], initial_options=[_TELL]
                ),
            ),
        ],
    )


def promise_post(leader_user_id: str, question: str, promise: str, due: date | None) -> str:
    """What the team reads under their answers: the question and the leader's own words only,
    never a quote of an answer (an anonymous one could point at who wrote it)."""
    by = f", by {due:%A %d %B}" if due else ""
    return (
        f"<@{leader_user_id}> on “{shown(question, 300)}”:\n"
        f"You said it → I'll {shown(promise, 1500)}{by}."
    )


def done_post(leader_user_id: str, promise: str, outcome: str) -> str:
    """What the team reads when the leader marks the promise done: you said, we did."""
    return f"<@{leader_user_id}>: Done: {shown(promise, 1000)}\n{shown(outcome, 300)}"


def thread_blocks(text: str) -> list[Block]:
    """A post in a team conversation's thread."""
    return [SectionBlock(text=MarkdownTextObject(text=text))]
