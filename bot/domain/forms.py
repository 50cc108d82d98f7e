"""Validating what modals submit. Pure: each parser takes Slack's `view.state.values`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.domain.heartbeat import HIGHEST, LOWEST
from bot.domain.heartbeat import parse as parse_heartbeat
from bot.domain.nudge_rules import Rule
from bot.domain.team_ask_rules import MAX_ASKED_PEOPLE, MAX_QUESTION_LENGTH, MAX_TEAM_ANSWER_LENGTH
from bot.vocabulary import ids
from bot.vocabulary.habits import Habit
from bot.vocabulary.limits import (
    MAX_ANSWER_LENGTH,
    MAX_OUTCOME_LENGTH,
    MAX_PEOPLE,
    MAX_PROMISE_LENGTH,
)
from bot.vocabulary.slack_ids import CHANNEL_ID, USER_ID
from bot.vocabulary.text import clean_text

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
    return _users_in(values, ids.LOG_PEOPLE_BLOCK, ids.LOG_PEOPLE_ACTION)


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


@dataclass(frozen=True)
class AskForm:
    """Asking the team: a channel or people, the question, named or anonymous, closing day."""

    channel: str | None
    people: tuple[str, ...]
    question: str
    anonymous: bool
    closes_on: date


def parse_ask_form(values: Any) -> AskForm | dict[str, str]:
    if not isinstance(values, dict):
        values = {}
    errors: dict[str, str] = {}
    channel = _state(values, ids.ASK_CHANNEL_BLOCK, ids.ASK_CHANNEL_ACTION).get(
        "selected_conversation"
    )
    if channel is not None and not (isinstance(channel, str) and CHANNEL_ID.match(channel)):
        errors[ids.ASK_CHANNEL_BLOCK] = "Pick a channel from the list."
        channel = None
    people = _users_in(values, ids.ASK_PEOPLE_BLOCK, ids.ASK_PEOPLE_ACTION)
    if people is None:
        errors[ids.ASK_PEOPLE_BLOCK] = "Pick people from your workspace."
        people = []
    elif len(people) > MAX_ASKED_PEOPLE:
        errors[ids.ASK_PEOPLE_BLOCK] = (
            f"Pick at most {MAX_ASKED_PEOPLE} people, or ask a channel instead."
        )
    if channel and people:
        errors[ids.ASK_PEOPLE_BLOCK] = "Ask a channel or people, not both: clear one of them."
    elif not channel and not people and not errors:
        errors[ids.ASK_CHANNEL_BLOCK] = "Pick a channel, or people below."
    question = clean_text(_text_value(values, ids.ASK_QUESTION_BLOCK, ids.ASK_QUESTION_ACTION))
    if not question:
        errors[ids.ASK_QUESTION_BLOCK] = "Write the question to ask."
    elif len(question) > MAX_QUESTION_LENGTH:
        errors[ids.ASK_QUESTION_BLOCK] = (
            f"That is {len(question):,} characters; keep it under {MAX_QUESTION_LENGTH}."
        )
    option = _state(values, ids.ASK_PRIVACY_BLOCK, ids.ASK_PRIVACY_ACTION).get("selected_option")
    privacy = option.get("value") if isinstance(option, dict) else None
    if privacy not in ("named", "anonymous"):
        errors[ids.ASK_PRIVACY_BLOCK] = "Choose named or anonymous answers."
    closes_on: date | None = None
    picked = _state(values, ids.ASK_CLOSES_BLOCK, ids.ASK_CLOSES_ACTION).get("selected_date")
    try:
        closes_on = date.fromisoformat(picked) if isinstance(picked, str) else None
    except ValueError:
        closes_on = None
    if closes_on is None:
        errors[ids.ASK_CLOSES_BLOCK] = "Pick the day answers close."
    if errors or closes_on is None:
        return errors
    return AskForm(channel, tuple(people), question, privacy == "anonymous", closes_on)


@dataclass(frozen=True)
class TeamAnswerForm:
    text: str
    score: int | None
    # In an anonymous ask, the answerer chose to put their name to it.
    add_name: bool = False


def parse_team_answer_form(values: Any, *, pulse: bool) -> TeamAnswerForm | dict[str, str]:
    """A team member's answer: words (a pulse: a 1-5 score, and words if they like)."""
    if not isinstance(values, dict):
        values = {}
    errors: dict[str, str] = {}
    text = clean_text(_text_value(values, ids.TEAM_ANSWER_TEXT_BLOCK, ids.TEAM_ANSWER_TEXT_ACTION))
    if len(text) > MAX_TEAM_ANSWER_LENGTH:
        errors[ids.TEAM_ANSWER_TEXT_BLOCK] = (
            f"That is {len(text):,} characters; the limit is {MAX_TEAM_ANSWER_LENGTH:,}. "
            "Everything you typed is still here."
        )
    elif not text and not pulse:
        errors[ids.TEAM_ANSWER_TEXT_BLOCK] = "Write your answer; a sentence is plenty."
    score: int | None = None
    if pulse:
        option = _state(values, ids.TEAM_ANSWER_SCORE_BLOCK, ids.TEAM_ANSWER_SCORE_ACTION).get(
            "selected_option"
        )
        score = parse_heartbeat(option.get("value") if isinstance(option, dict) else None)
        if score is None:
            errors[ids.TEAM_ANSWER_SCORE_BLOCK] = f"Pick a number from {LOWEST} to {HIGHEST}."
    if errors:
        return errors
    named = _selected(values, ids.TEAM_ANSWER_NAME_BLOCK, ids.TEAM_ANSWER_NAME_ACTION)
    return TeamAnswerForm(text, score, any(option.get("value") == "named" for option in named))


def parse_reply_form(values: Any) -> str | dict[str, str]:
    """The leader's reply to the team: one message, up to 3,000 characters."""
    if not isinstance(values, dict):
        values = {}
    text = clean_text(_text_value(values, ids.TEAM_REPLY_BLOCK, ids.TEAM_REPLY_ACTION))
    if not text:
        return {ids.TEAM_REPLY_BLOCK: "Write what you want to tell the team."}
    if len(text) > MAX_TEAM_ANSWER_LENGTH:
        return {ids.TEAM_REPLY_BLOCK: f"Keep it under {MAX_TEAM_ANSWER_LENGTH:,} characters."}
    return text


def _users_in(values: dict[str, Any], block_id: str, action_id: str) -> list[str] | None:
    selected = _state(values, block_id, action_id).get("selected_users")
    if selected is None:
        return []
    if not isinstance(selected, list) or not all(
        isinstance(user, str) and USER_ID.match(user) for user in selected
    ):
        return None
    return list(dict.fromkeys(selected))
