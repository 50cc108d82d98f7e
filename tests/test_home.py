"""The App Home: where a leader follows their questions over time."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import insert, select

from bot.services.home import WeekPulse, heartbeat_reading, sparkline
from bot.services.leaders import leader_id_for
from bot.store.models import Entry
from tests.conftest import LEADER, OTHER_LEADER, Harness
from tests.support.fake_slack import block_kit_problems
from tests.support.slack_driver import User
from tests.test_question_card import buttons
from tests.test_your_data import log


def open_home(harness: Harness, user: User = LEADER) -> dict[str, Any]:
    harness.settle()
    published = len(harness.fake.calls_to("views.publish"))
    event = {
        "type": "event_callback",
        "team_id": user.team_id,
        "api_app_id": "A0APP",
        "event_id": f"EvHome{published}",
        "event_time": 1_700_000_000,
        "event": {
            "type": "app_home_opened",
            "user": user.user_id,
            "tab": "home",
            "channel": "D0DM",
        },
    }
    assert (
        harness.slack.post(json.dumps(event).encode(), content_type="application/json").status
        == 200
    )
    call = harness.fake.wait_for("views.publish", published + 1)[-1]
    assert call.params["user_id"] == user.user_id
    return dict(call.params["view"])


def text_of(view: dict[str, Any]) -> str:
    return json.dumps(view, ensure_ascii=False)


def home_buttons(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = buttons(view["blocks"])
    for block in view["blocks"]:
        accessory = block.get("accessory")
        if accessory and accessory.get("type") == "button":
            found[f"{accessory['text']['text']}:{accessory['value']}"] = accessory
    return found


def test_a_new_leaders_home_says_how_to_start(harness: Harness) -> None:
    view = open_home(harness)

    assert view["type"] == "home"
    shown = text_of(view)
    assert "No daily question yet" in shown
    assert "none yet" in shown
    assert "nothing logged yet" in shown


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
    assert "Log answers" in home_buttons(view)
    assert "Team heartbeat, last 8 weeks" in shown
    assert "Habit balance" in shown


def test_logging_republishes_the_home(harness: Harness) -> None:
    log(harness, "fresh answer")

    (published,) = harness.fake.calls_to("views.publish")

    assert "fresh answer" in text_of(published.params["view"])


def test_done_marks_a_promise_kept(harness: Harness) -> None:
    log(harness, "answer", promise="Fix the build")
    view = open_home(harness)
    done = next(b for label, b in home_buttons(view).items() if label.startswith("Done:"))

    harness.slack.click(done["action_id"], done["value"], block_id="home")
    harness.settle()
    republished = harness.fake.calls_to("views.publish")[-1]

    assert "Fix the build" not in text_of(republished.params["view"])
    with harness.app.deps.database.transaction(writes=False) as session:
        assert session.scalars(select(Entry.promise_kept_at)).one() is not None


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
    assert "Pick a heartbeat" in heartbeat_reading(weeks(None, 3))
    assert sparkline(weeks(1, None, 3, 5)) == "▁·▅█"


def test_promises_lists_open_and_kept_and_done_works_there_too(harness: Harness) -> None:
    log(harness, "answer one", promise="Book the offsite")
    log(harness, "answer two", promise="Share the roadmap")

    blocks = harness.slack.command("promises").json["blocks"]

    assert "Open promises* (2)" in blocks[0]["text"]["text"]
    done = next(
        b["accessory"] for b in blocks if "Book the offsite" in b.get("text", {}).get("text", "")
    )
    harness.slack.click(done["action_id"], done["value"], block_id="promises")
    harness.settle()
    (redrawn,) = harness.fake.calls_to("response_url")
    shown = text_of({"blocks": redrawn.params["blocks"]})
    assert "Open promises* (1)" in shown
    assert "Kept in the last 30 days" in shown
    assert ":white_check_mark: Book the offsite" in shown


def test_promises_with_none_logged_explains(harness: Harness) -> None:
    text = harness.slack.command("promises").json["blocks"][0]["text"]["text"]

    assert "none" in text


def test_the_heartbeat_chart_arrives_as_a_png_by_dm(harness: Harness) -> None:
    for days_ago in (15, 8, 1):
        harness.clock.set(harness.clock() - timedelta(days=days_ago))
        log(harness, f"answer {days_ago} days ago")
        harness.clock.set(harness.clock() + timedelta(days=days_ago))

    reply = harness.slack.command("heartbeat chart").json["blocks"][0]["text"]["text"]

    assert "on its way to your DM" in reply
    harness.settle()
    (upload,) = harness.fake.calls_to("file_upload")
    assert upload.params["raw"].startswith(b"\x89PNG")
    (done,) = harness.fake.calls_to("files.completeUploadExternal")
    assert "Team heartbeat, last 12 weeks" in done.params["initial_comment"]


def test_no_chart_without_heartbeats(harness: Harness) -> None:
    text = harness.slack.command("trend").json["blocks"][0]["text"]["text"]

    assert "No heartbeats logged yet" in text
    harness.settle()
    assert not harness.fake.calls_to("file_upload")


def test_heartbeat_alone_is_still_a_question(harness: Harness) -> None:
    body = harness.slack.command("heartbeat").json

    assert "Follow the heartbeat" in json.dumps(body["blocks"])
