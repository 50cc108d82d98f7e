"""Nudges from Slack's side: a leader subscribing, the DMs a pass sends, the settings form;
many leaders due at once, across time zones.

The `send_due` fixture (tests/e2e/conftest.py) runs `ask-team send-due --at <at>`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime

from bot.playground.fake_slack import Call, FakeSlack
from bot.playground.slack_driver import User
from tests.support.blocks import text_of
from tests.support.harness import LEADER, Harness

FRIDAY_9_PARIS = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)

SendDue = Callable[..., str]
"""`send_due(at, *extra)`: what `ask-team send-due --at <at> <extra>` printed."""


def subscribe(harness: Harness, text: str = "9:00 weekdays", user: User = LEADER) -> str:
    """What the leader last reads about their new schedule: the reply, or the note that follows
    it once Slack has told the bot their time zone."""
    earlier = len(harness.fake.calls_to("response_url"))
    body = harness.slack.command(f"schedule {text}", user=user).json
    harness.settle()
    follow_ups = harness.fake.calls_to("response_url")[earlier:]
    said = follow_ups[-1].params if follow_ups else body
    return text_of(said)


def dms(harness: Harness) -> list[Call]:
    return harness.fake.calls_to("chat.postMessage")


# The settings form filled in: 7:45 on weekends, vision questions only.
SCHEDULE_FORM_VALUES = {
    "schedule_time": {"time_picker": {"type": "timepicker", "selected_time": "07:45"}},
    "schedule_days": {
        "days_checkboxes": {
            "type": "checkboxes",
            "selected_options": [{"value": "5"}, {"value": "6"}],
        }
    },
    "schedule_habits": {
        "habits_checkboxes": {"type": "checkboxes", "selected_options": [{"value": "vision"}]}
    },
}


# Where the many leaders due at once live (seed_due_leaders spreads them over these).
ZONES = ["UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata", "Australia/Sydney"]


def dm_counts(fake: FakeSlack) -> Counter[str]:
    return Counter(call.params["channel"] for call in fake.calls_to("chat.postMessage"))
