"""`/ask-team history`: the leader's own answers, newest first, five a page, filterable."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.domain.history_cursor import Cursor, decode_page_request, encode_page_request
from bot.playground.seed import seed_entries
from bot.playground.slack_driver import User, log_values
from bot.services.log import HistoryQuery
from bot.vocabulary.habits import Habit
from tests.support.blocks import Showing, buttons, headline, press, text_of
from tests.support.flows import answers_on, open_log_modal
from tests.support.harness import LEADER, OTHER_LEADER, OTHER_WORKSPACE_LEADER, Harness


def seed(harness: Harness, user: User, answers: list[tuple[str, str]]) -> None:
    """Log `(habit, answer)` pairs for `user`, one minute apart, oldest first."""
    now = harness.clock()
    rows = [
        (habit, answer, ["U0ALICE"], now + timedelta(minutes=n))
        for n, (habit, answer) in enumerate(answers, 1)
    ]
    seed_entries(harness.app.deps, user, rows)


def turn_page(
    harness: Harness, page: Showing, label: str, calls_so_far: int
) -> list[dict[str, Any]]:
    """Press `label` ("Older →", "← Newer") on `page`: the page that replaces it."""
    assert press(harness, page, label).status == 200
    call = harness.fake.wait_for("response_url", calls_so_far + 1)[calls_so_far]
    assert call.params["replace_original"] is True
    return call.params["blocks"]


def test_an_empty_history_says_how_to_log_the_first_answer(harness: Harness) -> None:
    text = str(harness.slack.command("history").json["blocks"])

    assert "Nothing logged yet" in text
    assert "Log answers" in text


def test_a_logged_answer_shows_in_history_with_everything_that_was_logged(harness: Harness) -> None:
    question, view = open_log_modal(harness, "vision")
    harness.slack.submit(
        view, log_values("We want fewer priorities", ["U0ALICE"], "2", "Cut one project")
    )
    harness.fake.wait_for("chat.postMessage")

    blocks = harness.slack.command("history").json["blocks"]

    shown = str(blocks)
    for expected in (
        question,
        "We want fewer priorities",
        "<@U0ALICE>",
        "2 · Low",
        "Cut one project",
        Habit.VISION.label,
        "<!date^",
    ):
        assert expected in shown
    assert "Older →" not in shown
    assert "← Newer" not in shown


def test_history_pages_five_at_a_time_newest_first(harness: Harness) -> None:
    seed(harness, LEADER, [("vision", f"answer {n}") for n in range(1, 13)])

    first = harness.slack.command("history").json["blocks"]
    assert answers_on(first) == [f"answer {n}" for n in (12, 11, 10, 9, 8)]
    assert "← Newer" not in buttons(first)

    second = turn_page(harness, first, "Older →", 0)
    assert answers_on(second) == [f"answer {n}" for n in (7, 6, 5, 4, 3)]

    third = turn_page(harness, second, "Older →", 1)
    assert answers_on(third) == ["answer 2", "answer 1"]
    assert "Older →" not in buttons(third)

    back = turn_page(harness, third, "← Newer", 2)
    assert answers_on(back) == [f"answer {n}" for n in (7, 6, 5, 4, 3)]
    top = turn_page(harness, back, "← Newer", 3)
    assert answers_on(top) == [f"answer {n}" for n in (12, 11, 10, 9, 8)]
    assert "← Newer" not in buttons(top)


def test_history_by_habit(harness: Harness) -> None:
    seed(
        harness,
        LEADER,
        [("vision", "answer v1"), ("heartbeat", "answer h1"), ("vision", "answer v2")],
    )

    blocks = harness.slack.command("history morale").json["blocks"]

    assert answers_on(blocks) == ["answer h1"]
    assert Habit.HEARTBEAT.label in headline(blocks), "the heading names the habit"


@pytest.mark.smoke
def test_history_search_matches_question_and_answer_words(harness: Harness) -> None:
    seed(
        harness,
        LEADER,
        [
            ("vision", "answer the Budget is too tight"),
            ("vision", "answer morale is fine"),
            ("people", "answer budget and hiring"),
        ],
    )

    by_word = answers_on(harness.slack.command("history budget").json["blocks"])
    by_two_words = answers_on(harness.slack.command("history BUDGET hiring").json["blocks"])
    by_percent = answers_on(harness.slack.command("history 100%").json["blocks"])

    assert by_word == ["answer budget and hiring", "answer the Budget is too tight"]
    assert by_two_words == ["answer budget and hiring"]
    assert by_percent == []


def test_a_search_with_no_match_says_so(harness: Harness) -> None:
    seed(harness, LEADER, [("vision", "answer one")])

    text = str(harness.slack.command("history zebra").json["blocks"])

    assert "Nothing logged" in text
    assert "zebra" in text


def test_filters_survive_paging(harness: Harness) -> None:
    seed(harness, LEADER, [("vision", f"answer v{n}") for n in range(7)] + [("people", "answer p")])

    first = harness.slack.command("history vision").json["blocks"]
    second = turn_page(harness, first, "Older →", 0)

    assert answers_on(second) == ["answer v1", "answer v0"]


def test_each_leader_sees_only_their_own_history(harness: Harness) -> None:
    seed(harness, LEADER, [("vision", "answer mine")])
    seed(harness, OTHER_LEADER, [("vision", "answer colleague")])
    seed(harness, OTHER_WORKSPACE_LEADER, [("vision", "answer other workspace")])

    assert answers_on(harness.slack.command("history", user=LEADER).json["blocks"]) == [
        "answer mine"
    ]
    assert answers_on(harness.slack.command("history", user=OTHER_LEADER).json["blocks"]) == [
        "answer colleague"
    ]
    assert answers_on(
        harness.slack.command("history", user=OTHER_WORKSPACE_LEADER).json["blocks"]
    ) == ["answer other workspace"]


def test_a_forged_cursor_never_reveals_another_leaders_entries(harness: Harness) -> None:
    seed(harness, OTHER_LEADER, [("vision", f"answer secret {n}") for n in range(3)])
    seed(harness, LEADER, [("vision", "answer mine")])
    far_future = Cursor(harness.clock() + timedelta(days=365), 10**9)

    for direction in ("older", "newer"):
        value = encode_page_request(
            HistoryQuery(),
            far_future
            if direction == "older"
            else Cursor(harness.clock() - timedelta(days=365), 0),
            direction,
        )
        harness.slack.click(f"history_{direction}", value, user=LEADER, block_id="history_pages")
    calls = harness.fake.wait_for("response_url", 2)

    for call in calls:
        assert answers_on(call.params["blocks"]) == ["answer mine"]


def test_a_tampered_page_button_gets_a_polite_answer(harness: Harness) -> None:
    for value in (
        "garbage",
        '{"d":"older","t":"yesterday","i":1}',
        '{"d":"sideways","t":"2026-01-01T00:00:00","i":1}',
        '{"d":"older","t":"2026-01-01T00:00:00","i":"1; DROP TABLE entries"}',
    ):
        assert decode_page_request(value) is None
        assert harness.slack.click("history_older", value, block_id="history_pages").status == 200
    calls = harness.fake.wait_for("response_url", 4)

    assert all(call.params["replace_original"] is False for call in calls)
    assert all("/ask-team" in text_of(call) for call in calls)
