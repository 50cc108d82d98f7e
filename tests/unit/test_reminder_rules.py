"""When reminders come: a promise on its day (unless the nudge brings it) and a week past it,
and someone asked by DM halfway to the close, inside their own 9:00-18:00."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.reminder_rules import PromiseReminder, ask_reminder_at, nudges_on, promise_reminder

PARIS = ZoneInfo("Europe/Paris")
DUE = date(2026, 11, 30)  # a Monday


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS)


def test_a_promise_comes_back_from_nine_on_its_day() -> None:
    assert promise_reminder(DUE, local(DUE, 8, 59), nudged_today=False) is None
    assert promise_reminder(DUE, local(DUE, 9), nudged_today=False) is PromiseReminder.DUE
    assert promise_reminder(DUE, local(DUE, 23), nudged_today=False) is PromiseReminder.DUE


def test_the_days_nudge_carries_it_instead() -> None:
    assert promise_reminder(DUE, local(DUE, 9), nudged_today=True) is None


@pytest.mark.parametrize(
    ("days_late", "expected"),
    [
        (1, None),
        (6, None),
        (7, PromiseReminder.OVERDUE),
        (13, PromiseReminder.OVERDUE),
        (14, None),
        (60, None),
    ],
)
def test_once_more_a_week_overdue_and_not_months_later(
    days_late: int, expected: PromiseReminder | None
) -> None:
    day = date.fromordinal(DUE.toordinal() + days_late)
    assert promise_reminder(DUE, local(day, 10), nudged_today=False) is expected


def test_a_promise_not_yet_due_waits() -> None:
    assert promise_reminder(DUE, local(date(2026, 11, 29), 10), nudged_today=False) is None


def test_a_paused_schedule_does_not_nudge() -> None:
    weekdays = frozenset(range(5))
    assert nudges_on(weekdays, None, DUE)
    assert not nudges_on(weekdays, None, date(2026, 12, 5))  # Saturday
    assert not nudges_on(weekdays, date(2026, 12, 1), DUE)
    assert nudges_on(weekdays, DUE, DUE)


SENT = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
CLOSES = datetime(2026, 11, 27, 17, 0, tzinfo=UTC)


def test_halfway_inside_their_day_is_halfway() -> None:
    assert ask_reminder_at(SENT, CLOSES, ZoneInfo("Asia/Tokyo")) == datetime(
        2026, 11, 27, 1, 0, tzinfo=UTC
    )


def test_halfway_before_their_day_waits_for_nine() -> None:
    assert ask_reminder_at(SENT, CLOSES, PARIS) == datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


def test_halfway_after_their_day_moves_to_the_next_morning() -> None:
    assert ask_reminder_at(SENT, CLOSES, ZoneInfo("America/Denver")) == datetime(
        2026, 11, 27, 16, 0, tzinfo=UTC
    )


def test_no_reminder_in_the_last_hour_or_after_the_close() -> None:
    # Open 09:00-20:00 UTC: halfway is 14:30 UTC, 15:30 in Paris.
    same_day = datetime(2026, 11, 26, 20, 0, tzinfo=UTC)
    assert ask_reminder_at(SENT, same_day, PARIS) == datetime(2026, 11, 26, 14, 30, tzinfo=UTC)
    # In Tokyo it is 23:30, and their next 09:00 comes after the close.
    assert ask_reminder_at(SENT, same_day, ZoneInfo("Asia/Tokyo")) is None
    # Open one hour: halfway is inside the last hour.
    assert ask_reminder_at(SENT, datetime(2026, 11, 26, 10, 0, tzinfo=UTC), PARIS) is None


def test_the_morning_is_nine_in_their_zone_across_a_dst_change() -> None:
    # New York falls back at 06:00 UTC on Sunday 1 November 2026: 09:00 is 14:00 UTC that day,
    # where it was 13:00 UTC the day before.
    sent = datetime(2026, 10, 31, 23, 0, tzinfo=UTC)
    closes = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
    at = ask_reminder_at(sent, closes, ZoneInfo("America/New_York"))
    assert at == datetime(2026, 11, 1, 14, 0, tzinfo=UTC)
