"""The schedule settings modal and the one-line replies to schedule commands."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    CheckboxesElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextObject,
    SectionBlock,
    TimePickerElement,
)
from slack_sdk.models.views import View

from bot.habits import Habit
from bot.scheduling import WEEKDAY_NAMES, WEEKDAYS, Rule, describe_days, describe_time
from bot.vocabulary import ids

DEFAULT_RULE = Rule(9 * 60, WEEKDAYS)


def describe_rule(rule: Rule, tz: str | None) -> str:
    """ "weekdays at 9:00 (Europe/Paris)", or "… (your Slack time zone)" before we know it."""
    where = tz or "your Slack time zone"
    return f"{describe_days(rule.days)} at {describe_time(rule.minute_of_day)} ({where})"


def schedule_modal(
    rule: Rule | None, habits: tuple[Habit, ...], tz: str | None, status: str
) -> View:
    """Time, days and habits, showing the current setting and the next nudge in `status`."""
    current = rule or DEFAULT_RULE
    day_options = [Option(value=str(n), text=name) for n, name in enumerate(WEEKDAY_NAMES)]
    habit_options = [Option(value=habit.value, text=habit.label) for habit in Habit]
    return View(
        type="modal",
        callback_id=ids.SCHEDULE_CALLBACK,
        title=PlainTextObject(text="Daily question"),
        submit=PlainTextObject(text="Save"),
        close=PlainTextObject(text="Cancel"),
        blocks=[
            SectionBlock(text=MarkdownTextObject(text=status)),
            InputBlock(
                block_id=ids.SCHEDULE_TIME_BLOCK,
                label="Time",
                element=TimePickerElement(
                    action_id=ids.SCHEDULE_TIME_ACTION,
                    initial_time=_hh_mm(current.minute_of_day),
                ),
            ),
            InputBlock(
                block_id=ids.SCHEDULE_DAYS_BLOCK,
                label="Days",
                element=CheckboxesElement(
                    action_id=ids.SCHEDULE_DAYS_ACTION,
                    options=day_options,
                    initial_options=[day_options[n] for n in sorted(current.days)],
                ),
            ),
            InputBlock(
                block_id=ids.SCHEDULE_HABITS_BLOCK,
                label="Habits to draw questions from",
                optional=True,
                element=CheckboxesElement(
                    action_id=ids.SCHEDULE_HABITS_ACTION,
                    options=habit_options,
                    initial_options=[habit_options[list(Habit).index(h)] for h in habits],
                ),
            ),
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=f"Times are in your Slack time zone, {tz}."
                        if tz
                        else "Times are in your Slack time zone."
                    )
                ]
            ),
        ],
    )


def schedule_saved_view(summary: str) -> View:
    """What the modal turns into after Save."""
    return View(
        type="modal",
        title=PlainTextObject(text="Daily question"),
        close=PlainTextObject(text="Done"),
        blocks=[SectionBlock(text=MarkdownTextObject(text=f":white_check_mark: {summary}"))],
    )


def _hh_mm(minute_of_day: int) -> str:
    return f"{minute_of_day // 60:02d}:{minute_of_day % 60:02d}"
