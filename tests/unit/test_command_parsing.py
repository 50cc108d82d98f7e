"""How `/ask-team` text is understood (pure parsing, no Slack)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.commands import (
    AskFollowUp,
    AskQuestion,
    ListOwnQuestions,
    LogAnswers,
    OneOnOneBrief,
    PauseNudges,
    ResumeNudges,
    SetSchedule,
    ShowHelp,
    ShowHistory,
    ShowThemes,
    StopNudges,
)
from bot.domain.history_filters import HistoryQuery
from bot.domain.payloads import query_fields, query_from
from bot.domain.subcommands import parse_command
from bot.vocabulary.habits import Habit


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", AskQuestion()),
        ("   ", AskQuestion()),
        ("heartbeat", AskQuestion(Habit.HEARTBEAT)),
        ("  MORALE  ", AskQuestion(Habit.HEARTBEAT)),
        ("follow through", AskQuestion(Habit.FOLLOW_THROUGH)),
        ("follow-through", AskQuestion(Habit.FOLLOW_THROUGH)),
        ("log", LogAnswers()),
        ("follow-up", AskFollowUp()),
        ("Follow up", AskFollowUp()),
        ("search budget", ShowHistory(HistoryQuery(words="budget"))),
        ("find person:<@U0ANA|ana>", ShowHistory(HistoryQuery(person="U0ANA"))),
        ("settings", SetSchedule("")),
        ("my questions", ListOwnQuestions()),
        ("list questions", ListOwnQuestions()),
        ("help", ShowHelp()),
        ("?", ShowHelp()),
        ("history", ShowHistory()),
        ("history vision", ShowHistory(HistoryQuery(habit=Habit.VISION))),
        ("history follow through", ShowHistory(HistoryQuery(habit=Habit.FOLLOW_THROUGH))),
        ("history the  budget", ShowHistory(HistoryQuery(words="the budget"))),
        (
            "history habit:morale person:<@U0ANA|ana> since:2026-01-01 until:2026-03-31 "
            "late deadlines",
            ShowHistory(
                HistoryQuery(
                    habit=Habit.HEARTBEAT,
                    person="U0ANA",
                    since=date(2026, 1, 1),
                    until=date(2026, 3, 31),
                    words="late deadlines",
                )
            ),
        ),
        ("history <@U0BOB>", ShowHistory(HistoryQuery(person="U0BOB"))),
        ("history <#C0TEAM|team>", ShowHistory(HistoryQuery(channel="C0TEAM"))),
        ("themes <#C0TEAM|team>", ShowThemes(HistoryQuery(channel="C0TEAM"))),
        ("1:1 <@U0ANA|ana>", OneOnOneBrief("U0ANA")),
        ("one-on-one <@U0ANA>", OneOnOneBrief("U0ANA")),
        ("histroy", ShowHelp(unknown="histroy", suggestion="history")),
        ("xyzzy", ShowHelp(unknown="xyzzy", suggestion=None)),
        ("schedule 9:00 weekdays", SetSchedule("9:00 weekdays")),
        ("schedule", SetSchedule("")),
        ("pause for 2 weeks", PauseNudges("for 2 weeks")),
        ("pause", PauseNudges("")),
        ("resume", ResumeNudges()),
        ("stop", StopNudges()),
        ("shedule 9:00", ShowHelp(unknown="shedule", suggestion="schedule")),
    ],
)
def test_parse(text: str, expected: object) -> None:
    assert parse_command(text) == expected


def test_an_overlong_search_is_refused_with_the_limit() -> None:
    parsed = parse_command("history " + "word " * 100)

    assert isinstance(parsed, ShowHelp)
    assert parsed.problem is not None
    assert "200 characters" in parsed.problem


def test_a_very_long_unknown_word_is_clipped_in_the_reply() -> None:
    parsed = parse_command("x" * 10_000)

    assert isinstance(parsed, ShowHelp)
    assert parsed.unknown is not None
    assert len(parsed.unknown) <= 40


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("history habit:bravery", "No habit called “bravery”"),
        ("history since:yesterday", "since: wants a date such as since:2026-01-31"),
        ("history person:ana", "@mention"),
        ("history since:2026-03-01 until:2026-01-01", "Swap them?"),
    ],
)
def test_bad_history_filters_say_how_to_write_them(text: str, problem: str) -> None:
    parsed = parse_command(text)

    assert isinstance(parsed, ShowHelp)
    assert parsed.problem is not None
    assert problem in parsed.problem


def test_a_history_page_button_keeps_its_channel_and_refuses_a_tampered_one() -> None:
    query = HistoryQuery(channel="C0TEAM", words="budget")
    assert query_from(query_fields(query)) == query
    assert query_from({**query_fields(query), "c": "not a channel"}) is None
    assert query_from({**query_fields(query), "c": 7}) is None
