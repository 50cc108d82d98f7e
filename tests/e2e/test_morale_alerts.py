"""Follow the heartbeat: one DM when the team's mood falls (a pulse well below the channel's
last, or three low readings of the leader's own in a row), with a question to ask about it."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from bot.app.runtime import ask_closer
from bot.playground.fake_slack import Call
from bot.playground.slack_driver import log_values
from tests.support.blocks import press, text_of
from tests.support.cli import cli_env, send_due_at_once
from tests.support.harness import LEADER, Harness
from tests.support.nudges import SCHEDULE_FORM_VALUES
from tests.support.team import ANA, BEN, CHANNEL, DEV, MEI, answer, close_answers, pulse

TEAM = (ANA, BEN, MEI, DEV)


def alerts_to_the_leader(harness: Harness) -> list[Call]:
    """The morale alerts Slack took for the leader."""
    harness.settle()
    return [
        call
        for call in harness.fake.calls_to("chat.postMessage")
        if call.params["channel"] == LEADER.user_id
        and call.status == 200
        and ":chart_with_downwards_trend:" in text_of(call)
    ]


def pulse_with(harness: Harness, *scores: int, close: bool = True) -> None:
    """A pulse in #team that the first len(scores) people answer; then its close."""
    post = pulse(harness)
    for person, score in zip(TEAM, scores, strict=False):
        assert answer(harness, post, person, None, score=score).status == 200
    if close:
        close_answers(harness)


def log_heartbeat(harness: Harness, beat: str) -> None:
    """The leader logs an answer to a heartbeat question with heartbeat `beat`."""
    card = harness.slack.command("heartbeat").json["blocks"]
    opened = len(harness.fake.calls_to("views.open"))
    assert press(harness, card, "Log answers").status == 200
    view = harness.fake.wait_for("views.open", opened + 1)[-1].params["view"]
    values = log_values("Quiet stand-up today", [ANA.user_id], beat)
    assert harness.slack.submit(view, values).status == 200
    harness.settle()


def turn_alerts_off_in_settings(harness: Harness) -> None:
    """The leader opens Settings, unticks morale alerts, and saves."""
    harness.slack.command("settings")
    (opened,) = harness.fake.wait_for("views.open")
    view = opened.params["view"]
    assert "DM me when the team's heartbeat drops" in text_of(view["blocks"])
    unticked = {
        **SCHEDULE_FORM_VALUES,
        "schedule_alerts": {"alerts_checkboxes": {"type": "checkboxes", "selected_options": []}},
    }
    assert harness.slack.submit(view, unticked).json["response_action"] == "update"


def test_a_pulse_well_below_the_last_one_is_told_once_in_words(harness: Harness) -> None:
    pulse_with(harness, 4, 4, 4, 4)
    pulse_with(harness, 4, 4, 3, 4)
    assert not alerts_to_the_leader(harness), "a fall of 0.2 is not worth a DM"

    pulse_with(harness, 2, 2, 3, 2)
    (alert,) = alerts_to_the_leader(harness)
    said = text_of(alert)
    assert "3.8 → 2.2" in said
    assert f"<#{CHANNEL}>" in said
    assert "since <!date^" in said
    assert "A question for a falling mood" in said

    # Ask it out loud: the question's card, to ask and then log; Ask the team opens the form.
    blocks = alert.params["blocks"]
    assert press(harness, blocks, "Ask it out loud").status == 200
    harness.settle()
    (card,) = harness.fake.calls_to("response_url")[-1:]
    assert card.params["replace_original"] is False
    assert "Log answers" in text_of(card)
    assert press(harness, blocks, "Ask the team in Slack").status == 200
    harness.fake.wait_for("views.open")


def test_three_closers_at_once_send_one_alert(harness: Harness) -> None:
    pulse_with(harness, 5, 5, 4, 4)
    pulse_with(harness, 2, 2, 3, 2, close=False)
    harness.clock.advance(days=4)
    closers = [ask_closer(harness.app.settings, harness.app.deps) for _ in range(3)]
    threads = [threading.Thread(target=c.run_pass, args=(harness.clock(),)) for c in closers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(alerts_to_the_leader(harness)) == 1


def test_three_send_due_processes_at_once_send_one_alert(harness: Harness, tmp_path: Path) -> None:
    pulse_with(harness, 5, 5, 4, 4)
    pulse_with(harness, 2, 2, 3, 2, close=False)
    env = {**cli_env(tmp_path, harness.fake), "DATABASE_URL": harness.app.deps.database.url}
    send_due_at_once(harness.clock.advance(days=4), env=env, cwd=tmp_path)
    assert len(alerts_to_the_leader(harness)) == 1


def test_a_pulse_held_back_for_too_few_answers_alerts_nobody(harness: Harness) -> None:
    pulse_with(harness, 5, 5, 5)
    pulse_with(harness, 1, 1)
    assert not alerts_to_the_leader(harness)


def test_alerts_turned_off_in_settings_stay_off(harness: Harness) -> None:
    turn_alerts_off_in_settings(harness)
    pulse_with(harness, 5, 5, 5)
    pulse_with(harness, 1, 1, 1)
    assert not alerts_to_the_leader(harness)
    for beat in ("2", "1", "2"):
        log_heartbeat(harness, beat)
    assert not alerts_to_the_leader(harness)
    opened = len(harness.fake.calls_to("views.open"))
    harness.slack.command("settings")
    reopened: dict[str, Any] = harness.fake.wait_for("views.open", opened + 1)[-1].params["view"]
    alerts_block = next(b for b in reopened["blocks"] if b.get("block_id") == "schedule_alerts")
    assert not alerts_block["element"].get("initial_options")


def test_three_low_readings_in_a_row_are_told_once_per_run(harness: Harness) -> None:
    for beat in ("4", "2", "1"):
        log_heartbeat(harness, beat)
    assert not alerts_to_the_leader(harness)
    log_heartbeat(harness, "2")
    (alert,) = alerts_to_the_leader(harness)
    assert "2 · Low, 1 · Struggling, 2 · Low" in text_of(alert)
    log_heartbeat(harness, "1")
    assert len(alerts_to_the_leader(harness)) == 1, "the same run is told once"

    # Turning them off from the alert itself holds for the next run.
    assert press(harness, alert.params["blocks"], "Turn off these alerts").status == 200
    harness.settle()
    assert "Morale alerts are off" in text_of(harness.fake.calls_to("response_url")[-1])
    for beat in ("4", "2", "2", "1"):
        log_heartbeat(harness, beat)
    assert len(alerts_to_the_leader(harness)) == 1
