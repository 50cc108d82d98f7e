"""The schedule settings modal, and the words for a schedule in replies to schedule commands."""

from __future__ import annotations

from datetime import datetime

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

from bot.domain.nudge_rules import (
    INDEFINITELY,
    WEEKDAY_NAMES,
    WEEKDAYS,
    Rule,
    describe_days,
    describe_instant,
    describe_time,
    zone,
)
from bot.services.schedules import Current, Plan
from bot.vocabulary import ids
from bot.vocabulary.habits import Habit
from bot.vocabulary.slack_errors import UNREACHABLE
from bot.vocabulary.text import escape_mrkdwn

DEFAULT_RULE = Rule(9 * 60, WEEKDAYS)
NO_SCHEDULE_YET = "You have no daily question yet. Pick a time and days, then Save."
RESUME = "`/ask-team resume` starts them again"


def describe_rule(rule: Rule, tz: str | None) -> str:
    """ "weekdays at 9:00 (Europe/Paris)", or "… (your Slack time zone)" before we know it."""
    where = tz or "your Slack time zone"
    return f"{describe_days(rule.days)} at {describe_time(rule.minute_of_day)} ({where})"


def pause_reason_words(reason: str) -> str:
    """ "Slack said your account is inactive (account_inactive)": why the bot paused nudges."""
    said = UNREACHABLE.get(reason, "Slack refused to deliver the last one")
    return f"{said} ({escape_mrkdwn(reason)})"


def next_words(plan: Plan, now: datetime) -> str:
    """When the next nudge comes, or why none is coming."""
    if plan.next_due_at is not None:
        return describe_instant(plan.next_due_at, zone(plan.tz), now)
    if plan.waiting_for_zone:
        return "as soon as Slack tells me your time zone"
    if plan.pause_reason is not None:
        return f"none. Paused: {pause_reason_words(plan.pause_reason)}. {RESUME}"
    return "none until you resume (`/ask-team resume`)"


def saved_words(plan: Plan, now: datetime) -> str:
    """The reply to a saved schedule: the rule, in the leader's zone, and the next nudge."""
    return (
        f"You'll get a question to ask your team {describe_rule(plan.rule, plan.slack_zone)}. "
        f"Next: {next_words(plan, now)}."
    )


def paused_words(plan: Plan, now: datetime) -> str:
    until = (
        "until you resume (`/ask-team resume`)"
        if plan.resume_on in (None, INDEFINITELY)
        else f"until {plan.resume_on:%A %Y-%m-%d}"
    )
    return f"Paused {until}. Next: {next_words(plan, now)}."


def resumed_words(plan: Plan, paused_because: str | None, now: datetime) -> str:
    words = f"Resumed. Next: {next_words(plan, now)}."
    if paused_because is not None:
        words += (
            f" I had paused them because {pause_reason_words(paused_because)}; "
            "if Slack still says so, they pause again."
        )
    return words


def settings_modal_view(current: Current, now: datetime) -> View:
    """The settings modal filled in with the leader's schedule, and its status on top."""
    plan = current.plan
    if plan is None:
        return schedule_modal(
            None, tuple(Habit), current.slack_zone, NO_SCHEDULE_YET, alerts=current.alerts
        )
    status = (
        f"*Now:* {describe_rule(plan.rule, current.slack_zone)}.\n*Next:* {next_words(plan, now)}."
    )
    return schedule_modal(plan.rule, plan.habits, current.slack_zone, status, alerts=current.alerts)


def schedule_modal(
    rule: Rule | None,
    habits: tuple[Habit, ...],
    tz: str | None,
    status: str,
    *,
    alerts: bool = True,
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
            _alerts_input(alerts),
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


def _alerts_input(on: bool) -> InputBlock:
    alert = Option(
        value=ids.ALERTS_ON,
        text="DM me when the team's heartbeat drops",
        description="A pulse well below the last one, or three low readings in a row",
    )
    return InputBlock(
        block_id=ids.SCHEDULE_ALERTS_BLOCK,
        label="Morale alerts",
        optional=True,
        element=CheckboxesElement(
            action_id=ids.SCHEDULE_ALERTS_ACTION,
            options=[alert],
            initial_options=[alert] if on else None,
        ),
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
