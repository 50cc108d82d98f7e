"""What an operator runs the bot with: GET /metrics, LOG_FORMAT=json, HOST."""

from __future__ import annotations

import json
import socket
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from bot.app.server import PortUnavailableError, check_port_free
from bot.playground.fake_slack import FakeSlack
from bot.playground.slack_driver import SlackDriver, request
from bot.vocabulary.config import DEFAULT_HOST, ConfigError, Settings
from tests.support.cli import cli_env, free_port, start_ask_team, wait_until_serving
from tests.support.harness import BOT_TOKEN, LEADER, SIGNING_SECRET, Harness
from tests.support.nudges import FRIDAY_9_PARIS, SendDue, subscribe

COMMANDS = 12
# What must never be a label value or appear anywhere in the metrics.
SECRETS = (LEADER.user_id, LEADER.team_id, BOT_TOKEN, SIGNING_SECRET)


def stop(process: subprocess.Popen[str]) -> list[str]:
    """Stop `ask-team serve` as a process manager would; every line it wrote."""
    process.terminate()
    output, _ = process.communicate(timeout=15)
    return output.splitlines()


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def sample(text: str, name: str, **labels: str) -> float:
    return samples(text).get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.fixture
def served_twice(tmp_path: Path, fake_slack: FakeSlack) -> Iterator[tuple[str, Path]]:
    """`ask-team serve` with two gunicorn workers, their metrics in a directory we can see."""
    fake_slack.reset()
    metrics_dir = tmp_path / "metrics"
    env = cli_env(
        tmp_path, fake_slack, WEB_CONCURRENCY="2", PROMETHEUS_MULTIPROC_DIR=str(metrics_dir)
    )
    metrics_dir.mkdir()
    # A previous run's file, which must not add to this run's counts.
    (metrics_dir / "counter_1.db").write_bytes(b"stale")
    process = start_ask_team("serve", env=env, cwd=tmp_path)
    url = f"http://127.0.0.1:{env['PORT']}"
    try:
        wait_until_serving(process, url)
        # Each worker makes its metrics (and their files) as it boots: wait for the second.
        deadline = time.monotonic() + 30
        while len(list(metrics_dir.glob("counter_*.db"))) < 2:
            assert time.monotonic() < deadline, "the second worker did not boot"
            time.sleep(0.05)
        yield url, metrics_dir
    finally:
        stop(process)


def test_metrics_sum_every_workers_requests(
    served_twice: tuple[str, Path], fake_slack: FakeSlack
) -> None:
    url, metrics_dir = served_twice
    slack = SlackDriver(url + "/slack/events", SIGNING_SECRET, fake_slack.base_url + "/response")
    # At once, from several connections, so both workers take some.
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(lambda _: slack.command("vision"), range(COMMANDS)))
    forged = slack.post(b"command=%2Fask-team&text=", signature="v0=bad")
    # Each scrape is a new connection, answered by either worker: each sees both workers' counts.
    scrapes = [request("GET", url + "/metrics") for _ in range(4)]

    assert [answer.status for answer in answers] == [200] * COMMANDS
    assert forged.status == 401
    # One file of counters per worker, and the stale one gone.
    assert len(list(metrics_dir.glob("counter_*.db"))) == 2
    for scrape in scrapes:
        assert scrape.status == 200
        assert scrape.headers["content-type"].startswith("text/plain")
        text = scrape.text
        requests_total = "ask_team_requests_total"
        assert sample(text, requests_total, kind="command", outcome="answered") == COMMANDS
        assert sample(text, requests_total, kind="other", outcome="refused_4xx") == 1
        assert sample(text, "ask_team_ack_seconds_count") == COMMANDS
        assert sample(text, "ask_team_ack_seconds_bucket", le="3.0") == COMMANDS
        assert sample(text, "ask_team_after_ack_pending") == 0
        for secret in SECRETS:
            assert secret not in text


def test_json_logs_are_one_object_a_line_gunicorns_included(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    fake_slack.reset()
    env = cli_env(tmp_path, fake_slack, LOG_FORMAT="json")
    process = start_ask_team("serve", env=env, cwd=tmp_path)
    url = f"http://127.0.0.1:{env['PORT']}"
    try:
        wait_until_serving(process, url)
        slack = SlackDriver(url + "/slack/events", SIGNING_SECRET, fake_slack.base_url + "/x")
        slack.post(b"command=%2Fask-team&text=", signature="v0=bad")
    finally:
        lines = stop(process)

    parsed = [json.loads(line) for line in lines]

    assert {tuple(sorted(line)) for line in parsed} == {("level", "logger", "message", "time")}
    loggers = {line["logger"] for line in parsed}
    assert {"gunicorn.error", "bot.app.web", "bot.cli"} <= loggers, loggers
    assert any(line["message"].startswith("Listening at: http://") for line in parsed)
    # The access log stays off, as it was before gunicorn's logging was configured.
    assert "gunicorn.access" not in loggers


def test_host_binds_only_that_address(tmp_path: Path, fake_slack: FakeSlack) -> None:
    fake_slack.reset()
    env = cli_env(tmp_path, fake_slack, HOST="127.0.0.1")
    process = start_ask_team("serve", env=env, cwd=tmp_path)
    outside = non_loopback_address()
    try:
        wait_until_serving(process, f"http://127.0.0.1:{env['PORT']}")
        reached = outside is not None and can_connect(outside, int(env["PORT"]))
    finally:
        lines = stop(process)

    # gunicorn's lines go through our text format too.
    assert any(
        f" INFO gunicorn.error: Listening at: http://127.0.0.1:{env['PORT']} " in line + " "
        for line in lines
    ), lines
    assert not reached, f"reached on {outside}"


def non_loopback_address() -> str | None:
    """This machine's address on its default route, if it has one (no packet is sent)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: only picks the outgoing interface
            address = str(probe.getsockname()[0])
    except OSError:
        return None
    return None if address.startswith("127.") else address


def can_connect(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def test_a_host_not_on_this_machine_is_one_line() -> None:
    with pytest.raises(PortUnavailableError) as refused:
        check_port_free(free_port(), "192.0.2.1")

    assert str(refused.value).startswith("HOST 192.0.2.1 is not an address of this machine")


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("LOG_FORMAT", "xml", "LOG_FORMAT must be text or json, got 'xml'"),
        ("HOST", "my host", "HOST must be an IP address to listen on"),
    ],
)
def test_bad_operations_settings_are_one_line(setting: str, value: str, message: str) -> None:
    env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, setting: value}

    with pytest.raises(ConfigError) as refused:
        Settings.from_env(env)

    assert str(refused.value).startswith(message)


def test_operations_settings_defaults_and_values() -> None:
    env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET}

    default = Settings.from_env(env)
    chosen = Settings.from_env({**env, "LOG_FORMAT": "JSON", "HOST": "[::1]"})

    assert (default.log_format, default.host) == ("text", DEFAULT_HOST)
    assert (chosen.log_format, chosen.host) == ("json", "::1")


def value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_a_nudge_pass_is_counted(harness: Harness, send_due: SendDue) -> None:
    subscribe(harness)
    sent, passes = (
        value("ask_team_nudges_total", outcome="sent"),
        value("ask_team_nudge_pass_seconds_count"),
    )

    send_due(FRIDAY_9_PARIS)
    # A preview sends nothing and is not a pass.
    send_due(FRIDAY_9_PARIS, "--dry-run")

    assert value("ask_team_nudges_total", outcome="sent") == sent + 1
    assert value("ask_team_nudge_pass_seconds_count") == passes + 1


def test_in_one_process_metrics_come_from_the_default_registry(harness: Harness) -> None:
    answered = value("ask_team_requests_total", kind="command", outcome="answered")
    refused = value("ask_team_requests_total", kind="other", outcome="refused_4xx")

    harness.slack.command("vision")
    harness.slack.post(b"command=%2Fask-team&text=", signature="v0=bad")
    harness.settle()
    scrape = request("GET", harness.app.url + "/metrics")

    assert sample(scrape.text, "ask_team_requests_total", kind="command", outcome="answered") == (
        answered + 1
    )
    assert sample(scrape.text, "ask_team_requests_total", kind="other", outcome="refused_4xx") == (
        refused + 1
    )
    assert sample(scrape.text, "ask_team_after_ack_pending") == 0
    for secret in SECRETS:
        assert secret not in scrape.text
