"""The App Home: where a leader follows their questions over time."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import insert, select

from bot.domain.heartbeat import WeekPulse, sparkline
from bot.domain.heartbeat import reading as heartbeat_reading
from bot.playground.fake_slack import block_kit_problems
from bot.playground.slack_driver import log_values
from bot.store.leaders import leader_id_for
from bot.store.models import Entry
from tests.support.blocks import buttons, headline, press, text_of
from tests.support.flows import log, open_home, open_log_modal, outcome_values, press_done
from tests.support.harness import LEADER, OTHER_LEADER, Harness


def anywhere_in(sent: dict[str, Any]) -> str:
    """Everything sent to Slack, shown or not: to check that something is gone."""
    return json.dumps(sent, ensure_ascii=False)


def test_a_new_leaders_home_says_how_to_start(harness: Harness) -> None:
    view = open_home(harness)

    assert view["type"] == "home"
    shown = text_of(view)
    assert "No daily question yet" in shown
    assert "none yet" in shown
    assert "nothing logged yet" in shown


@pytest.mark.smoke
def test_home_shows_the_next_nudge_the_question_recent_answers_and_promises(
    harness: Harness,
) -> None:
    harness.slack.command("schedule 9:00 weekdays")
    log(harness, "We feel stretched", promise="Hire a contractor")

    view = open_home(harness)

    shown = text_of(view)
    assert "Next question:* tomorrow 9:00 Europe/Paris" in shown
    assert "We feel stretched" in shown
    assert "Hire a contractor" in shown
    assert "Log answers" in buttons(view)
    assert "Team heartbeat, last 8 weeks" in shown
    assert "Habit balance" in shown


def test_logging_republishes_the_home(harness: Harness) -> None:
    log(harness, "fresh answer")

    (published,) = harness.fake.calls_to("views.publish")

    assert "fresh answer" in text_of(published.params["view"])


def test_deleting_an_entry_republishes_the_home(harness: Harness) -> None:
    log(harness, "answer to keep")
    log(harness, "answer to drop")
    harness.settle()
    blocks = harness.slack.command("history").json["blocks"]

    press(harness, blocks, "Delete", beside="answer to drop")
    harness.settle()

    home = harness.fake.calls_to("views.publish")[-1].params["view"]
    assert "answer to keep" in text_of(home)
    assert "answer to drop" not in anywhere_in(home)


def test_forgetting_yourself_empties_the_home(harness: Harness) -> None:
    log(harness, "answer soon forgotten")
    harness.settle()

    harness.slack.click("forget_confirm", "me", block_id="forget_me")
    harness.settle()

    home = harness.fake.calls_to("views.publish")[-1].params["view"]
    assert "answer soon forgotten" not in anywhere_in(home)
    assert "nothing logged yet" in text_of(home)


def test_done_asks_what_was_done_then_marks_the_promise_kept(harness: Harness) -> None:
    log(harness, "answer", promise="Fix the build")
    view = open_home(harness)

    modal = press_done(harness, view["blocks"], "Fix the build")
    assert modal["callback_id"] == "promise_kept"
    empty = harness.slack.submit(modal, outcome_values(""))
    assert empty.json["errors"] == {"outcome": "Say what you did."}

    assert harness.slack.submit(modal, outcome_values("Moved CI to faster runners")).status == 200
    harness.settle()

    republished = harness.fake.calls_to("views.publish")[-1]
    assert "Fix the build" not in anywhere_in(republished.params["view"])
    assert not harness.fake.calls_to("chat.postMessage")[1:], "nothing posted without a channel"
    with harness.app.deps.database.transaction(writes=False) as session:
        entry = session.scalars(select(Entry)).one()
        assert entry.promise_kept_at is not None
        assert entry.promise_outcome == "Moved CI to faster runners"


def test_you_said_we_did_goes_to_the_channel_the_leader_picks(harness: Harness) -> None:
    log(harness, "answer", promise="Book the offsite")
    modal = press_done(harness, harness.slack.command("promises").json, "Book the offsite")

    harness.slack.submit(modal, outcome_values("Booked the lake house for March", "C0TEAM"))
    harness.settle()

    post = next(
        c for c in harness.fake.calls_to("chat.postMessage") if c.params["channel"] == "C0TEAM"
    )
    shown = text_of(post)
    assert "You said, we did" in shown
    assert "Book the offsite" in shown
    assert "Booked the lake house for March" in shown
    sent = anywhere_in({"blocks": post.params["blocks"]})
    assert "answer" not in sent.replace("ask-team", ""), "what the team said stays private"


def test_a_channel_the_bot_is_not_in_is_explained_by_dm(harness: Harness) -> None:
    log(harness, "answer", promise="Share the budget")
    modal = press_done(harness, harness.slack.command("promises").json, "Share the budget")
    harness.fake.respond_with(
        "chat.postMessage",
        lambda call: (
            (200, {"ok": False, "error": "not_in_channel"}, {})
            if call.params["channel"] == "C0SECRET"
            else (200, {"ok": True, "channel": "D0DM", "ts": "1.2"}, {})
        ),
    )

    harness.slack.submit(modal, outcome_values("Shared it", "C0SECRET"))
    harness.settle()

    explained = harness.fake.calls_to("chat.postMessage")[-1]
    assert explained.params["channel"] == LEADER.user_id
    assert "Invite me there first" in text_of(explained)


def test_another_leaders_promise_cannot_be_marked_done(harness: Harness) -> None:
    log(harness, "answer", user=OTHER_LEADER, promise="Their promise")
    with harness.app.deps.database.transaction(writes=False) as session:
        entry_id = session.scalars(select(Entry.id)).one()

    harness.slack.click("promise_done", str(entry_id), user=LEADER, block_id="home")
    harness.settle()

    with harness.app.deps.database.transaction(writes=False) as session:
        assert session.scalars(select(Entry.promise_kept_at)).one() is None


def test_new_question_and_settings_buttons(harness: Harness) -> None:
    harness.slack.click("home_new_question", "home", block_id="home")
    view = harness.fake.wait_for("views.publish")[-1].params["view"]
    assert "This week's question" in text_of(view)

    harness.slack.click("home_settings", "home", block_id="home")
    (opened,) = harness.fake.wait_for("views.open")
    assert opened.params["view"]["callback_id"] == "schedule_settings"


def test_the_home_of_a_leader_with_five_thousand_entries_is_valid(harness: Harness) -> None:
    now = harness.clock()
    with harness.app.deps.database.transaction() as session:
        leader_id = leader_id_for(session.connection(), LEADER.team_id, LEADER.user_id, now)
        session.execute(
            insert(Entry),
            [
                {
                    "leader_id": leader_id,
                    "question_ref": "vision-01",
                    "question_text": "Q" * 280,
                    "habit": "vision",
                    "answer": "&<>" * 1000,
                    "heartbeat": 1 + n % 5,
                    "promise": f"Promise {n} " + "p" * 900,
                    "created_at": now - timedelta(hours=n),
                }
                for n in range(5000)
            ],
        )

    view = open_home(harness)

    assert len(view["blocks"]) <= 100
    assert block_kit_problems({"view": view}, is_message=False) == []
    assert "…and 4,990 older ones." in text_of(view)


def test_heartbeat_in_words() -> None:
    def weeks(*averages: float | None) -> list[WeekPulse]:
        return [WeekPulse(a, 0 if a is None else 1) for a in averages]

    assert "Down two weeks in a row" in heartbeat_reading(weeks(4, 3.5, 2))
    assert heartbeat_reading(weeks(None, 2, None, 3)) == "Up on the week before."
    assert heartbeat_reading(weeks(3, 3.1)) == "Steady."
    assert "the trend shows from the next one" in heartbeat_reading(weeks(None, 3))
    assert "Pick a heartbeat" in heartbeat_reading(weeks(None, None))
    assert sparkline(weeks(1, None, 3, 5)) == "▁·▅█"


def test_promises_lists_open_and_kept(harness: Harness) -> None:
    log(harness, "answer one", promise="Book the offsite")
    log(harness, "answer two", promise="Share the roadmap")

    blocks = harness.slack.command("promises").json["blocks"]
    assert "Open promises* (2)" in headline(blocks), "the heading counts them"
    modal = press_done(harness, blocks, "Book the offsite")
    harness.slack.submit(modal, outcome_values("Booked"))
    harness.settle()

    shown = text_of(harness.slack.command("promises").json)
    assert "Open promises* (1)" in shown
    assert "Kept in the last 30 days" in shown
    assert ":white_check_mark: Book the offsite" in shown


def test_a_promise_past_its_day_is_marked_overdue_in_promises_and_home(harness: Harness) -> None:
    _, view = open_log_modal(harness)
    # The harness's clock says Thursday 26 November 2026.
    values = log_values("clearer goals", promise="Share the Q1 plan", due="2026-11-27")
    assert harness.slack.submit(view, values).status == 200
    harness.settle()
    assert "overdue" not in text_of(harness.slack.command("promises").json)

    harness.clock.advance(days=3)

    listed = text_of(harness.slack.command("promises").json)
    assert "Share the Q1 plan" in listed
    assert "overdue: due Fri 27 Nov 2026" in listed
    assert "overdue: due Fri 27 Nov 2026" in text_of(open_home(harness))


def test_a_promise_for_a_day_already_past_is_refused_under_the_date(harness: Harness) -> None:
    _, view = open_log_modal(harness)
    values = log_values("clearer goals", promise="Share the Q1 plan", due="2026-11-25")

    refused = harness.slack.submit(view, values)

    assert refused.json["errors"] == {
        "promise_due": "That day has passed: pick today or a day to come."
    }


def test_promises_with_none_logged_explains(harness: Harness) -> None:
    text = text_of(harness.slack.command("promises").json)

    assert "none" in text


def test_the_heartbeat_chart_arrives_as_a_png_by_dm(harness: Harness) -> None:
    for days_ago in (15, 8, 1):
        harness.clock.set(harness.clock() - timedelta(days=days_ago))
        log(harness, f"answer {days_ago} days ago")
        harness.clock.set(harness.clock() + timedelta(days=days_ago))

    reply = text_of(harness.slack.command("heartbeat chart").json)

    assert "on its way to your DM" in reply
    harness.settle()
    (upload,) = harness.fake.calls_to("file_upload")
    assert upload.params["raw"].startswith(b"\x89PNG")
    (done,) = harness.fake.calls_to("files.completeUploadExternal")
    assert "Team heartbeat, last 12 weeks" in done.params["initial_comment"]


def test_no_chart_without_heartbeats(harness: Harness) -> None:
    text = text_of(harness.slack.command("trend").json)

    assert "No heartbeats logged yet" in text
    harness.settle()
    assert not harness.fake.calls_to("file_upload")


def test_heartbeat_alone_asks_a_heartbeat_question_with_the_trend_a_click_away(
    harness: Harness,
) -> None:
    log(harness, "answer today")
    harness.settle()
    body = harness.slack.command("heartbeat").json
    assert "Follow the heartbeat" in json.dumps(body["blocks"])

    press(harness, body, "Heartbeat trend")

    (reply,) = harness.fake.wait_for("response_url")
    assert reply.params["replace_original"] is False, "the question card stays"
    assert "on its way to your DM" in reply.params["text"]
    harness.settle()
    (upload,) = harness.fake.calls_to("file_upload")
    assert upload.params["raw"].startswith(b"\x89PNG")


def test_only_heartbeat_questions_offer_the_trend(harness: Harness) -> None:
    for habit in ("vision", "people", "questions", "follow-through"):
        assert "Heartbeat trend" not in buttons(harness.slack.command(habit).json["blocks"])


def test_a_forged_promise_kept_form_cannot_touch_another_leaders_promise(harness: Harness) -> None:
    from bot.domain.payloads import encode_log_metadata

    log(harness, "answer", user=OTHER_LEADER, promise="Their promise")
    with harness.app.deps.database.transaction(writes=False) as session:
        entry_id = session.scalars(select(Entry.id)).one()
    forged = {
        "callback_id": "promise_kept",
        "private_metadata": encode_log_metadata(entry_id=entry_id),
    }

    response = harness.slack.submit(forged, outcome_values("Hijacked", "C0TEAM"), user=LEADER)

    assert response.json["response_action"] == "errors"
    harness.settle()
    assert not [
        c for c in harness.fake.calls_to("chat.postMessage") if c.params["channel"] == "C0TEAM"
    ]
    with harness.app.deps.database.transaction(writes=False) as session:
        assert session.scalars(select(Entry.promise_kept_at)).one() is None
