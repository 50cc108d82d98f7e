"""Validating what modals submit. Pure: each parser takes Slack's `view.state.values`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

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
from bot.vocabulary.refusals import Reason, Refusal
from bot.vocabulary.slack_ids import CHANNEL_ID, USER_ID
from bot.vocabulary.text import clean_text

# What a timepicker sends, in ASCII digits: isdigit() would also pass "²³", which int() refuses.
_TIME = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")
_WEEKDAYS = {str(day): day for day in range(7)}


class _Errors:
    """What is wrong with a form, by input: a later refusal of an input replaces the earlier."""

    def __init__(self) -> None:
        self._by_field: dict[str, Refusal] = {}

    def __bool__(self) -> bool:
        return bool(self._by_field)

    def add(
        self, reason: Reason, field: str, *, length: int | None = None, limit: int | None = None
    ) -> None:
        """Refuse the input `field` for `reason`."""
        self._by_field[field] = Refusal(reason, field, length, limit)

    def required_text(self, values: dict[str, Any], field: str, action: str, limit: int) -> str:
        """The text typed into `field`, cleaned; refused if empty or longer than `limit`."""
        text = clean_text(_text_value(values, field, action))
        if not text:
            self.add(Reason.REQUIRED, field)
        self.check_length(text, limit, field)
        return text

    def check_length(self, text: str, limit: int, field: str) -> None:
        """Refuse `text`, typed into `field`, if it is longer than `limit`."""
        if len(text) > limit:
            self.add(Reason.TOO_LONG, field, length=len(text), limit=limit)

    @property
    def refusals(self) -> list[Refusal]:
        """The refusals, one per input."""
        return list(self._by_field.values())


@dataclass(frozen=True)
class LogForm:
    # None when the form has no answer input: a team conversation, whose answers are the team's.
    answer: str | None
    people: tuple[str, ...]
    heartbeat: int | None
    promise: str | None
    promise_due: date | None = None


def parse_log_form(values: Any, *, answer_input: bool = True) -> LogForm | list[Refusal]:
    """The validated form, or what is wrong with it: at most one refusal per input.

    Without `answer_input` (a team conversation's form) the answer is None: the team's.
    """
    if not isinstance(values, dict):
        values = {}
    errors = _Errors()

    answer: str | None = None
    if answer_input:
        answer = errors.required_text(
            values, ids.LOG_ANSWER_BLOCK, ids.LOG_ANSWER_ACTION, MAX_ANSWER_LENGTH
        )

    people = _selected_users(values)
    if people is None:
        errors.add(Reason.NOT_OFFERED, ids.LOG_PEOPLE_BLOCK)
        people = []
    elif len(people) > MAX_PEOPLE:
        errors.add(Reason.TOO_MANY, ids.LOG_PEOPLE_BLOCK, limit=MAX_PEOPLE)

    heartbeat = _heartbeat(values)
    if heartbeat == 0:
        errors.add(Reason.NOT_OFFERED, ids.LOG_HEARTBEAT_BLOCK)

    promise = clean_text(_text_value(values, ids.LOG_PROMISE_BLOCK, ids.LOG_PROMISE_ACTION))
    errors.check_length(promise, MAX_PROMISE_LENGTH, ids.LOG_PROMISE_BLOCK)

    due = _picked_date(values, ids.LOG_DUE_BLOCK, ids.LOG_DUE_ACTION, errors)
    if due is not None and not promise:
        # The date alone is no promise: the text is required once a date is picked.
        errors.add(Reason.REQUIRED, ids.LOG_PROMISE_BLOCK)

    if errors:
        return errors.refusals
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
    # Whether to DM a morale alert; None when the form did not ask (it is left as it was).
    alerts: bool | None = None


def parse_schedule_form(values: Any) -> ScheduleForm | list[Refusal]:
    """The schedule settings modal: a time, at least one day, and the habits (none: all)."""
    if not isinstance(values, dict):
        values = {}
    errors = _Errors()
    selected_time = _state(values, ids.SCHEDULE_TIME_BLOCK, ids.SCHEDULE_TIME_ACTION).get(
        "selected_time"
    )
    minute = -1
    matched = _TIME.fullmatch(selected_time) if isinstance(selected_time, str) else None
    if matched:
        minute = int(matched[1]) * 60 + int(matched[2])
    if minute < 0:
        errors.add(Reason.REQUIRED, ids.SCHEDULE_TIME_BLOCK)
    days = {
        _WEEKDAYS[value]
        for option in _selected(values, ids.SCHEDULE_DAYS_BLOCK, ids.SCHEDULE_DAYS_ACTION)
        if isinstance(value := option.get("value"), str) and value in _WEEKDAYS
    }
    if not days:
        errors.add(Reason.REQUIRED, ids.SCHEDULE_DAYS_BLOCK)
    chosen = {
        value
        for option in _selected(values, ids.SCHEDULE_HABITS_BLOCK, ids.SCHEDULE_HABITS_ACTION)
        if isinstance(value := option.get("value"), str)
    }
    habits = tuple(habit for habit in Habit if habit.value in chosen) or tuple(Habit)
    if errors:
        return errors.refusals
    alerts = None
    if ids.SCHEDULE_ALERTS_BLOCK in values:
        ticked = _selected(values, ids.SCHEDULE_ALERTS_BLOCK, ids.SCHEDULE_ALERTS_ACTION)
        alerts = any(option.get("value") == ids.ALERTS_ON for option in ticked)
    return ScheduleForm(Rule(minute, frozenset(days)), habits, alerts)


@dataclass(frozen=True)
class PromiseKeptForm:
    outcome: str
    channel: str | None


def parse_promise_kept_form(values: Any) -> PromiseKeptForm | list[Refusal]:
    """Marking a promise kept: one line on what was done, and maybe a channel to tell."""
    if not isinstance(values, dict):
        values = {}
    errors = _Errors()
    outcome = errors.required_text(
        values, ids.PROMISE_OUTCOME_BLOCK, ids.PROMISE_OUTCOME_ACTION, MAX_OUTCOME_LENGTH
    )
    if errors:
        return errors.refusals
    channel = _state(values, ids.PROMISE_SHARE_BLOCK, ids.PROMISE_SHARE_ACTION).get(
        "selected_conversation"
    )
    valid = isinstance(channel, str) and CHANNEL_ID.match(channel) is not None
    return PromiseKeptForm(outcome, channel if valid else None)


@dataclass(frozen=True)
class PromiseForm:
    """Promise something: what the leader will do, by when, and whether the team hears it."""

    promise: str
    due: date | None
    tell_the_team: bool


def parse_promise_form(values: Any) -> PromiseForm | list[Refusal]:
    """The promise form, or what is wrong with it."""
    if not isinstance(values, dict):
        values = {}
    errors = _Errors()
    promise = errors.required_text(
        values, ids.PROMISE_WHAT_BLOCK, ids.PROMISE_WHAT_ACTION, MAX_PROMISE_LENGTH
    )
    due = _picked_date(values, ids.PROMISE_BY_BLOCK, ids.PROMISE_BY_ACTION, errors)
    if errors:
        return errors.refusals
    chosen = _selected(values, ids.PROMISE_TELL_BLOCK, ids.PROMISE_TELL_ACTION)
    tell = any(option.get("value") == ids.PROMISE_TELL_VALUE for option in chosen)
    return PromiseForm(promise, due, tell)


def parse_new_date_form(values: Any) -> date | list[Refusal]:
    """A promise's new date, or what is wrong with the form."""
    if not isinstance(values, dict):
        values = {}
    errors = _Errors()
    due = _picked_date(values, ids.PROMISE_NEW_DATE_BLOCK, ids.PROMISE_NEW_DATE_ACTION, errors)
    if due is None and not errors:
        errors.add(Reason.REQUIRED, ids.PROMISE_NEW_DATE_BLOCK)
    return errors.refusals if errors or due is None else due


def _picked_date(
    values: dict[str, Any], block_id: str, action_id: str, errors: _Errors
) -> date | None:
    """A date picker's day, if one was picked; a day not from the calendar is refused."""
    picked = _state(values, block_id, action_id).get("selected_date")
    if not picked:
        return None
    try:
        return date.fromisoformat(str(picked))
    except ValueError:
        errors.add(Reason.NOT_OFFERED, block_id)
        return None


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


def parse_ask_form(values: Any) -> AskForm | list[Refusal]:
    """The ask form: the form, or what is wrong with it."""
    if not isinstance(values, dict):
        values = {}
    errors = _Errors()
    channel = _state(values, ids.ASK_CHANNEL_BLOCK, ids.ASK_CHANNEL_ACTION).get(
        "selected_conversation"
    )
    if channel is not None and not (isinstance(channel, str) and CHANNEL_ID.match(channel)):
        errors.add(Reason.NOT_OFFERED, ids.ASK_CHANNEL_BLOCK)
        channel = None
    people = _users_in(values, ids.ASK_PEOPLE_BLOCK, ids.ASK_PEOPLE_ACTION)
    if people is None:
        errors.add(Reason.NOT_OFFERED, ids.ASK_PEOPLE_BLOCK)
        people = []
    elif len(people) > MAX_ASKED_PEOPLE:
        errors.add(Reason.TOO_MANY, ids.ASK_PEOPLE_BLOCK, limit=MAX_ASKED_PEOPLE)
    if channel and people:
        errors.add(Reason.NOT_BOTH, ids.ASK_PEOPLE_BLOCK)
    elif not channel and not people and not errors:
        errors.add(Reason.REQUIRED, ids.ASK_CHANNEL_BLOCK)
    question = errors.required_text(
        values, ids.ASK_QUESTION_BLOCK, ids.ASK_QUESTION_ACTION, MAX_QUESTION_LENGTH
    )
    option = _state(values, ids.ASK_PRIVACY_BLOCK, ids.ASK_PRIVACY_ACTION).get("selected_option")
    privacy = option.get("value") if isinstance(option, dict) else None
    if privacy not in ("named", "anonymous"):
        errors.add(Reason.REQUIRED, ids.ASK_PRIVACY_BLOCK)
    closes_on: date | None = None
    picked = _state(values, ids.ASK_CLOSES_BLOCK, ids.ASK_CLOSES_ACTION).get("selected_date")
    try:
        closes_on = date.fromisoformat(picked) if isinstance(picked, str) else None
    except ValueError:
        closes_on = None
    if closes_on is None:
        errors.add(Reason.REQUIRED, ids.ASK_CLOSES_BLOCK)
    if errors or closes_on is None:
        return errors.refusals
    return AskForm(channel, tuple(people), question, privacy == "anonymous", closes_on)


@dataclass(frozen=True)
class TeamAnswerForm:
    text: str
    score: int | None
    # In an anonymous ask, the answerer chose to put their name to it.
    add_name: bool = False


def parse_team_answer_form(values: Any, *, pulse: bool) -> TeamAnswerForm | list[Refusal]:
    """A team member's answer: words (a pulse: a 1-5 score, and words if they like)."""
    if not isinstance(values, dict):
        values = {}
    errors = _Errors()
    text = clean_text(_text_value(values, ids.TEAM_ANSWER_TEXT_BLOCK, ids.TEAM_ANSWER_TEXT_ACTION))
    if not text and not pulse:
        errors.add(Reason.REQUIRED, ids.TEAM_ANSWER_TEXT_BLOCK)
    errors.check_length(text, MAX_TEAM_ANSWER_LENGTH, ids.TEAM_ANSWER_TEXT_BLOCK)
    score: int | None = None
    if pulse:
        option = _state(values, ids.TEAM_ANSWER_SCORE_BLOCK, ids.TEAM_ANSWER_SCORE_ACTION).get(
            "selected_option"
        )
        score = parse_heartbeat(option.get("value") if isinstance(option, dict) else None)
        if score is None:
            errors.add(Reason.REQUIRED, ids.TEAM_ANSWER_SCORE_BLOCK)
    if errors:
        return errors.refusals
    named = _selected(values, ids.TEAM_ANSWER_NAME_BLOCK, ids.TEAM_ANSWER_NAME_ACTION)
    return TeamAnswerForm(text, score, any(option.get("value") == "named" for option in named))


def parse_reply_form(values: Any) -> str | list[Refusal]:
    """The leader's reply to the team: one message, up to 3,000 characters."""
    if not isinstance(values, dict):
        values = {}
    errors = _Errors()
    text = errors.required_text(
        values, ids.TEAM_REPLY_BLOCK, ids.TEAM_REPLY_ACTION, MAX_TEAM_ANSWER_LENGTH
    )
    return errors.refusals if errors else text


def _users_in(values: dict[str, Any], block_id: str, action_id: str) -> list[str] | None:
    selected = _state(values, block_id, action_id).get("selected_users")
    if selected is None:
        return []
    if not isinstance(selected, list) or not all(
        isinstance(user, str) and USER_ID.match(user) for user in selected
    ):
        return None
    return list(dict.fromkeys(selected))
