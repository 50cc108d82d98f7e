"""Daily nudges end to end: subscribe in Slack, run passes with `send-due --at`, click buttons."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.playground.fake_slack import Call
from bot.playground.slack_driver import User, event_callback, log_values
from bot.store.models import CustomQuestion, Leader, Nudge, NudgeStatus, Schedule
from tests.support.blocks import button, buttons, headline, press, question_of, text_of
from tests.support.flows import open_log_modal
from tests.support.harness import LEADER, OTHER_LEADER, Harness
from tests.support.nudges import FRIDAY_9_PARIS, SCHEDULE_FORM_VALUES, SendDue, dms, subscribe


@pytest.fixture
def nudged(harness: Harness, send_due: SendDue) -> Call:
    """The leader subscribed, got Friday's nudge, and it is a minute later."""
    subscribe(harness)
    # What follows answers the nudge, not the subscription.
    harness.fake.forget_calls()
    send_due(FRIDAY_9_PARIS)
    (dm,) = dms(harness)
    harness.clock.set(FRIDAY_9_PARIS + timedelta(minutes=1))
    return dm


def schedule_of(harness: Harness, user: User = LEADER) -> Schedule | None:
    from bot.store.models import Leader

    with harness.app.deps.database.transaction(writes=False) as session:
        return session.scalars(
            select(Schedule)
            .join(Leader, Leader.id == Schedule.leader_id)
            .where(Leader.user_id == user.user_id)
        ).one_or_none()


def next_nudge_day(harness: Harness, user: User = LEADER) -> str:
    """The local date of the leader's next nudge, as stored."""
    schedule = schedule_of(harness, user)
    assert schedule is not None
    assert schedule.next_local_date is not None
    return schedule.next_local_date.isoformat()


def test_subscribing_says_when_the_next_nudge_comes_in_the_leaders_zone(harness: Harness) -> None:
    reply = subscribe(harness)

    assert "weekdays at 9:00 (Europe/Paris)" in reply
    assert "Next: tomorrow 9:00 Europe/Paris" in reply
    (lookup,) = harness.fake.calls_to("users.info")
    assert lookup.params["user"] == LEADER.user_id


def test_the_first_schedule_is_acknowledged_before_slack_is_asked_for_the_zone(
    harness: Harness,
) -> None:
    first_text = text_of(harness.slack.command("schedule 9:00 weekdays").json)

    assert "weekdays at 9:00 (your Slack time zone)" in first_text
    assert "Next: as soon as Slack tells me your time zone" in first_text
    harness.settle()
    assert len(harness.fake.calls_to("users.info")) == 1
    # Then the same reply is brought up to date in place: one message, not two.
    (updated,) = harness.fake.calls_to("response_url")
    assert updated.params["replace_original"] is True
    assert "weekdays at 9:00 (Europe/Paris)" in text_of(updated)

    # Once Slack has said, a change is answered in full at once, with no second look-up.
    again = text_of(harness.slack.command("schedule 8:30 daily").json)
    assert "every day at 8:30 (Europe/Paris)" in again
    assert "Next: tomorrow 8:30 Europe/Paris" in again
    harness.settle()
    assert len(harness.fake.calls_to("users.info")) == 1


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("daily", "every day at 9:00"),
        ("8:30am mon,wed,fri", "Mon, Wed, Fri at 8:30"),
        ("17:15", "weekdays at 17:15"),
    ],
)
def test_schedules_people_type(harness: Harness, typed: str, expected: str) -> None:
    assert expected in subscribe(harness, typed)


@pytest.mark.parametrize("typed", ["25:00", "9:00 someday", "noon"])
def test_a_bad_schedule_gets_an_example(harness: Harness, typed: str) -> None:
    reply = subscribe(harness, typed)

    assert "9:00" in reply
    assert schedule_of(harness) is None


@pytest.mark.smoke
def test_the_nudge_arrives_once_at_the_leaders_nine_oclock(
    harness: Harness, send_due: SendDue
) -> None:
    subscribe(harness)

    early = send_due(FRIDAY_9_PARIS - timedelta(minutes=1))
    assert "0 claimed" in early
    assert not dms(harness)

    report = send_due(FRIDAY_9_PARIS + timedelta(seconds=30))
    assert "1 claimed: 1 sent" in report
    (dm,) = dms(harness)
    assert dm.params["channel"] == LEADER.user_id
    labels = list(buttons(dm.params["blocks"]))
    assert labels == [
        "Log answers",
        "Ask the team in Slack",
        "Another question",
        "Snooze 1 hour",
        "Skip today",
    ]
    assert "Good morning!" in headline(dm), "the DM opens with a greeting"
    assert "Next: Monday 9:00 Europe/Paris" in json.dumps(dm.params["blocks"])

    # Later passes the same day, and a pass at the same instant, send nothing more.
    send_due(FRIDAY_9_PARIS + timedelta(seconds=30))
    send_due(FRIDAY_9_PARIS + timedelta(hours=2))
    assert len(dms(harness)) == 1
    # The weekend is skipped; Monday brings the next one.
    send_due(datetime(2026, 11, 28, 8, 0, 30, tzinfo=UTC))
    send_due(datetime(2026, 11, 30, 8, 0, 30, tzinfo=UTC))
    assert len(dms(harness)) == 2


def test_a_dry_run_lists_who_would_be_nudged_and_sends_nothing(
    harness: Harness, send_due: SendDue
) -> None:
    subscribe(harness)

    output = send_due(FRIDAY_9_PARIS + timedelta(seconds=30), "--dry-run")

    assert f"would nudge {LEADER.team_id}/{LEADER.user_id} for 2026-11-27" in output
    assert "1 due" in output
    assert not dms(harness)
    assert "1 sent" in send_due(FRIDAY_9_PARIS + timedelta(seconds=30))


def test_a_missed_nudge_is_caught_up_within_the_grace_window(
    harness: Harness, send_due: SendDue
) -> None:
    subscribe(harness)

    assert "1 sent" in send_due(FRIDAY_9_PARIS + timedelta(hours=2, minutes=59))
    assert len(dms(harness)) == 1


def test_a_nudge_missed_beyond_the_grace_window_is_skipped(
    harness: Harness, send_due: SendDue
) -> None:
    subscribe(harness)

    report = send_due(FRIDAY_9_PARIS + timedelta(hours=3, minutes=1))

    assert "1 missed" in report
    assert not dms(harness)
    assert next_nudge_day(harness) == "2026-11-30"


def test_after_days_of_downtime_the_nudge_still_within_grace_goes_out_once(
    harness: Harness, send_due: SendDue
) -> None:
    subscribe(harness)  # next: Friday 9:00 Paris

    # Everything was down from Friday morning; it comes back on Tuesday at 9:30 Paris time.
    back = datetime(2026, 12, 1, 8, 30, tzinfo=UTC)
    report = send_due(back)

    assert "1 claimed" in report
    assert "1 missed" in report, "Friday's and Monday's nudges are skipped, not sent late"
    (nudge,) = dms(harness)
    assert "Next: tomorrow 9:00 Europe/Paris" in json.dumps(nudge.params["blocks"])
    assert "0 claimed" in send_due(back + timedelta(minutes=1)), "no burst of old nudges"
    assert next_nudge_day(harness) == "2026-12-02"


def test_after_downtime_past_the_grace_window_the_next_nudge_is_planned(
    harness: Harness, send_due: SendDue
) -> None:
    subscribe(harness)

    # Back on Tuesday at 13:00 Paris: today's 9:00 is four hours late, past the grace window.
    report = send_due(datetime(2026, 12, 1, 12, 0, tzinfo=UTC))

    assert "0 claimed" in report
    assert not dms(harness)
    assert next_nudge_day(harness) == "2026-12-02"


def test_a_preview_after_downtime_shows_the_nudge_that_would_go_out(
    harness: Harness, send_due: SendDue
) -> None:
    subscribe(harness)

    preview = send_due(datetime(2026, 12, 1, 8, 30, tzinfo=UTC), "--dry-run")

    assert f"would nudge {LEADER.team_id}/{LEADER.user_id} for 2026-12-01" in preview
    assert not dms(harness)
    assert next_nudge_day(harness) == "2026-11-27", "a preview changes nothing"


def test_log_answers_and_another_question_from_the_nudge(harness: Harness, nudged: Call) -> None:
    press(harness, nudged, "Log answers")
    (modal,) = harness.fake.wait_for("views.open")
    question = question_of(nudged)
    assert question in json.dumps(modal.params["view"])

    press(harness, nudged, "Another question")
    (replaced,) = harness.fake.wait_for("response_url")
    assert replaced.params["replace_original"] is True
    # Still today's nudge, with another question: Snooze and Skip stay with it.
    assert question_of(replaced.params) != question
    assert button(replaced.params, "Snooze 1 hour")
    assert button(replaced.params, "Skip today")


def test_a_snooze_after_another_question_brings_the_new_one_back(
    harness: Harness, send_due: SendDue, nudged: Call
) -> None:
    press(harness, nudged, "Another question")
    (replaced,) = harness.fake.wait_for("response_url")
    press(harness, replaced.params, "Snooze 1 hour")
    harness.fake.wait_for("response_url", 2)
    send_due(FRIDAY_9_PARIS + timedelta(hours=1, minutes=1))
    assert question_of(dms(harness)[-1]) == question_of(replaced.params)


def test_another_question_on_someone_elses_nudge_is_refused(harness: Harness, nudged: Call) -> None:
    press(harness, nudged, "Another question", user=OTHER_LEADER)
    (refused,) = harness.fake.wait_for("response_url")
    assert refused.params["replace_original"] is False
    assert "Today's question" not in text_of(refused)


def test_snooze_brings_the_same_question_back_an_hour_later(
    harness: Harness, send_due: SendDue, nudged: Call
) -> None:
    press(harness, nudged, "Snooze 1 hour")

    (update,) = harness.fake.wait_for("response_url")
    assert "Snoozed" in text_of(update)
    assert "today 10:01 Europe/Paris" in text_of(update)
    send_due(FRIDAY_9_PARIS + timedelta(minutes=30))
    assert len(dms(harness)) == 1
    send_due(FRIDAY_9_PARIS + timedelta(hours=1, minutes=1))
    first, again = dms(harness)
    assert question_of(again) == question_of(first), "the same question"
    send_due(FRIDAY_9_PARIS + timedelta(hours=2))
    assert len(dms(harness)) == 2


def test_skip_today_says_when_the_next_one_comes(harness: Harness, nudged: Call) -> None:
    press(harness, nudged, "Skip today")

    (update,) = harness.fake.wait_for("response_url")
    assert "Skipped today. Next question: Monday 9:00 Europe/Paris" in text_of(update)


def test_another_leaders_nudge_cannot_be_snoozed_or_skipped(harness: Harness, nudged: Call) -> None:
    skip = button(nudged, "Skip today")

    for value in (skip["value"], "999999", "not-a-number"):
        harness.slack.click("nudge_skip", value, user=OTHER_LEADER, block_id="nudge_actions")
    calls = harness.fake.wait_for("response_url", 3)

    assert all("no longer yours" in text_of(call) for call in calls)
    with harness.app.deps.database.transaction(writes=False) as session:
        assert session.scalars(select(Nudge.status)).one() == NudgeStatus.SENT


def test_pause_resume_and_stop(harness: Harness, send_due: SendDue) -> None:
    subscribe(harness)

    paused = text_of(harness.slack.command("pause for 1 week").json)
    assert "Paused until Thursday 2026-12-03" in paused
    assert (
        "Next: Thursday 2026-12-03 9:00 Europe/Paris" in paused or "Next: Thursday 9:00" in paused
    )
    send_due(FRIDAY_9_PARIS)
    assert not dms(harness)

    resumed = text_of(harness.slack.command("resume").json)
    assert "Resumed. Next: tomorrow 9:00 Europe/Paris" in resumed

    forever = text_of(harness.slack.command("pause").json)
    assert "until you resume" in forever

    stopped = text_of(harness.slack.command("stop").json)
    assert "Stopped" in stopped
    assert schedule_of(harness) is None
    assert "no daily question" in text_of(harness.slack.command("pause").json)


def test_a_bad_pause_gets_an_example(harness: Harness) -> None:
    subscribe(harness)

    reply = text_of(harness.slack.command("pause until someday").json)

    assert "until 2026-12-24" in reply


def test_a_leader_who_left_is_paused_and_the_others_still_get_theirs(
    harness: Harness, send_due: SendDue
) -> None:
    subscribe(harness, user=LEADER)
    subscribe(harness, user=OTHER_LEADER)

    def refuse_leader(call: Call) -> tuple[int, dict[str, Any], dict[str, str]]:
        if call.params["channel"] == LEADER.user_id:
            return 200, {"ok": False, "error": "account_inactive"}, {}
        return 200, {"ok": True, "channel": "D1", "ts": "1.2"}, {}

    harness.fake.respond_with("chat.postMessage", refuse_leader)

    report = send_due(FRIDAY_9_PARIS)

    assert "1 paused" in report
    assert "1 sent" in report
    schedule = schedule_of(harness, LEADER)
    assert schedule is not None
    assert schedule.pause_reason == "account_inactive"
    assert schedule.next_due_at is None


def test_a_leader_paused_by_slack_is_told_why_and_how_to_start_again(
    harness: Harness, send_due: SendDue
) -> None:
    subscribe(harness)
    harness.fake.respond_with(
        "chat.postMessage", lambda call: (200, {"ok": False, "error": "account_inactive"}, {})
    )
    assert "1 paused" in send_due(FRIDAY_9_PARIS)
    harness.fake.reset()
    harness.clock.set(FRIDAY_9_PARIS + timedelta(hours=1))

    harness.slack.command("schedule")

    (opened,) = harness.fake.wait_for("views.open")
    status = headline(opened.params["view"])
    assert "Paused: Slack said your account is inactive (account_inactive)." in status
    assert "`/ask-team resume` starts them again" in status
    resumed = text_of(harness.slack.command("resume").json)
    assert "Resumed. Next: Monday 9:00 Europe/Paris." in resumed
    assert "paused them because Slack said your account is inactive (account_inactive)" in resumed
    harness.fake.forget_calls()
    harness.slack.command("schedule")
    (reopened,) = harness.fake.wait_for("views.open")
    assert "Paused" not in headline(reopened.params["view"]), "resuming ends the pause"


def test_a_rate_limited_dm_honours_retry_after_and_is_sent_once(
    harness: Harness, send_due: SendDue
) -> None:
    subscribe(harness)
    answers = iter([(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"})])

    def limited_once(call: Call) -> tuple[int, dict[str, Any], dict[str, str]]:
        return next(answers, (200, {"ok": True, "channel": "D1", "ts": "1.2"}, {}))

    harness.fake.respond_with("chat.postMessage", limited_once)

    assert "1 sent" in send_due(FRIDAY_9_PARIS)
    first, second = dms(harness)
    assert second.at - first.at >= 0.9


def test_a_slack_outage_leaves_the_claim_to_be_taken_again(
    harness: Harness, send_due: SendDue
) -> None:
    subscribe(harness)
    harness.fake.respond_with("chat.postMessage", lambda call: (503, {"ok": False}, {}))

    assert "1 retry" in send_due(FRIDAY_9_PARIS)
    harness.fake.reset()
    # The lease (5 minutes) holds the claim; after it another pass takes it again.
    assert "1 in flight elsewhere" in send_due(FRIDAY_9_PARIS + timedelta(minutes=2))
    assert "1 sent" in send_due(FRIDAY_9_PARIS + timedelta(minutes=6))
    assert len(dms(harness)) == 1


def test_the_nudge_prefers_a_follow_up_to_last_weeks_answer(
    harness: Harness, send_due: SendDue
) -> None:
    subscribe(harness)
    question, view = open_log_modal(harness, "vision")
    harness.slack.submit(view, log_values("We are not sure where we are heading"))
    harness.fake.wait_for("chat.postMessage")
    harness.fake.reset()

    send_due(FRIDAY_9_PARIS)

    (dm,) = dms(harness)
    text = json.dumps(dm.params["blocks"])
    assert "We are not sure where we are heading" in text
    assert "Follow-up to" in text
    assert question in text


def test_the_settings_modal_shows_the_schedule_and_saves_changes(harness: Harness) -> None:
    subscribe(harness)

    harness.slack.command("schedule")

    (opened,) = harness.fake.wait_for("views.open")
    view = opened.params["view"]
    status = headline(view)
    assert "weekdays at 9:00 (Europe/Paris)" in status, "the form opens on the schedule"
    assert "Next: tomorrow 9:00" in status.replace("*", "")
    response = harness.slack.submit(view, SCHEDULE_FORM_VALUES)

    assert response.json["response_action"] == "update"
    assert "weekends at 7:45 (Europe/Paris)" in json.dumps(response.json["view"])
    schedule = schedule_of(harness)
    assert schedule is not None
    assert schedule.habits == "vision"


def test_the_settings_modal_refuses_no_days(harness: Harness) -> None:
    harness.slack.command("schedule")
    (opened,) = harness.fake.wait_for("views.open")
    values = {
        "schedule_time": {"time_picker": {"type": "timepicker", "selected_time": "09:00"}},
        "schedule_days": {"days_checkboxes": {"type": "checkboxes", "selected_options": []}},
    }

    response = harness.slack.submit(opened.params["view"], values)

    assert response.json == {
        "response_action": "errors",
        "errors": {"schedule_days": "Pick at least one day."},
    }


def test_a_leader_who_moves_zone_is_followed(harness: Harness) -> None:
    subscribe(harness)
    user = {"id": LEADER.user_id, "team_id": LEADER.team_id, "tz": "America/New_York"}
    event = event_callback(LEADER.team_id, "Ev1", {"type": "user_change", "user": user})

    response = harness.slack.post(json.dumps(event).encode(), content_type="application/json")

    assert response.status == 200
    schedule = schedule_of(harness)
    assert schedule is not None
    assert schedule.tz == "America/New_York"
    # 04:00 in New York now, so 9:00 there today.
    assert schedule.next_due_at == datetime(2026, 11, 26, 14, 0, tzinfo=UTC)


def test_three_low_heartbeats_bring_a_gentle_heartbeat_question(
    harness: Harness, send_due: SendDue
) -> None:
    subscribe(harness, "9:00 daily")
    for beat in ("2", "1", "2"):
        _, view = open_log_modal(harness, "people")
        harness.slack.submit(view, log_values("rough week", heartbeat=beat))
        harness.settle()
        harness.fake.reset()
        harness.clock.advance(minutes=1)

    send_due(FRIDAY_9_PARIS)
    send_due(FRIDAY_9_PARIS + timedelta(days=1))

    first, second = dms(harness)
    assert "last three heartbeats you logged were low" in json.dumps(first.params["blocks"])
    assert "Follow the heartbeat" in json.dumps(first.params["blocks"])
    assert "last three heartbeats" not in json.dumps(second.params["blocks"]), "once a week at most"


def test_a_workspace_heartbeat_question_counts_toward_the_once_a_week_limit(
    harness: Harness, send_due: SendDue
) -> None:
    harness.slack.command("add heartbeat What gave you energy this week, and what took it?")
    subscribe(harness, "9:00 daily")
    for beat in ("2", "1", "2"):
        _, view = open_log_modal(harness, "people")
        harness.slack.submit(view, log_values("rough week", heartbeat=beat))
        harness.settle()
        harness.fake.forget_calls()
        harness.clock.advance(minutes=1)
    # Yesterday's nudge asked the workspace's own heartbeat question.
    with harness.app.deps.database.transaction() as session:
        (ours,) = session.scalars(select(CustomQuestion.id))
        (leader_id,) = session.scalars(select(Leader.id).where(Leader.user_id == LEADER.user_id))
        session.add(
            Nudge(
                leader_id=leader_id,
                local_date=date(2026, 11, 26),
                status=NudgeStatus.SENT,
                sent_at=FRIDAY_9_PARIS - timedelta(days=1),
                question_ref=f"custom-{ours}",
            )
        )
    harness.fake.forget_calls()

    send_due(FRIDAY_9_PARIS)

    (nudge,) = dms(harness)
    assert "last three heartbeats" not in json.dumps(nudge.params["blocks"]), "once a week at most"


def test_a_promise_due_today_rides_in_the_nudge(harness: Harness, send_due: SendDue) -> None:
    subscribe(harness)
    _, view = open_log_modal(harness, "people")
    values = log_values("they want clearer goals", promise="Share the Q1 plan", due="2026-11-27")
    assert harness.slack.submit(view, values).status == 200
    harness.settle()
    listed = json.dumps(harness.slack.command("promises").json["blocks"])
    assert "due Fri 27 Nov 2026" in listed
    harness.fake.reset()

    send_due(FRIDAY_9_PARIS)

    (dm,) = dms(harness)
    text = json.dumps(dm.params["blocks"])
    assert "Due today, as you promised" in text
    assert "Share the Q1 plan" in text


def test_a_due_date_without_a_promise_is_refused(harness: Harness) -> None:
    _, view = open_log_modal(harness)

    response = harness.slack.submit(view, log_values("fine", due="2026-12-01"))

    assert response.json["errors"] == {"promise": "Say what you promised, or clear the date."}


def test_a_week_without_a_follow_up_brings_ask_what_changed(
    harness: Harness, send_due: SendDue
) -> None:
    _, view = open_log_modal(harness, "vision")
    harness.slack.submit(view, log_values("Nobody knows the Q1 goals"))
    harness.settle()
    harness.clock.advance(days=8)
    subscribe(harness, "9:00 daily")
    harness.fake.reset()

    send_due(datetime(2026, 12, 5, 8, 0, tzinfo=UTC))

    (dm,) = dms(harness)
    text = json.dumps(dm.params["blocks"])
    assert "Last week the team said" in text
    assert "Nobody knows the Q1 goals" in text
    assert "Ask what changed since" in text
