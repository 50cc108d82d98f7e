"""Slack slow, failing or gone: every command is still answered in time, nothing typed is lost,
and a running bot never stops because Slack had a bad moment."""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.playground.fake_slack import FakeSlack
from bot.playground.slack_driver import SlackDriver, event_callback, log_values, request
from bot.vocabulary import ids
from tests.support.blocks import text_of
from tests.support.cli import cli_env, start_ask_team
from tests.support.flows import open_log_modal
from tests.support.harness import SIGNING_SECRET, Harness
from tests.support.nudges import SCHEDULE_FORM_VALUES, SendDue, dms, subscribe

# Slack gives up on an acknowledgement after 3 s; ours must not come near it.
WELL_UNDER_SLACKS_LIMIT = 1.5
SLACK_LATENCY = 5.0


COMMANDS = [
    "",
    "help",
    "vision",
    "follow-up",
    "log",
    "history",
    "history budget",
    "promises",
    "heartbeat chart",
    "add vision What would make our goals feel worth the effort?",
    "our questions",
    "export",
    "forget me",
    "schedule 9:00 weekdays",
    "schedule",
    "settings",
    "pause for 2 weeks",
    "resume",
    "stop",
]


@pytest.fixture
def slow_slack(harness: Harness) -> Iterator[FakeSlack]:
    """Slack answering every Web API and response_url call after five seconds."""
    harness.fake.latency_seconds = SLACK_LATENCY
    yield harness.fake
    # Let what is queued go out at full speed, so the next test starts clean.
    harness.fake.latency_seconds = 0
    assert harness.app.sender.wait_idle(timeout=60)


def timed(send: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    response = send()
    return time.perf_counter() - started, response


def test_every_command_is_answered_well_within_three_seconds_when_slack_takes_five(
    harness: Harness, slow_slack: FakeSlack
) -> None:
    # Something to browse, follow up and export, logged before Slack slowed down.
    slow_slack.latency_seconds = 0
    _, view = open_log_modal(harness, "vision")
    harness.slack.submit(view, log_values("We want clearer goals", promise="Share the plan"))
    harness.settle()
    slow_slack.latency_seconds = SLACK_LATENCY

    slowest = {}
    for text in COMMANDS:
        seconds, response = timed(lambda text=text: harness.slack.command(text))
        assert response.status == 200, (text, response.body)
        slowest[text] = seconds
    late = {text: round(s, 2) for text, s in slowest.items() if s >= WELL_UNDER_SLACKS_LIMIT}
    assert not late, f"answered too late for Slack: {late}"


def test_the_settings_button_and_form_are_answered_at_once_when_slack_takes_five(
    harness: Harness, slow_slack: FakeSlack
) -> None:
    home_settings = {"type": "button", "action_id": "home_settings", "value": "settings"}
    seconds, pressed = timed(
        lambda: harness.slack.interaction(
            {
                "type": "block_actions",
                "team": {"id": "T0TEAM", "domain": "example"},
                "user": {"id": "U0LEADER", "team_id": "T0TEAM", "name": "leader"},
                "api_app_id": "A0APP",
                "trigger_id": harness.slack.trigger_id(),
                "container": {"type": "view", "view_id": "V0HOME"},
                "view": {"id": "V0HOME", "type": "home", "callback_id": "", "blocks": []},
                "actions": [{**home_settings, "block_id": "home_next", "action_ts": "1.0"}],
            }
        )
    )
    assert pressed.status == 200
    assert seconds < WELL_UNDER_SLACKS_LIMIT

    opened = slow_slack.wait_for("views.open", timeout=15)[-1]
    seconds, saved = timed(
        lambda: harness.slack.submit(opened.params["view"], SCHEDULE_FORM_VALUES)
    )
    assert saved.json["response_action"] == "update"
    assert seconds < WELL_UNDER_SLACKS_LIMIT


def test_a_schedule_saved_while_slack_is_down_is_planned_once_slack_is_back(
    harness: Harness, send_due: SendDue
) -> None:
    harness.fake.respond_with("users.info", lambda call: (503, {"ok": False}, {}))

    reply = text_of(harness.slack.command("schedule 9:00 weekdays").json)
    harness.settle()

    assert "as soon as Slack tells me your time zone" in reply
    (told,) = harness.fake.calls_to("response_url")
    assert "I'll keep asking" in text_of(told)

    harness.fake.reset()  # Slack is back; the next pass asks again and plans the nudge.
    send_due(datetime(2026, 11, 26, 9, 1, tzinfo=UTC))
    assert len(harness.fake.calls_to("users.info")) == 1
    assert "1 sent" in send_due(datetime(2026, 11, 27, 8, 0, 30, tzinfo=UTC))
    (nudge,) = dms(harness)
    assert "Europe/Paris" in json.dumps(nudge.params["blocks"])


@pytest.mark.parametrize(
    "failure",
    [
        (401, {"ok": False, "error": "invalid_auth"}, {}),
        (500, {"ok": False, "error": "internal_error"}, {}),
        (429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"}),
    ],
    ids=["invalid_auth", "500", "429 for good"],
)
def test_a_nudge_slack_refuses_is_kept_for_a_later_pass(
    harness: Harness, send_due: SendDue, failure: tuple[int, dict[str, Any], dict[str, str]]
) -> None:
    subscribe(harness)
    harness.fake.respond_with("chat.postMessage", lambda call: failure)
    friday_9_paris = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)

    assert "1 retry" in send_due(friday_9_paris)

    harness.fake.reset()
    assert "1 sent" in send_due(friday_9_paris + timedelta(minutes=6))
    assert len(dms(harness)) == 1


def test_a_nudge_pass_with_slack_unreachable_keeps_every_claim(
    harness: Harness,
    send_due: SendDue,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    subscribe(harness)
    monkeypatch.setenv("SLACK_API_URL", f"http://127.0.0.1:{closed_port()}/api/")
    friday_9_paris = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)

    assert "1 retry" in send_due(friday_9_paris)
    assert not [record for record in caplog.records if record.exc_info], "an outage, not a bug"

    monkeypatch.setenv("SLACK_API_URL", harness.fake.api_url)
    assert "1 sent" in send_due(friday_9_paris + timedelta(minutes=6))


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# -- a served process while Slack is down -------------------------------------------------


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def wait_until(check: Any, seconds: float, what: str) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            found = check()
        except OSError:
            found = None
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_worker_restarted_during_a_slack_outage_keeps_the_server_up(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    fake_slack.reset()
    fake_slack.respond_with("auth.test", lambda call: (500, {"ok": False}, {}))
    env = cli_env(tmp_path, fake_slack, WEB_CONCURRENCY="2")
    url = f"http://127.0.0.1:{env['PORT']}"
    process = start_ask_team("serve", env=env, cwd=tmp_path)
    try:
        wait_until(lambda: request("GET", url + "/healthz").status == 200, 30, "the server")
        workers = wait_until(lambda: len(worker_pids(process.pid)) == 2, 15, "two workers")
        assert workers

        # Slack is down: kill a worker; gunicorn boots a replacement, which must not need Slack.
        os.kill(worker_pids(process.pid)[0], signal.SIGKILL)
        time.sleep(1.5)

        assert process.poll() is None, "the server is still running"
        wait_until(lambda: len(worker_pids(process.pid)) == 2, 15, "a replacement worker")
        slack = SlackDriver(url + "/slack/events", SIGNING_SECRET, fake_slack.response_url())
        assert slack.command("help").status == 200
    finally:
        process.terminate()
        output = process.communicate(timeout=20)[0]
    assert "could not check SLACK_BOT_TOKEN now (Slack answered 500" in output
    assert "Copy the Bot User OAuth Token again" not in output
    assert len(fake_slack.calls_to("auth.test")) <= 3, "checked once, at start (with retries)"


def test_home_opened_with_slack_slow_is_acknowledged_at_once(
    harness: Harness, slow_slack: FakeSlack
) -> None:
    opened = {"type": "app_home_opened", "user": "U0LEADER", "tab": "home", "channel": "D0DM"}
    event = event_callback("T0TEAM", "EvSlowHome", opened)

    seconds, response = timed(
        lambda: harness.slack.post(json.dumps(event).encode(), content_type="application/json")
    )

    assert response.status == 200
    assert seconds < WELL_UNDER_SLACKS_LIMIT


@pytest.mark.parametrize("status", [403, 404])
def test_a_response_url_slack_refuses_is_one_warning_without_a_traceback(
    harness: Harness, caplog: pytest.LogCaptureFixture, status: int
) -> None:
    harness.fake.respond_with("response_url", lambda call: (status, {}, {}))

    response = harness.slack.click(ids.QUESTION_ANOTHER, "vision")
    harness.settle()

    assert response.status == 200
    assert harness.fake.calls_to("response_url"), "tried once"
    (line,) = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert line.exc_info is None, "expired or used up: Slack's answer, not a bug of ours"
    assert line.levelno == logging.WARNING
    assert str(status) in line.getMessage()
    assert "/response/" not in line.getMessage(), "never the URL"
