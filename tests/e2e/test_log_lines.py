"""One record is one line, whatever a request put in it, on a real `ask-team serve` process's
stderr (the formatter itself, for both LOG_FORMATs, is in tests/unit/test_log_lines.py).
"""

from __future__ import annotations

import json
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
from bot.vocabulary.log_format import LOG_FORMATS, LogFormat
from tests.support.cli import installed_with, oauth_env
from tests.support.harness import SIGNING_SECRET
from tests.support.log_lines import HOSTILE, RAW
from tests.support.paths import REPO_ROOT

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
