"""OAuth mode from the command line: one line for each mistake, keys made and rotated."""

from __future__ import annotations

import time
from pathlib import Path

from cryptography.fernet import Fernet
from slack_sdk.oauth.installation_store import Installation

from bot.playground.fake_slack import FakeSlack
from bot.playground.slack_driver import request
from bot.store.database import Database
from bot.store.installations import WorkspaceInstalls
from bot.store.token_cipher import TokenCipher, new_key
from bot.vocabulary.config import normalize_database_url
from tests.support.cli import (
    TOKEN,
    acme_install,
    ask_team,
    cli_env,
    installed_with,
    oauth_env,
    start_ask_team,
    wait_until_serving,
)


def globex_install() -> Installation:
    return Installation(
        team_id="T0GLOBEX",
        bot_token="xoxb-T0GLOBEX-token",
        bot_id="B0BOT",
        bot_user_id="U0BOT",
        user_id="U0BEN",
        installed_at=time.time(),
    )


def test_oauth_mode_without_an_encryption_key_is_refused_in_one_line(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    result = ask_team("serve", env=oauth_env(tmp_path, fake_slack), cwd=tmp_path)

    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert "TOKEN_ENCRYPTION_KEY is needed" in line
    assert "ask-team new-key" in line


def test_a_key_that_does_not_open_the_stored_tokens_is_refused_in_one_line(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    env = oauth_env(tmp_path, fake_slack, TOKEN_ENCRYPTION_KEY=new_key())
    installed_with(new_key(), env).dispose()

    result = ask_team("serve", env=env, cwd=tmp_path)

    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert "does not open with TOKEN_ENCRYPTION_KEY" in line


def test_new_key_prints_a_key_that_encrypts(tmp_path: Path, fake_slack: FakeSlack) -> None:
    result = ask_team("new-key", env=cli_env(tmp_path, fake_slack), cwd=tmp_path)

    assert result.returncode == 0
    Fernet(result.stdout.strip().encode())


def test_rotate_key_re_encrypts_every_token_so_the_old_key_can_go(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    old, new = new_key(), new_key()
    env = oauth_env(tmp_path, fake_slack, TOKEN_ENCRYPTION_KEY=f"{new},{old}")
    installed_with(old, env).dispose()

    result = ask_team("rotate-key", env=env, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "re-encrypted the tokens of 1 workspace(s)" in result.stdout
    database = Database(normalize_database_url(env["DATABASE_URL"]))
    bot = WorkspaceInstalls(database, TokenCipher(new)).find_bot(
        enterprise_id=None, team_id="T0ACME"
    )
    database.dispose()
    assert bot is not None
    assert bot.bot_token == TOKEN


def test_serve_in_oauth_mode_offers_add_to_slack(tmp_path: Path, fake_slack: FakeSlack) -> None:
    env = oauth_env(tmp_path, fake_slack, TOKEN_ENCRYPTION_KEY=new_key())
    process = start_ask_team("serve", env=env, cwd=tmp_path)
    url = f"http://127.0.0.1:{env['PORT']}"
    try:
        wait_until_serving(process, url)
        page = request("GET", url + "/slack/install")
    finally:
        process.terminate()
        process.wait(timeout=15)

    assert page.status == 200
    assert "Add to Slack" in page.text


def test_dropping_a_key_that_still_opens_one_workspaces_token_stops_the_start_in_one_line(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    first, newer = new_key(), new_key()
    env = oauth_env(tmp_path, fake_slack, TOKEN_ENCRYPTION_KEY=newer)
    database = installed_with(first, env)
    WorkspaceInstalls(database, TokenCipher(first)).save(globex_install())
    # Started with `newer,first`, Acme reinstalled: its token, the first row, is under `newer`.
    WorkspaceInstalls(database, TokenCipher(f"{newer},{first}")).save(acme_install())
    database.dispose()

    result = ask_team("serve", env=env, cwd=tmp_path)

    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert "1 of 2 installed workspaces has a token that does not open" in line
    assert "ask-team rotate-key" in line


def test_rotate_key_rewrites_nothing_when_one_token_does_not_open(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    old, new, lost = new_key(), new_key(), new_key()
    env = oauth_env(tmp_path, fake_slack, TOKEN_ENCRYPTION_KEY=f"{new},{old}")
    database = installed_with(old, env)
    WorkspaceInstalls(database, TokenCipher(lost)).save(globex_install())
    database.dispose()

    result = ask_team("rotate-key", env=env, cwd=tmp_path)

    assert result.returncode == 2
    assert "1 of 2 installed workspaces" in result.stderr
    database = Database(normalize_database_url(env["DATABASE_URL"]))
    still_old = WorkspaceInstalls(database, TokenCipher(old)).find_bot(
        enterprise_id=None, team_id="T0ACME"
    )
    database.dispose()
    assert still_old is not None
    assert still_old.bot_token == TOKEN
