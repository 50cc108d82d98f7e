"""Reminders that respect people: a promise comes back to its leader on its day and once more
a week past it (with Done, New date and Drop), and people asked by DM who have not answered
get one polite reminder, halfway to the close and inside their own working day."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from bot.app.runtime import ask_closer, reminder_pass
from bot.playground.fake_slack import Call, default_answer
from bot.playground.slack_driver import User
from bot.senders.reminders import ReminderReport
from bot.store.models import Base, TeamAsk
from tests.support.blocks import button, press, text_of
from tests.support.cli import cli_env, send_due_at_once
from tests.support.flows import promise_values
from tests.support.harness import LEADER, OTHER_LEADER, Harness
from tests.support.team import ANA, BEN, MEI, answer, ask_channel, press_in

QUESTION = "What slows you down most?"
# Where Slack says each person is (the leader is in Paris, as the fake's users.info says).
ZONES = {ANA.user_id: "Europe/Paris", BEN.user_id: "Asia/Tokyo", MEI.user_id: "Europe/Paris"}
# The harness's clock starts on Thursday 26 November 2026, 09:00 UTC (10:00 in Paris).


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A UTC instant in the harness's fortnight (November runs into December)."""
    month, day = (11, day) if day <= 30 else (12, day - 30)
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def run_reminders(harness: Harness, now: datetime) -> ReminderReport:
    """The clock reaches `now` and the reminder pass runs, as the every-minute tick does."""
    harness.clock.set(now)
    return reminder_pass(harness.app.settings, harness.app.deps).run_pass(now)


def dms_to(harness: Harness, user_id: str) -> list[Call]:
    """What Slack took to post to `user_id` (calls it answered 429 delivered nothing)."""
    posts = harness.fake.calls_to("chat.postMessage")
    return [c for c in posts if c.params["channel"] == user_id and c.status == 200]


def reminders_to(harness: Harness, user: User) -> list[Call]:
    return [dm for dm in dms_to(harness, user.user_id) if "gentle reminder" in text_of(dm)]


def people_in_their_zones(harness: Harness) -> None:
    def users_info(call: Call) -> tuple[int, dict[str, Any], dict[str, str]]:
        answered = default_answer(call)
        user = str(call.params.get("user"))
        if user in ZONES:
            answered["user"]["tz"] = ZONES[user]
        return 200, answered, {}

    harness.fake.respond_with("users.info", users_info)


def ask_by_dm(harness: Harness, *people: User, rest: str = "", leader: User = LEADER) -> int:
    """The leader asks `people` by DM; the id of the ask. Answers close Friday 18:00 Paris."""
    named = " ".join(f"<@{p.user_id}|{p.name}>" for p in people)
    reply = harness.slack.command(f"ask {named} {rest} {QUESTION}".replace("  ", " "), user=leader)
    assert reply.status == 200, reply.text
    harness.settle()
    with harness.app.deps.database.engine.connect() as connection:
        return int(connection.scalar(select(TeamAsk.id).order_by(TeamAsk.id.desc())) or 0)


def the_ask_dm(harness: Harness, user: User) -> Call:
    (asked,) = [dm for dm in dms_to(harness, user.user_id) if QUESTION in text_of(dm)][:1]
    return asked


@pytest.fixture
def zones(harness: Harness) -> Harness:
    people_in_their_zones(harness)
    return harness


# -- people asked by DM ---------------------------------------------------------------------


def test_people_who_have_not_answered_are_reminded_once_each_in_their_own_day(
    zones: Harness,
) -> None:
    harness = zones
    ask_by_dm(harness, ANA, BEN, MEI)
    answer(harness, the_ask_dm(harness, MEI), MEI, "The build takes an hour", channel="D0DM")

    # Halfway to Friday 17:00 UTC is Friday 01:00 UTC: 10:00 in Tokyo, 02:00 in Paris.
    assert run_reminders(harness, at(26, 23)).people == 0
    assert run_reminders(harness, at(27, 1)).people == 1
    (to_ben,) = reminders_to(harness, BEN)
    assert QUESTION in text_of(to_ben)
    assert f"<@{LEADER.user_id}> asked you" in text_of(to_ben)
    assert button(to_ben, "Answer")
    assert button(to_ben, "Don't remind me for this leader's questions")

    # Paris waits for 09:00 there; Mei answered, so only Ana is reminded.
    assert run_reminders(harness, at(27, 7, 59)).people == 0
    assert run_reminders(harness, at(27, 8)).people == 1
    assert len(reminders_to(harness, ANA)) == 1
    assert not reminders_to(harness, MEI)
    for later in (at(27, 8, 1), at(27, 12), at(27, 16, 30)):
        assert run_reminders(harness, later).people == 0
    assert [len(reminders_to(harness, p)) for p in (ANA, BEN, MEI)] == [1, 1, 0]

    # The reminder's Answer opens the answer form; the summary says how many were reminded.
    assert (
        answer(harness, reminders_to(harness, ANA)[0], ANA, "Reviews", channel="D0DM").status == 200
    )
    harness.clock.set(at(27, 17, 1))
    ask_closer(harness.app.settings, harness.app.deps).run_pass(harness.clock())
    (summary,) = [
        dm for dm in dms_to(harness, LEADER.user_id) if "Your team answered" in text_of(dm)
    ]
    assert "2 of 3 answered" in text_of(summary)
    assert "2 reminded" in text_of(summary)


def test_someone_whose_evening_falls_at_halfway_is_reminded_next_morning(
    zones: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    harness = zones
    monkeypatch.setitem(ZONES, BEN.user_id, "America/Denver")
    ask_by_dm(harness, BEN)
    # Halfway, Friday 01:00 UTC, is Thursday 18:00 in Denver: their day is over. Their
    # Friday 09:00 is 16:00 UTC, an hour before the close.
    for now in (at(27, 1), at(27, 8), at(27, 15, 59)):
        assert run_reminders(harness, now).people == 0
    assert run_reminders(harness, at(27, 16)).people == 1
    assert len(reminders_to(harness, BEN)) == 1


def test_an_anonymous_ask_reminds_from_the_keyed_hash_and_keeps_no_names(
    zones: Harness,
) -> None:
    harness = zones
    ask_id = ask_by_dm(harness, ANA, MEI, rest="anonymously")
    answer(harness, the_ask_dm(harness, MEI), MEI, "Meetings", channel="D0DM")

    assert run_reminders(harness, at(27, 8)).people == 1
    assert len(reminders_to(harness, ANA)) == 1
    assert not reminders_to(harness, MEI)
    assert "Anonymous" in text_of(reminders_to(harness, ANA)[0])
    with harness.app.deps.database.engine.connect() as connection:
        ask = connection.execute(select(TeamAsk).where(TeamAsk.id == ask_id)).one()
        # How many, and the turn reached: never who.
        assert ask.reminded_count == 1
        assert ask.reminded_through == at(27, 8)
        # Ana is on the list of people asked, as the ask needs; nowhere else.
        for table in Base.metadata.sorted_tables:
            if table.name != "team_ask_people":
                rows = connection.execute(table.select()).all()
                assert ANA.user_id not in repr(rows), f"{table.name} names who was reminded"


def test_dont_remind_me_holds_for_that_leaders_questions_only(zones: Harness) -> None:
    harness = zones
    ask_by_dm(harness, ANA)
    run_reminders(harness, at(27, 8))
    (reminder,) = reminders_to(harness, ANA)

    assert (
        press_in(
            harness, reminder, "Don't remind me for this leader's questions", ANA, "D0DM"
        ).status
        == 200
    )
    harness.settle()
    (replaced,) = harness.fake.calls_to("response_url")[-1:]
    assert "no more reminders" in text_of(replaced)
    assert button(replaced, "Answer")

    # Next week, the same leader asks again: Ana is not reminded. Another leader's ask is.
    harness.clock.set(at(30, 9))
    ask_by_dm(harness, ANA)
    ask_by_dm(harness, ANA, leader=OTHER_LEADER)
    run_reminders(harness, at(31, 8))
    reminded = reminders_to(harness, ANA)
    assert len(reminded) == 2
    assert f"<@{OTHER_LEADER.user_id}> asked you" in text_of(reminded[-1])


def test_a_tampered_dont_remind_me_cannot_silence_someone_else(zones: Harness) -> None:
    harness = zones
    ask_id = ask_by_dm(harness, ANA)
    response = harness.slack.click("reminders_decline", str(ask_id), BEN, response_url=None)
    assert response.status == 200
    harness.settle()
    (said,) = harness.fake.calls_to("response_url")[-1:]
    assert "not for you" in text_of(said)
    assert run_reminders(harness, at(27, 8)).people == 1


def test_two_processes_at_once_remind_each_person_once(zones: Harness) -> None:
    harness = zones
    ask_by_dm(harness, ANA, MEI)
    harness.clock.set(at(27, 8))
    passes = [reminder_pass(harness.app.settings, harness.app.deps) for _ in range(4)]
    gate = threading.Barrier(len(passes))
    reports: list[ReminderReport] = []

    def run(reminders: Any) -> None:
        gate.wait()
        reports.append(reminders.run_pass(at(27, 8)))

    threads = [threading.Thread(target=run, args=(p,)) for p in passes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r.people for r in reports) == 2
    assert [len(reminders_to(harness, p)) for p in (ANA, MEI)] == [1, 1]


def test_a_person_slack_cannot_reach_is_counted_out_and_the_rest_are_reminded(
    zones: Harness,
) -> None:
    harness = zones
    ask_by_dm(harness, ANA, MEI)

    def refuse_ana(call: Call) -> tuple[int, dict[str, Any], dict[str, str]]:
        if call.params["channel"] == ANA.user_id:
            return 200, {"ok": False, "error": "user_disabled"}, {}
        return 200, default_answer(call), {}

    harness.fake.respond_with("chat.postMessage", refuse_ana)
    assert run_reminders(harness, at(27, 8)).people == 1
    assert len(reminders_to(harness, MEI)) == 1


# -- promises ---------------------------------------------------------------------------------


def promise_made(harness: Harness, promise: str, due: str) -> None:
    """Ask the channel; Ana answers; answers close; the leader promises `promise` by `due`."""
    post = ask_channel(harness, QUESTION)
    answer(harness, post, ANA, "Too many meetings")
    harness.clock.set(at(27, 17, 1))
    ask_closer(harness.app.settings, harness.app.deps).run_pass(harness.clock())
    (summary,) = [
        dm for dm in dms_to(harness, LEADER.user_id) if "Your team answered" in text_of(dm)
    ]
    press(harness, summary, "Promise something")
    harness.settle()
    form = dict(harness.fake.calls_to("views.open")[-1].params["view"])
    assert harness.slack.submit(form, promise_values(promise, due, tell=False)).status == 200
    harness.settle()


def promise_reminders(harness: Harness, words: str) -> list[Call]:
    return [dm for dm in dms_to(harness, LEADER.user_id) if words in text_of(dm)]


def test_a_promise_comes_back_at_nine_on_its_day_once(zones: Harness) -> None:
    harness = zones
    promise_made(harness, "Cancel the Monday status meeting", "2026-11-30")

    # Monday 30 November: 08:59 in Paris is too early; 09:00 is the time.
    assert run_reminders(harness, at(30, 7, 59)).promises == 0
    assert run_reminders(harness, at(30, 8)).promises == 1
    assert run_reminders(harness, at(30, 12)).promises == 0
    (reminder,) = promise_reminders(harness, "Today is the day you gave")
    assert "Cancel the Monday status meeting" in text_of(reminder)
    assert QUESTION in text_of(reminder)

    # Its Done is the Done of everywhere else: the Promise kept form.
    press(harness, reminder, "Done")
    harness.settle()
    assert harness.fake.calls_to("views.open")[-1].params["view"]["title"]["text"] == "Promise kept"


def test_a_leader_nudged_that_day_hears_of_the_promise_in_the_nudge_not_twice(
    zones: Harness,
) -> None:
    harness = zones
    assert harness.slack.command("schedule 9:00 weekdays").status == 200
    harness.settle()
    promise_made(harness, "Cancel the Monday status meeting", "2026-11-30")
    assert run_reminders(harness, at(30, 8)).promises == 0
    # Saturday is no nudge day: a promise due then comes as its own DM.
    promise_made(harness, "Write the offsite agenda", "2026-12-05")
    assert run_reminders(harness, at(35, 8)).promises == 1


def test_a_promise_given_todays_date_is_not_reminded_the_same_day(zones: Harness) -> None:
    harness = zones
    # Closed and promised on Friday 27 November, due that same day.
    promise_made(harness, "Thank the team in standup", "2026-11-27")
    assert run_reminders(harness, at(27, 17, 5)).promises == 0


def test_a_week_overdue_promise_offers_done_new_date_and_drop(zones: Harness) -> None:
    harness = zones
    promise_made(harness, "Fix the flaky deploy", "2026-11-30")
    run_reminders(harness, at(30, 8))

    assert run_reminders(harness, at(36, 7)).promises == 0  # Sunday 6 Dec: six days late
    assert run_reminders(harness, at(37, 8)).promises == 1  # Monday 7 Dec, 09:00 in Paris
    (overdue,) = promise_reminders(harness, "A week past the day you gave")
    assert "Fix the flaky deploy" in text_of(overdue)
    assert {"Done", "New date", "Drop"} <= {b["text"]["text"] for b in _buttons_of(overdue)}
    assert run_reminders(harness, at(38, 8)).promises == 0

    # New date: a day already over is refused under the date; a day to come is kept.
    press(harness, overdue, "New date")
    harness.settle()
    form = dict(harness.fake.calls_to("views.open")[-1].params["view"])
    assert form["title"]["text"] == "New date"
    refused = harness.slack.submit(form, new_date_values("2026-12-01"))
    assert refused.json["errors"] == {
        "promise_new_date": "That day has passed: pick today or a day to come."
    }
    assert harness.slack.submit(form, new_date_values("2026-12-10")).status == 200
    harness.settle()
    assert "New date saved" in text_of(dms_to(harness, LEADER.user_id)[-1])
    assert "due Thu 10 Dec 2026" in text_of(harness.slack.command("promises").json)
    # The new day brings its own reminder.
    assert run_reminders(harness, at(40, 8)).promises == 1


def test_drop_lets_a_promise_go_and_it_stays_in_the_log(zones: Harness) -> None:
    harness = zones
    promise_made(harness, "Fix the flaky deploy", "2026-11-30")
    run_reminders(harness, at(37, 8))
    (overdue,) = promise_reminders(harness, "A week past the day you gave")

    assert press(harness, overdue, "Drop").status == 200
    harness.settle()
    (replaced,) = harness.fake.calls_to("response_url")[-1:]
    assert "Dropped" in text_of(replaced)
    assert "Fix the flaky deploy" not in text_of(harness.slack.command("promises").json)
    assert "Fix the flaky deploy" in text_of(harness.slack.command("history").json)

    # Pressed again (or New date, later): said plainly, nothing changes.
    press(harness, overdue, "Drop")
    harness.settle()
    assert "done or dropped already" in text_of(harness.fake.calls_to("response_url")[-1])


def test_another_leaders_promise_cannot_be_moved_or_dropped(zones: Harness) -> None:
    harness = zones
    promise_made(harness, "Fix the flaky deploy", "2026-11-30")
    run_reminders(harness, at(37, 8))
    (overdue,) = promise_reminders(harness, "A week past the day you gave")
    for label in ("Drop", "New date"):
        press(harness, overdue, label, user=OTHER_LEADER)
        harness.settle()
        assert "no longer in your log" in text_of(harness.fake.calls_to("response_url")[-1])
    assert "Fix the flaky deploy" in text_of(harness.slack.command("promises").json)


def test_a_reminder_slack_says_to_retry_is_sent_once_slack_is_back(zones: Harness) -> None:
    harness = zones
    promise_made(harness, "Fix the flaky deploy", "2026-11-30")
    harness.fake.respond_with(
        "chat.postMessage",
        lambda call: (
            (429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "0"})
            if call.params["channel"] == LEADER.user_id
            else (200, default_answer(call), {})
        ),
    )
    report = run_reminders(harness, at(30, 8))
    assert (report.promises, report.to_retry) == (0, 1)
    assert run_reminders(harness, at(30, 8, 1)).promises == 0  # still waiting its turn
    harness.fake.respond_with("chat.postMessage", lambda call: (200, default_answer(call), {}))
    assert run_reminders(harness, at(30, 8, 3)).promises == 1
    assert run_reminders(harness, at(30, 8, 4)).promises == 0
    assert len(promise_reminders(harness, "Today is the day you gave")) == 1


def new_date_values(day: str | None) -> dict[str, Any]:
    """The New date form's state as Slack sends it."""
    return {
        "promise_new_date": {"promise_new_date_pick": {"type": "datepicker", "selected_date": day}}
    }


def _buttons_of(message: Call) -> list[dict[str, Any]]:
    blocks = message.params["blocks"]
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


def test_a_reminder_sent_before_a_restart_is_not_sent_again(zones: Harness, send_due: Any) -> None:
    harness = zones
    promise_made(harness, "Fix the flaky deploy", "2026-11-30")
    # `ask-team send-due` runs the passes as a process of its own would, on this database.
    assert "reminders: 1 promises" in send_due(at(30, 8))
    assert "reminders: 0 promises" in send_due(at(30, 8, 1))
    assert run_reminders(harness, at(30, 9)).promises == 0
    assert len(promise_reminders(harness, "Today is the day you gave")) == 1
    # A week later, the same: once, whichever process runs the pass.
    assert "reminders: 1 promises" in send_due(at(37, 8))
    assert "reminders: 0 promises" in send_due(at(37, 9))
    assert run_reminders(harness, at(37, 10)).promises == 0
    assert len(promise_reminders(harness, "A week past the day you gave")) == 1


def test_three_processes_running_the_pass_at_once_remind_each_person_once(
    zones: Harness, tmp_path: Any
) -> None:
    harness = zones
    ask_by_dm(harness, ANA, BEN, MEI)
    answer(harness, the_ask_dm(harness, MEI), MEI, "The build takes an hour", channel="D0DM")
    env = {
        **cli_env(tmp_path, harness.fake),
        "DATABASE_URL": harness.app.deps.database.url,
    }
    for now in (at(27, 1), at(27, 8)):
        send_due_at_once(now, env=env, cwd=tmp_path)
    assert [len(reminders_to(harness, p)) for p in (ANA, BEN, MEI)] == [1, 1, 0]


def test_a_429_pauses_the_workspace_as_long_as_slack_asks_and_the_pass_goes_on(
    zones: Harness,
) -> None:
    harness = zones
    ask_by_dm(harness, ANA, MEI)
    refused: list[Call] = []

    def busy_once(call: Call) -> tuple[int, dict[str, Any], dict[str, str]]:
        if not refused:
            refused.append(call)
            return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"}
        return 200, default_answer(call), {}

    harness.fake.respond_with("chat.postMessage", busy_once)
    assert run_reminders(harness, at(27, 8)).people == 2
    assert [len(reminders_to(harness, p)) for p in (ANA, MEI)] == [1, 1]
