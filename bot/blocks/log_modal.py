"""The modal in which a leader logs what the team answered."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ContextBlock,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from bot.domain import heartbeat
from bot.domain.payloads import encode_log_metadata
from bot.domain.question_bank import Asked
from bot.services.entries import EntryView
from bot.vocabulary import ids
from bot.vocabulary.habits import Habit
from bot.vocabulary.limits import MAX_ANSWER_LENGTH, MAX_PEOPLE, MAX_PROMISE_LENGTH
from bot.vocabulary.text import shown


def log_modal(asked: Asked, *, parent: int | None = None) -> View:
    """Inputs for what the team said, who said it, the heartbeat and any promise made."""
    return _modal(
        "Log answers",
        asked.text,
        asked.habit.title,
        encode_log_metadata(asked.ref, parent=parent),
        existing=None,
    )


def edit_modal(entry: EntryView) -> View:
    """The same form, filled in with what the leader logged, to change it."""
    return _modal(
        "Edit entry",
        entry.question_text,
        Habit(entry.habit).title,
        encode_log_metadata(entry_id=entry.id, team_answered=entry.team_asked),
        existing=entry,
    )


def _modal(
    title: str, question: str, habit: str, metadata: str, existing: EntryView | None
) -> View:
    return View(
        type="modal",
        callback_id=ids.LOG_CALLBACK,
        title=PlainTextObject(text=title),
        submit=PlainTextObject(text="Save"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=metadata,
        blocks=[
            SectionBlock(text=MarkdownTextObject(text=f"*{shown(question, 2900)}*")),
            ContextBlock(elements=[MarkdownTextObject(text=habit)]),
            *(_team_answered() if existing and existing.team_asked else _answer_inputs(existing)),
            _heartbeat_input(existing),
            *_promise_inputs(existing),
        ],
    )


def _team_answered() -> list[ContextBlock]:
    # A team conversation's answers are the team's own, kept with it: never retyped here.
    return [
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Your team answered this in Slack: their answers stay with it. "
                    "Add how the team seemed, or what you promised."
                )
            ]
        )
    ]


def _answer_inputs(existing: EntryView | None) -> list[InputBlock]:
    return [
        InputBlock(
            block_id=ids.LOG_ANSWER_BLOCK,
            label="What did the team say?",
            element=PlainTextInputElement(
                action_id=ids.LOG_ANSWER_ACTION,
                multiline=True,
                max_length=MAX_ANSWER_LENGTH,
                placeholder="Their words, as close as you remember them",
                initial_value=existing.answer if existing else None,
            ),
        ),
        InputBlock(
            block_id=ids.LOG_PEOPLE_BLOCK,
            label="Who answered",
            optional=True,
            element=UserMultiSelectElement(
                action_id=ids.LOG_PEOPLE_ACTION,
                placeholder="Pick people",
                max_selected_items=MAX_PEOPLE,
                initial_users=list(existing.people) if existing else None,
            ),
        ),
    ]


def _heartbeat_input(existing: EntryView | None) -> InputBlock:
    options = [Option(value=str(value), text=heartbeat.label(value)) for value in heartbeat.SCALE]
    current_beat = existing.heartbeat if existing else None
    return InputBlock(
        block_id=ids.LOG_HEARTBEAT_BLOCK,
        label="Team heartbeat",
        optional=True,
        hint=f"How the team seemed: {heartbeat.scale_in_words()}",
        element=StaticSelectElement(
            action_id=ids.LOG_HEARTBEAT_ACTION,
            placeholder="How did the team seem?",
            options=options,
            initial_option=options[current_beat - 1] if current_beat else None,
        ),
    )


def _promise_inputs(existing: EntryView | None) -> list[InputBlock]:
    return [
        InputBlock(
            block_id=ids.LOG_PROMISE_BLOCK,
            label="Anything you promised to do?",
            optional=True,
            hint="Follow through: write it down so you can come back to it.",
            element=PlainTextInputElement(
                action_id=ids.LOG_PROMISE_ACTION,
                multiline=True,
                max_length=MAX_PROMISE_LENGTH,
                placeholder="e.g. Ask finance about the travel budget by Friday",
                initial_value=existing.promise if existing and existing.promise else None,
            ),
        ),
        InputBlock(
            block_id=ids.LOG_DUE_BLOCK,
            label="Promised by",
            optional=True,
            hint="Your daily question reminds you on the day.",
            element=DatePickerElement(
                action_id=ids.LOG_DUE_ACTION,
                placeholder="Pick a date",
                initial_date=existing.promise_due.isoformat()
                if existing and existing.promise_due
                else None,
            ),
        ),
    ]
