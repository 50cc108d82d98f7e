"""When nudges fall: each leader's own local time, on their days, right across DST changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.domain.nudge_rules import (
    EVERY_DAY,
    INDEFINITELY,
    WEEKDAYS,
    Rule,
    ScheduleError,
    describe_instant,
    next_nudge,
    parse_days,
    parse_pause,
    parse_rule,
    parse_time,
    zone,
)


def nudges(rule: Rule, tz: str, start: datetime, count: int) -> list[datetime]:
    """The next `count` nudges after `start`, as local wall-clock datetimes."""
    found, after = [], start
    for _ in range(count):
        upcoming = next_nudge(rule, zone(tz), after)
        assert upcoming is not None
        local_date, instant = upcoming
        local = instant.astimezone(zone(tz))
        assert local.date() == local_date
        found.append(local)
        after = instant
    return found


@pytest.mark.parametrize(
    ("text", "minute"),
    [
        ("9:00", 540),
        ("09:00", 540),
        ("8:30am", 510),
        ("8:30 am", 510),
        ("17:15", 1035),
        ("12am", 0),
        ("12pm", 720),
        ("9am", 540),
        ("0:30", 30),
        ("23:45", 1425),
        ("9.15", 555),
    ],
)
def test_times_people_type(text: str, minute: int) -> None:
    assert parse_time(text) == minute


@pytest.mark.parametrize("text", ["25:00", "9:75", "13pm", "noonish", "", "9:0"])
def test_bad_times_say_how_to_write_one(text: str) -> None:
    with pytest.raises(ScheduleError, match="9:00"):
        parse_time(text)


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("weekdays", WEEKDAYS),
        ("daily", EVERY_DAY),
        ("every day", EVERY_DAY),
        ("weekends", frozenset({5, 6})),
        ("mon,wed,fri", frozenset({0, 2, 4})),
        ("Tue Thu", frozenset({1, 3})),
        ("monday, friday", frozenset({0, 4})),
        ("mon-wed", frozenset({0, 1, 2})),
        ("fri-mon", frozenset({4, 5, 6, 0})),
        ("", WEEKDAYS),
    ],
)
def test_days_people_type(text: str, days: frozenset[int]) -> None:
    assert parse_days(text) == days


def test_bad_days_say_how_to_write_them() -> None:
    with pytest.raises(ScheduleError, match="mon,wed,fri"):
        parse_rule("9:00 someday")


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        # Friday afternoon: next weekday 9:00 is Monday.
        (datetime(2026, 11, 27, 15, 0, tzinfo=UTC), [date(2026, 11, 30), date(2026, 12, 1)]),
        # Monday 07:59 UTC = 08:59 Paris: today still counts.
        (datetime(2026, 11, 30, 7, 59, tzinfo=UTC), [date(2026, 11, 30), date(2026, 12, 1)]),
        # Monday exactly 9:00 Paris: strictly after, so Tuesday.
        (datetime(2026, 11, 30, 8, 0, tzinfo=UTC), [date(2026, 12, 1), date(2026, 12, 2)]),
    ],
)
def test_weekdays_rule(start: datetime, expected: list[date]) -> None:
    found = nudges(Rule(540, WEEKDAYS), "Europe/Paris", start, 2)
    assert [local.date() for local in found] == expected
    assert all((local.hour, local.minute) == (9, 0) for local in found)


def test_mon_wed_fri_skips_the_other_days() -> None:
    found = nudges(
        parse_rule("8:30am mon,wed,fri"), "Europe/Paris", datetime(2026, 11, 26, tzinfo=UTC), 4
    )
    assert [local.strftime("%a %H:%M") for local in found] == [
        "Fri 08:30",
        "Mon 08:30",
        "Wed 08:30",
        "Fri 08:30",
    ]


@pytest.mark.parametrize(
    "tz", ["America/New_York", "Europe/Paris", "Australia/Sydney", "Asia/Kolkata"]
)
@pytest.mark.parametrize("minute", [30, 540, 1425], ids=["00:30", "09:00", "23:45"])
def test_a_year_of_daily_nudges_is_every_day_at_the_same_local_time(tz: str, minute: int) -> None:
    """Across both 2026 DST changes (southern for Sydney): never early, late, twice, skipped."""
    found = nudges(Rule(minute, EVERY_DAY), tz, datetime(2026, 1, 1, tzinfo=UTC), 365)

    dates = [local.date() for local in found]
    assert dates == [dates[0] + timedelta(days=n) for n in range(365)]
    assert {(local.hour, local.minute) for local in found} == {(minute // 60, minute % 60)}


@pytest.mark.parametrize(
    ("tz", "day"),
    [
        ("America/New_York", date(2026, 3, 8)),  # spring forward
        ("America/New_York", date(2026, 11, 1)),  # fall back
        ("Europe/Paris", date(2026, 3, 29)),
        ("Europe/Paris", date(2026, 10, 25)),
        ("Australia/Sydney", date(2026, 4, 5)),  # southern autumn: clocks go back
        ("Australia/Sydney", date(2026, 10, 4)),  # southern spring: clocks go forward
    ],
)
def test_nine_oclock_on_a_dst_day_is_nine_oclock(tz: str, day: date) -> None:
    before = datetime.combine(day - timedelta(days=1), datetime.min.time(), tzinfo=zone(tz))
    found = nudges(Rule(540, EVERY_DAY), tz, before.astimezone(UTC), 3)

    assert [local.date() for local in found] == [
        day - timedelta(days=1),
        day,
        day + timedelta(days=1),
    ]
    assert all((local.hour, local.minute) == (9, 0) for local in found)
    # The UTC instants differ by 23 or 25 hours across the change, not 24.
    gaps = {found[n + 1] - found[n] for n in range(2)}
    assert gaps <= {timedelta(hours=23), timedelta(hours=24), timedelta(hours=25)}


def test_a_time_skipped_by_spring_forward_comes_just_after_the_gap() -> None:
    (local,) = nudges(
        Rule(150, EVERY_DAY), "America/New_York", datetime(2026, 3, 8, 5, 0, tzinfo=UTC), 1
    )

    assert local.date() == date(2026, 3, 8)
    assert (local.hour, local.minute) == (3, 30)


def test_a_time_repeated_by_fall_back_happens_once() -> None:
    found = nudges(
        Rule(90, EVERY_DAY), "America/New_York", datetime(2026, 10, 31, 12, tzinfo=UTC), 3
    )

    assert [local.date() for local in found] == [
        date(2026, 11, 1),
        date(2026, 11, 2),
        date(2026, 11, 3),
    ]


def test_half_hour_offsets() -> None:
    (local,) = nudges(Rule(540, EVERY_DAY), "Asia/Kolkata", datetime(2026, 11, 26, tzinfo=UTC), 1)

    assert local.utcoffset() == timedelta(hours=5, minutes=30)
    assert (local.hour, local.minute) == (9, 0)
    assert local.astimezone(UTC).strftime("%H:%M") == "03:30"


def test_a_leader_who_changes_zone_gets_nine_oclock_in_the_new_one() -> None:
    after = datetime(2026, 11, 26, 0, 0, tzinfo=UTC)
    _, in_paris = next_nudge(Rule(540, EVERY_DAY), zone("Europe/Paris"), after) or (None, None)
    _, in_new_york = next_nudge(Rule(540, EVERY_DAY), zone("America/New_York"), after) or (
        None,
        None,
    )

    assert in_paris is not None
    assert in_new_york is not None
    assert in_new_york - in_paris == timedelta(hours=6)


def test_a_pause_skips_dates_before_the_resume_date() -> None:
    after = datetime(2026, 11, 26, tzinfo=UTC)
    upcoming = next_nudge(Rule(540, EVERY_DAY), zone("UTC"), after, resume_on=date(2026, 12, 3))

    assert upcoming is not None
    assert upcoming[0] == date(2026, 12, 3)
    assert next_nudge(Rule(540, EVERY_DAY), zone("UTC"), after, resume_on=INDEFINITELY) is None


@pytest.mark.parametrize(
    ("text", "resume_on"),
    [
        ("", INDEFINITELY),
        ("for 2 weeks", date(2026, 12, 10)),
        ("for 3 days", date(2026, 11, 29)),
        ("until 2026-12-24", date(2026, 12, 24)),
        ("until monday", date(2026, 11, 30)),
    ],
)
def test_pauses_people_type(text: str, resume_on: date) -> None:
    assert parse_pause(text, today=date(2026, 11, 26)) == resume_on


@pytest.mark.parametrize(
    "text", ["until yesterday", "until 2026-01-01", "for 0 days", "for 5 years", "forever"]
)
def test_bad_pauses_say_how_to_write_one(text: str) -> None:
    with pytest.raises(ScheduleError):
        parse_pause(text, today=date(2026, 11, 26))


def test_next_nudge_in_words() -> None:
    now = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)  # a Friday
    paris = zone("Europe/Paris")

    assert (
        describe_instant(datetime(2026, 11, 30, 8, 0, tzinfo=UTC), paris, now)
        == "Monday 9:00 Europe/Paris"
    )
    assert (
        describe_instant(datetime(2026, 11, 28, 8, 0, tzinfo=UTC), paris, now)
        == "tomorrow 9:00 Europe/Paris"
    )
    assert (
        describe_instant(datetime(2026, 11, 27, 17, 0, tzinfo=UTC), paris, now)
        == "today 18:00 Europe/Paris"
    )


def test_an_unknown_zone_falls_back_to_utc() -> None:
    assert zone("Mars/Olympus_Mons").key == "UTC"
    assert zone(None).key == "UTC"
