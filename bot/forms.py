"""Validating what modals submit. Pure: each parser takes Slack's `view.state.values`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.habits import Habit
from bot.heartbeat import HIGHEST, LOWEST
from bot.heartbeat import parse as parse_heartbeat
from bot.nudge_rules import Rule
from bot.text import clean_text
from bot.vocabulary import ids
from bot.vocabulary.limits import (
    MAX_ANSWER_LENGTH,
    MAX_OUTCOME_LENGTH,
    MAX_PEOPLE,
    MAX_PROMISE_LENGTH,
)
from bot.vocabulary.slack_ids import CHANNEL_ID, USER_ID

# What a timepicker sends, in ASCII digits: isdigit() would also pass "²³", which int() refuses.
_TIME = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")
_WEEKDAYS = {str(day): day for day in range(7)}


@dataclass(frozen=True)
class LogForm:
    answer: str
    people: tuple[str, ...]
    heartbeat: int | None
    promise: str | None
    promise_due: date | None = None


def parse_log_form(values: Any) -> LogForm | dict[str, str]:
    """The validated form, or a map of block id to the message Slack shows under that input."""
    if not isinstance(values, dict):
        values = {}
    errors: dict[str, str] = {}

    answer = clean_text(_text_value(values, ids.LOG_ANSWER_BLOCK, ids.LOG_ANSWER_ACTION))
    if not answer:
        errors[ids.LOG_ANSWER_BLOCK] = (
            "Write what the team said; even one sentence is worth keeping."
        )
    elif len(answer) > MAX_ANSWER_LENGTH:
        errors[ids.LOG_ANSWER_BLOCK] = (
            f"That is {len(answer):,} characters; the limit is {MAX_ANSWER_LENGTH:,}. "
            "Trim it a little: everything you typed is still here."
        )

    people = _selected_users(values)
    if people is None:
        errors[ids.LOG_PEOPLE_BLOCK] = "Pick people from your workspace."
        people = []
    elif len(people) > MAX_PEOPLE:
        errors[ids.LOG_PEOPLE_BLOCK] = f"Pick at most {MAX_PEOPLE} people."

    heartbeat = _heartbeat(values)
    if heartbeat == 0:
        errors[ids.LOG_HEARTBEAT_BLOCK] = (
            f"Pick a heartbeat from {LOWEST} to {HIGHEST}, or leave it empty."
        )

    promise = clean_text(_text_value(values, ids.LOG_PROMISE_BLOCK, ids.LOG_PROMISE_ACTION))
    if len(promise) > MAX_PROMISE_LENGTH:
        errors[ids.LOG_PROMISE_BLOCK] = (
            f"That is {len(promise):,} characters; the limit is {MAX_PROMISE_LENGTH:,}."
        )

    due_text = _state(values, ids.LOG_DUE_BLOCK, ids.LOG_DUE_ACTION).get("selected_date")
    due: date | None = None
    if due_text:
        try:
            due = date.fromisoformat(str(due_text))
        except ValueError:
            errors[ids.LOG_DUE_BLOCK] = "Pick the date from the calendar."
    if due is not None and not promise:
        errors[ids.LOG_PROMISE_BLOCK] = "Say what you promised, or clear the date."

    if errors:
        return errors
    return LogForm(
        answer=answer,
        people=tuple(people),
        heartbeat=heartbeat,
        promise=promise or None,
        promise_due=due,
    )


def _state(values: dict[str, Any], block_id: str, action_id: str) -> dict[str, Any]:
    block = values.get(block_id)
    state = block.get(action_id) if isinstance(block, dict) else None
    return state if isinstance(state, dict) else {}


def _text_value(values: dict[str, Any], block_id: str, action_id: str) -> str:
    value = _state(values, block_id, action_id).get("value")
    return value if isinstance(value, str) else ""


def _selected_users(values: dict[str, Any]) -> list[str] | None:
    selected = _state(values, ids.LOG_PEOPLE_BLOCK, ids.LOG_PEOPLE_ACTION).get("selected_users")
    if selected is None:
        return []
    if not isinstance(selected, list) or not all(
        isinstance(user, str) and USER_ID.match(user) for user in selected
    ):
        return None
    return list(dict.fromkeys(selected))


def _heartbeat(values: dict[str, Any]) -> int | None:
    """1-5 when chosen, None when left empty, 0 for anything we did not offer."""
    option = _state(values, ids.LOG_HEARTBEAT_BLOCK, ids.LOG_HEARTBEAT_ACTION).get(
        "selected_option"
    )
    if option is None:
        return None
    point = parse_heartbeat(option.get("value") if isinstance(option, dict) else None)
    return 0 if point is None else point


@dataclass(frozen=True)
class ScheduleForm:
    rule: Rule
    habits: tuple[Habit, ...]


def parse_schedule_form(values: Any) -> ScheduleForm | dict[str, str]:
    """The schedule settings modal: a time, at least one day, and the habits (none: all)."""
    if not isinstance(values, dict):
        values = {}
    errors: dict[str, str] = {}
    selected_time = _state(values, ids.SCHEDULE_TIME_BLOCK, ids.SCHEDULE_TIME_ACTION).get(
        "selected_time"
    )
    minute = -1
    matched = _TIME.fullmatch(selected_time) if isinstance(selected_time, str) else None
    if matched:
        minute = int(matched[1]) * 60 + int(matched[2])
    if minute < 0:
        errors[ids.SCHEDULE_TIME_BLOCK] = "Pick a time, for example 09:00."
    days = {
        _WEEKDAYS[value]
        for option in _selected(values, ids.SCHEDULE_DAYS_BLOCK, ids.SCHEDULE_DAYS_ACTION)
        if isinstance(value := option.get("value"), str) and value in _WEEKDAYS
    }
    if not days:
        errors[ids.SCHEDULE_DAYS_BLOCK] = "Pick at least one day."
    chosen = {
        value
        for option in _selected(values, ids.SCHEDULE_HABITS_BLOCK, ids.SCHEDULE_HABITS_ACTION)
        if isinstance(value := option.get("value"), str)
    }
    habits = tuple(habit for habit in Habit if habit.value in chosen) or tuple(Habit)
    if errors:
        return errors
    return ScheduleForm(Rule(minute, frozenset(days)), habits)


@dataclass(frozen=True)
class PromiseKeptForm:
    outcome: str
    channel: str | None


def parse_promise_kept_form(values: Any) -> PromiseKeptForm | dict[str, str]:
    """Marking a promise kept: one line on what was done, and maybe a channel to tell."""
    if not isinstance(values, dict):
        values = {}
    outcome = clean_text(_text_value(values, ids.PROMISE_OUTCOME_BLOCK, ids.PROMISE_OUTCOME_ACTION))
    if not outcome:
        return {ids.PROMISE_OUTCOME_BLOCK: "Say what you did."}
    if len(outcome) > MAX_OUTCOME_LENGTH:
        return {ids.PROMISE_OUTCOME_BLOCK: f"One line: {MAX_OUTCOME_LENGTH} at most."}
    channel = _state(values, ids.PROMISE_SHARE_BLOCK, ids.PROMISE_SHARE_ACTION).get(
        "selected_conversation"
    )
    valid = isinstance(channel, str) and CHANNEL_ID.match(channel) is not None
    return PromiseKeptForm(outcome, channel if valid else None)


def _selected(values: dict[str, Any], block_id: str, action_id: str) -> list[dict[str, Any]]:
    """The checked options; anything but a list of objects counts as none checked."""
    options = _state(values, block_id, action_id).get("selected_options")
    if not isinstance(options, list):
        return []
    return [option for option in options if isinstance(option, dict)]
