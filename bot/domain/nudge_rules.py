"""When a leader's nudges fall: parsing "9:00 weekdays" and pauses, and the next (or, after
downtime, the latest) nudge in the leader's zone, right across DST changes.

Pure: everything takes the time as an argument; nothing here reads a clock or a database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
EVERY_DAY = frozenset(range(7))
WEEKDAYS = frozenset(range(5))
# A pause with no end date lasts until the leader resumes.
INDEFINITELY = date.max

_DAY_WORDS = {
    **{name.lower(): n for n, name in enumerate(WEEKDAY_NAMES)},
    **{name[:3].lower(): n for n, name in enumerate(WEEKDAY_NAMES)},
    "tues": 1,
    "weds": 2,
    "thur": 3,
    "thurs": 3,
}
_DAY_SETS = {
    "daily": EVERY_DAY,
    "everyday": EVERY_DAY,
    "every day": EVERY_DAY,
    "weekdays": WEEKDAYS,
    "workdays": WEEKDAYS,
    "weekends": frozenset({5, 6}),
}
_TIME = re.compile(r"^(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm)?$")
_FOR = re.compile(r"^for\s+(\d{1,3})\s*(day|days|d|week|weeks|w)$")


class ScheduleError(ValueError):
    """What the leader typed is not a schedule; the message says how to write one."""


@dataclass(frozen=True)
class Rule:
    """A nudge at `minute_of_day` local time on `days` (0 = Monday)."""

    minute_of_day: int
    days: frozenset[int]


def days_to_mask(days: Iterable[int]) -> int:
    """The days as the bit mask a schedule row stores: bit n set for weekday n."""
    mask = 0
    for day in days:
        mask |= 1 << day
    return mask


def mask_to_days(mask: int) -> frozenset[int]:
    return frozenset(day for day in range(7) if mask & (1 << day))


def parse_time(text: str) -> int:
    """Minutes after midnight for `9:00`, `8:30am`, `17:15`, `9am`, `12pm`."""
    match = _TIME.match(text.strip().lower())
    if not match:
        raise ScheduleError(f"I can't read “{text}” as a time. Try 9:00, 8:30am or 17:15.")
    hour, minute, meridiem = int(match[1]), int(match[2] or 0), match[3]
    if meridiem:
        if not 1 <= hour <= 12:
            raise ScheduleError(f"“{text}”: with am/pm the hour goes from 1 to 12, as in 9:00am.")
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    if hour > 23 or minute > 59:
        raise ScheduleError(f"“{text}” is not a time of day. Try 9:00 or 17:15.")
    return hour * 60 + minute


def parse_days(text: str) -> frozenset[int]:
    """Days for `weekdays`, `daily`, `weekends`, `mon,wed,fri`, `mon-fri`, `tue thu`."""
    lowered = " ".join(text.strip().lower().split())
    if not lowered:
        return WEEKDAYS
    if lowered in _DAY_SETS:
        return _DAY_SETS[lowered]
    days: set[int] = set()
    for part in re.split(r"[,\s]+", lowered):
        if not part or part == "and":
            continue
        start, dash, end = part.partition("-")
        if dash:
            first, last = _day(start, text), _day(end, text)
            days.update((first + n) % 7 for n in range((last - first) % 7 + 1))
        else:
            days.add(_day(part, text))
    return frozenset(days)


def _day(word: str, whole: str) -> int:
    if word in _DAY_WORDS:
        return _DAY_WORDS[word]
    raise ScheduleError(
        f"I can't read “{whole}” as days. "
        "Try `/ask-team schedule 9:00 weekdays`, or daily, weekends, mon,wed,fri."
    )


DEFAULT_MINUTE = 9 * 60


def parse_rule(text: str) -> Rule:
    """A rule from `/ask-team schedule …`: `9:00 weekdays`, `8:30am mon,wed`, `daily`, `17:15`.

    The time may come first or last and defaults to 9:00; the days default to weekdays.
    """
    words = text.strip().lower().split()
    if not words:
        raise ScheduleError("Say when, for example `/ask-team schedule 9:00 weekdays`.")
    # "8:30 am" is one time.
    if len(words) > 1 and words[1] in ("am", "pm"):
        words[0:2] = [words[0] + words[1]]
    if len(words) > 1 and words[-1] in ("am", "pm"):
        words[-2:] = [words[-2] + words[-1]]
    minute = DEFAULT_MINUTE
    if _looks_like_time(words[0]):
        minute, words = parse_time(words[0]), words[1:]
    elif _looks_like_time(words[-1]):
        minute, words = parse_time(words[-1]), words[:-1]
    elif not any(
        word in _DAY_SETS or word.split(",")[0].split("-")[0] in _DAY_WORDS for word in words
    ):
        parse_time(words[0])  # raises, with an example
    return Rule(minute, parse_days(" ".join(words)))


def _looks_like_time(word: str) -> bool:
    return bool(word) and word[0].isdigit()


def parse_pause(text: str, today: date) -> date:
    """The local date nudges resume on: `until 2026-12-24`, `until monday`, `for 2 weeks`, or ''."""
    lowered = " ".join(text.strip().lower().split())
    if not lowered:
        return INDEFINITELY
    match = _FOR.match(lowered)
    if match:
        count = int(match[1])
        days = count * 7 if match[2].startswith("w") else count
        if not 1 <= days <= 366:
            raise ScheduleError("A pause can last from 1 day to a year.")
        return today + timedelta(days=days)
    if lowered.startswith("until "):
        target = lowered.removeprefix("until ").strip()
        if target in _DAY_WORDS:
            ahead = (_DAY_WORDS[target] - today.weekday()) % 7 or 7
            return today + timedelta(days=ahead)
        try:
            resume = date.fromisoformat(target)
        except ValueError:
            raise ScheduleError(
                f"I can't read “{target}” as a date. Try `until 2026-12-24` or `until monday`."
            ) from None
        if resume <= today:
            raise ScheduleError("That date has passed; pick one after today.")
        return resume
    raise ScheduleError(
        "Try `/ask-team pause`, `/ask-team pause for 2 weeks` "
        "or `/ask-team pause until 2026-12-24`."
    )


# IANA names are far shorter; anything longer is not a zone (and does not fit the column).
MAX_ZONE_NAME = 64


def known_zone(name: object) -> str | None:
    """`name` if it is an IANA zone this machine knows, else None."""
    if not isinstance(name, str) or not name or len(name) > MAX_ZONE_NAME:
        return None
    try:
        return name if ZoneInfo(name).key == name else None
    except (ZoneInfoNotFoundError, ValueError, OSError):
        # zoneinfo raises OSError for names the file system rejects (too long, odd bytes).
        return None


def zone(name: str | None) -> ZoneInfo:
    """The IANA zone `name`, or UTC when Slack gave none we know."""
    known = known_zone(name)
    return ZoneInfo(known) if known else ZoneInfo("UTC")


def local_instant(day: date, minute_of_day: int, tz: ZoneInfo) -> datetime:
    """The UTC instant of `minute_of_day` on local `day`.

    On a spring-forward day a time that does not exist (02:30 in New York) moves forward by
    the gap, to 03:30; on a fall-back day a time that happens twice counts once, the first.
    """
    wall = datetime.combine(day, time(minute_of_day // 60, minute_of_day % 60), tzinfo=tz)
    # fold=0 reads a repeated time as its first occurrence, and a skipped one with the offset
    # from before the gap, which lands the same distance past the gap.
    return wall.replace(fold=0).astimezone(UTC)


def next_nudge(
    rule: Rule, tz: ZoneInfo, after: datetime, resume_on: date | None = None
) -> tuple[date, datetime] | None:
    """The first (local date, UTC instant) of a nudge strictly after `after`, or None if none.

    Local dates before `resume_on` (a pause) are skipped.
    """
    if not rule.days:
        return None
    start = after.astimezone(tz).date()
    if resume_on is not None and resume_on > start:
        if resume_on == INDEFINITELY:
            return None
        start = resume_on
    for offset in range(8):
        day = start + timedelta(days=offset)
        if day.weekday() not in rule.days:
            continue
        instant = local_instant(day, rule.minute_of_day, tz)
        if instant > after:
            return day, instant
    return None  # pragma: no cover - a non-empty rule always matches within 8 days


def next_nudge_after_day(
    rule: Rule, tz: ZoneInfo, now: datetime, resume_on: date | None, day: date
) -> tuple[date, datetime] | None:
    """The first nudge after local `day` (and after `now`), honouring a pause."""
    not_before = day + timedelta(days=1)
    if resume_on is not None and resume_on > not_before:
        not_before = resume_on
    return next_nudge(rule, tz, now, not_before)


def latest_nudge(
    rule: Rule, tz: ZoneInfo, at: datetime, resume_on: date | None = None
) -> tuple[date, datetime] | None:
    """The last (local date, UTC instant) of a nudge at or before `at`, or None in the last week.

    Local dates before `resume_on` (a pause) do not count. After downtime this is the one
    nudge still worth sending, if it is recent enough.
    """
    if not rule.days:
        return None
    today = at.astimezone(tz).date()
    for offset in range(8):
        day = today - timedelta(days=offset)
        if resume_on is not None and day < resume_on:
            return None
        if day.weekday() not in rule.days:
            continue
        instant = local_instant(day, rule.minute_of_day, tz)
        if instant <= at:
            return day, instant
    return None


def describe_days(days: frozenset[int]) -> str:
    """`weekdays`, `every day`, `weekends`, or `Mon, Wed, Fri`."""
    if days == EVERY_DAY:
        return "every day"
    if days == WEEKDAYS:
        return "weekdays"
    if days == frozenset({5, 6}):
        return "weekends"
    return ", ".join(WEEKDAY_NAMES[d][:3] for d in sorted(days))


def describe_time(minute_of_day: int) -> str:
    return f"{minute_of_day // 60}:{minute_of_day % 60:02d}"


def describe_instant(instant: datetime, tz: ZoneInfo, now: datetime) -> str:
    """ "today 9:00 Europe/Paris", "tomorrow 9:00 …" or "Monday 9:00 …", in the leader's zone."""
    local = instant.astimezone(tz)
    today = now.astimezone(tz).date()
    if local.date() == today:
        day = "today"
    elif local.date() == today + timedelta(days=1):
        day = "tomorrow"
    elif local.date() < today + timedelta(days=7):
        day = WEEKDAY_NAMES[local.weekday()]
    else:
        day = f"{WEEKDAY_NAMES[local.weekday()]} {local.date().isoformat()}"
    return f"{day} {local.hour}:{local.minute:02d} {tz.key}"
