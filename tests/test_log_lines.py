"""One record is one line, whatever a request put in it (bot/vocabulary/log_format.py).

A message can quote what a request sent; a line break in it would let the sender write
lines of their own into the log, and a NUL or a control sequence would garble it. Specified
on the formatter, for both LOG_FORMATs, and on a real `ask-team serve` process's stderr.
"""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest

from bot.playground.fake_slack import FakeSlack
from bot.playground.slack_driver import SlackDriver, User, event_callback, request
from bot.store.token_cipher import new_key
from bot.vocabulary.log_format import LOG_FORMATS, LogFormat, formatter, gunicorn_log_config
from tests.conftest import REPO_ROOT, SIGNING_SECRET
from tests.test_oauth_cli import installed_with, oauth_env

# Every character that ends a line for someone: a terminal, a log shipper, str.splitlines().
LINE_BREAKS = ["\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85"]
LINE_BREAKS += ["\u2028", "\u2029"]
# Not line breaks, but no log line should carry them raw either.
OTHER_CONTROLS = ["\x00", "\x1b[31m", "\x07", "\x7f", "\x9b", "\t"]
FORGED = "2026-11-26 09:00:00,000 ERROR bot.app.web: FORGED by the sender"
HOSTILE = "x" + "".join(LINE_BREAKS + OTHER_CONTROLS) + FORGED
RAW = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def record(message: str, *args: object, exc_info: bool = False) -> logging.LogRecord:
    made = logging.makeLogRecord(
        {"name": "bot.app.oauth", "levelno": logging.INFO, "levelname": "INFO"}
        | {"msg": message, "args": args}
    )
    if exc_info:
        try:
            raise ValueError("what a bug of ours said\x00")
        except ValueError:
            made.exc_info = sys.exc_info()
    return made


# -- the formatter ---------------------------------------------------------------------------------


@pytest.mark.parametrize("log_format", LOG_FORMATS)
@pytest.mark.parametrize(
    "sent", [*LINE_BREAKS, *OTHER_CONTROLS], ids=lambda text: text.encode("unicode_escape").decode()
)
def test_a_value_from_a_request_stays_on_its_records_line(log_format: LogFormat, sent: str) -> None:
    line = formatter(log_format).format(record("install failed: %s", f"x{sent}{FORGED}"))

    assert len(line.splitlines()) == 1, line
    assert not RAW.search(line), line
    assert "FORGED" in line


def test_a_text_line_shows_where_the_controls_were() -> None:
    line = formatter("text").format(record("install failed: %s", "x\nFORGED\x00\u2028"))

    assert line.endswith(r"INFO bot.app.oauth: install failed: x\nFORGED\x00\u2028")


def test_a_json_line_keeps_the_message_exactly() -> None:
    line = formatter("json").format(record("install failed: %s", HOSTILE))

    assert json.loads(line)["message"] == f"install failed: {HOSTILE}"
    assert not RAW.search(line), line


def test_a_text_traceback_keeps_its_lines_and_nothing_else_breaks_them() -> None:
    rendered = formatter("text").format(record("failed: %s", HOSTILE, exc_info=True))

    first, *traceback = rendered.split("\n")
    assert "FORGED" in first
    assert traceback[0] == "Traceback (most recent call last):"
    assert traceback[-1] == r"ValueError: what a bug of ours said\x00"
    assert not RAW.search(rendered.replace("\n", "")), rendered


def test_a_json_traceback_is_on_the_records_line() -> None:
    line = formatter("json").format(record("failed: %s", HOSTILE, exc_info=True))

    assert len(line.splitlines()) == 1
    assert json.loads(line)["exc_info"].endswith("ValueError: what a bug of ours said\x00")


@pytest.mark.parametrize("log_format", LOG_FORMATS)
def test_gunicorn_writes_its_lines_with_the_same_formatter(log_format: LogFormat) -> None:
    spec = gunicorn_log_config(log_format, "INFO")["formatters"]["ask_team"]
    made = spec["()"](log_format=spec["log_format"])

    assert type(made) is type(formatter(log_format))
    assert len(made.format(record("Invalid request: %s", HOSTILE)).splitlines()) == 1


# -- a real process --------------------------------------------------------------------------------

TEXT_LINE = re.compile(
    r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARNING|ERROR|CRITICAL) [\w.]+: .*"
)
INSTALLED = User("U0ANA", "T0ACME", "ana")
SLACK_HOOKS_URL = "https://hooks.slack.com/actions/T0ACME/1/x"


@dataclass
class Served:
    """`ask-team serve` running, until `stop()` hands back what it wrote on stderr."""

    url: str
    log_format: LogFormat
    process: subprocess.Popen[bytes]

    def stop(self) -> list[str]:
        """Its stderr, line by line: split on line feeds only, as a log shipper reads it."""
        self.process.terminate()
        _, stderr = self.process.communicate(timeout=20)
        assert b"\x00" not in stderr
        return [line for line in stderr.decode().split("\n") if line]


@pytest.fixture(params=LOG_FORMATS)
def served(
    request: pytest.FixtureRequest, tmp_path: Path, fake_slack: FakeSlack
) -> Iterator[Served]:
    """`ask-team serve` in OAuth mode (so the OAuth redirect is served), with one install."""
    log_format: LogFormat = request.param
    fake_slack.reset()
    key = new_key()
    env = oauth_env(tmp_path, fake_slack, TOKEN_ENCRYPTION_KEY=key, LOG_FORMAT=log_format)
    installed_with(key, env).dispose()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve"],
        env={**env, "PYTHONPATH": str(REPO_ROOT)},
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{env['PORT']}"
    try:
        _wait_until_serving(process, url)
        yield Served(url, log_format, process)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=20)
        fake_slack.reset()


def _wait_until_serving(process: subprocess.Popen[bytes], url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if request("GET", url + "/healthz").status == 200:
                return
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError(f"ask-team serve did not start:\n{process.communicate()[1]!r}")


def test_what_requests_send_cannot_add_lines_to_a_served_processs_log(served: Served) -> None:
    slack = SlackDriver(f"{served.url}/slack/events", SIGNING_SECRET, SLACK_HOOKS_URL)
    # The OAuth redirect logs why an install failed: the sender's `error` parameter.
    redirect = request("GET", f"{served.url}/slack/oauth_redirect?error={quote(HOSTILE)}")
    # Signed, from the installed workspace: a form and an event no listener claims are named.
    form = slack.submission_payload({"callback_id": HOSTILE}, {}, INSTALLED)
    event = event_callback(INSTALLED.team_id, "EvHostile", {"type": HOSTILE})
    answers = [
        slack.post(urlencode({"payload": json.dumps(form)}).encode()),
        slack.post(json.dumps(event).encode(), "application/json"),
    ]
    lines = served.stop()

    assert redirect.status < 500
    assert [answer.status for answer in answers] == [200, 200]
    assert lines, "the process logged nothing at all"
    for line in lines:
        assert not RAW.search(line), line
        if served.log_format == "json":
            assert isinstance(json.loads(line), dict), line
        else:
            # A record, or the command line's own "ask-team: serving …" before gunicorn starts.
            assert TEXT_LINE.fullmatch(line) or line.startswith("ask-team: "), line
