"""When a reminder is due: a promise on its day and a week past it, and a person asked by DM
who has not answered yet. Pure: the time is passed in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.nudge_rules import local_instant

# A reminder is a DM, so it comes in working hours where the person is.
DAY_STARTS = time(9, 0)
DAY_ENDS = time(18, 0)
# "A week overdue" is one reminder; a promise overdue longer than this when reminders began
# (or after a long downtime) is left to the promise list rather than announced late.
OVERDUE_AFTER = timedelta(days=7)
OVERDUE_UNTIL = timedelta(days=14)
# A reminder this close to the close would only hurry people.
LAST_CALL = timedelta(hours=1)


class PromiseReminder(StrEnum):
    """Which reminder of a promise: on its day, or a week after it."""

    DUE = "promise_due"
    OVERDUE = "promise_overdue"


@dataclass(frozen=True)
class OpenPromise:
    """An open promise with a day, and what deciding its reminder needs of its leader."""

    entry_id: int
    promise: str
    due: date
    question_text: str
    team_id: str
    user_id: str
    # The leader's zone as Slack said it, else their schedule's; None: neither is known.
    tz: str | None
    # The leader's schedule (weekday mask, paused before), if they have one.
    days: int | None
    resume_on: date | None


def promise_reminder(due: date, local_now: datetime, nudged_today: bool) -> PromiseReminder | None:
    """The reminder a promise due on `due` gets at `local_now` (the leader's wall clock), if any.

    On its day the daily nudge carries it, when one comes that day; otherwise a DM from 9:00.
    """
    if local_now.time() < DAY_STARTS:
        return None
    today = local_now.date()
    if today == due:
        return None if nudged_today else PromiseReminder.DUE
    if OVERDUE_AFTER <= today - due < OVERDUE_UNTIL:
        return PromiseReminder.OVERDUE
    return None


def nudges_on(days: frozenset[int], resume_on: date | None, day: date) -> bool:
    """Whether a schedule of weekdays `days`, paused before `resume_on`, nudges on `day`."""
    paused = resume_on is not None and day < resume_on
    return not paused and day.weekday() in days


def ask_reminder_at(sent_at: datetime, closes_at: datetime, tz: ZoneInfo) -> datetime | None:
    """When someone in zone `tz` is reminded of an ask open from `sent_at` to `closes_at`.

    Halfway to the close, moved forward into their 9:00-18:00; None when that falls within
    the last hour before the close, or after it.
    """
    at = sent_at + (closes_at - sent_at) / 2
    local = at.astimezone(tz)
    if local.time() >= DAY_ENDS:
        at = local_instant(local.date() + timedelta(days=1), _minute(DAY_STARTS), tz)
    elif local.time() < DAY_STARTS:
        at = local_instant(local.date(), _minute(DAY_STARTS), tz)
    return at if at <= closes_at - LAST_CALL else None


def _minute(moment: time) -> int:
    return moment.hour * 60 + moment.minute
