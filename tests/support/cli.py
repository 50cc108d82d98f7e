"""`ask-team` as an operator runs it, in a process of its own: its environment, started and
waited for; in OAuth mode, with a workspace already installed."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from slack_sdk.oauth.installation_store import Installation

from bot.playground.fake_slack import FakeSlack
from bot.playground.slack_driver import request
from bot.store import migrate
from bot.store.database import Database
from bot.store.installations import WorkspaceInstalls
from bot.store.token_cipher import TokenCipher
from bot.vocabulary.config import normalize_database_url
from tests.support.harness import BOT_TOKEN, SIGNING_SECRET
from tests.support.paths import REPO_ROOT


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def cli_env(tmp_path: Path, fake_slack: FakeSlack, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("SLACK_")}
    env.update(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.api_url,
        DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}",
        PORT=str(free_port()),
        WEB_CONCURRENCY="1",
        SCHEDULER="off",
    )
    env.update(extra)
    return env


def ask_team(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


def start_ask_team(*args: str, env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    """`ask-team <args>` left running, its output (stdout and stderr) on `stdout`."""
    return subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        env={**env, "PYTHONPATH": str(REPO_ROOT)},
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def send_due_at_once(when: datetime, *, env: dict[str, str], cwd: Path, processes: int = 3) -> None:
    """`ask-team send-due --at <when>` as `processes` processes started together, as cron on
    that many hosts would start it; each must succeed."""
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "bot", "send-due", "--at", when.isoformat()],
            env=env,
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    for run in runs:
        _, err = run.communicate(timeout=60)
        assert run.returncode == 0, err


def wait_until_serving(process: subprocess.Popen[str], url: str, seconds: float = 30) -> None:
    """Return once `url/healthz` answers; fail with what the process said if it never does."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if request("GET", url + "/healthz").status == 200:
                return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            output = process.stdout.read() if process.stdout else ""
            raise AssertionError(f"ask-team serve did not start:\n{output}")
        time.sleep(0.1)


# -- OAuth mode ------------------------------------------------------------------------------------

# The bot token Slack gave Acme when `installed_with` installed it.
TOKEN = "xoxb-T0ACME-secret-token"


def oauth_env(tmp_path: Path, fake: FakeSlack, **extra: str) -> dict[str, str]:
    env = cli_env(tmp_path, fake, SLACK_CLIENT_ID="1.2", SLACK_CLIENT_SECRET="s", **extra)
    del env["SLACK_BOT_TOKEN"]
    return env


def acme_install() -> Installation:
    return Installation(
        team_id="T0ACME",
        bot_token=TOKEN,
        bot_id="B0BOT",
        bot_user_id="U0BOT",
        user_id="U0ANA",
        installed_at=time.time(),
    )


def installed_with(key: str, env: dict[str, str]) -> Database:
    database = Database(normalize_database_url(env["DATABASE_URL"]))
    migrate.upgrade(database)
    WorkspaceInstalls(database, TokenCipher(key)).save(acme_install())
    return database
