"""Follow the questions: when many answers come in, the leader reads what they add up to,
grouped by theme, in the summary of an ask and with `/ask-team themes`."""

from __future__ import annotations

from typing import Any

from bot.playground.slack_driver import User
from tests.support.blocks import text_of
from tests.support.flows import log
from tests.support.harness import LEADER, Harness
from tests.support.team import answer, ask_channel, close_answers, posts_to

MEETINGS = [
    "Too many meetings on Tuesdays",
    "The weekly status meeting could be an email",
    "standups run way over",
    "I spend half my day in calls",
]
TOOLS = ["CI is flaky again", "the build takes forever", "our deploy tooling keeps breaking"]
LONE = ["Honestly I would love more feedback from leads", "parking is a nightmare"]
PEOPLE = [User(f"U0P{n:02d}", "T0TEAM", f"person{n}") for n in range(12)]


def answered_by_many(harness: Harness, answers: list[str], rest: str = "") -> None:
    """The leader asks #team; each answer comes from someone else; answers close."""
    post = ask_channel(harness, f"{rest} What gets in your way most?".strip())
    for person, words in zip(PEOPLE, answers, strict=False):
        assert answer(harness, post, person, words).status == 200
    close_answers(harness)


def summary(harness: Harness) -> str:
    dms = [c for c in posts_to(harness, LEADER.user_id) if "Your team answered" in text_of(c)]
    return text_of(dms[-1])


def themes(harness: Harness, rest: str = "") -> dict[str, Any]:
    reply = harness.slack.command(f"themes {rest}".strip())
    assert reply.status == 200, reply.text
    body: dict[str, Any] = reply.json
    assert body["response_type"] == "ephemeral"
    return body


def test_a_summary_of_eight_answers_or_more_groups_them_into_themes(harness: Harness) -> None:
    answered_by_many(harness, MEETINGS + TOOLS + LONE)
    said = summary(harness)
    assert ":jigsaw: *Themes*" in said
    assert "*Meetings* · 4 answers" in said
    assert "*Tools* · 3 answers" in said
    # Under three answers a theme is not shown, but every answer still is.
    assert "*Feedback*" not in said
    assert "parking is a nightmare" in said
    assert "Every answer" in said


def test_a_summary_of_fewer_than_eight_answers_lists_them_as_before(harness: Harness) -> None:
    answered_by_many(harness, MEETINGS + TOOLS[:3])
    said = summary(harness)
    assert "Themes" not in said
    assert all(words in said for words in MEETINGS)


def test_themes_across_the_log_and_the_teams_answers_take_the_history_filters(
    harness: Harness,
) -> None:
    answered_by_many(harness, MEETINGS + TOOLS[:1])
    for words in ("Our CI pipeline is slow", "the build breaks every Friday", "lunch was good"):
        log(harness, words)

    everything = text_of(themes(harness)["blocks"])
    assert "*Meetings* · 4 answers" in everything
    assert "*Tools* · 3 answers" in everything
    assert "(last 90 days)" in everything

    in_team = text_of(themes(harness, "<#C0TEAMROOM|team>")["blocks"])
    assert "asked in <#C0TEAMROOM>" in in_team
    assert "*Tools*" not in in_team


def test_held_back_anonymous_answers_are_not_grouped(harness: Harness) -> None:
    post = ask_channel(harness, "anonymously What gets in your way most?")
    for person, words in zip(PEOPLE, MEETINGS[:2], strict=False):
        assert answer(harness, post, person, words).status == 200
    close_answers(harness)
    said = text_of(themes(harness)["blocks"])
    assert "0 answers so far" in said


def test_themes_with_a_mistyped_filter_say_how_to_write_it(harness: Harness) -> None:
    said = text_of(themes(harness, "since:yesterday")["blocks"])
    assert "since: wants a date such as since:2026-01-31" in said
