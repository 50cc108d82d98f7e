"""Validating the log modal's submitted state. Pure: takes Slack's `view.state.values`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.blocks import ids
from bot.services.journal import MAX_ANSWER_LENGTH, MAX_PEOPLE, MAX_PROMISE_LENGTH
from bot.text import clean_text

USER_ID = re.compile(r"^[UW][A-Z0-9]{2,31}$")


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
        errors[ids.LOG_HEARTBEAT_BLOCK] = "Pick a heartbeat from 1 to 5, or leave it empty."

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
    value = option.get("value") if isinstance(option, dict) else None
    if isinstance(value, str) and value in {"1", "2", "3", "4", "5"}:
        return int(value)
    return 0
