"""`ask-team` as an operator runs it: gunicorn serving the real app, migrations, clear refusals."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from bot.playground.fake_slack import FakeSlack
from bot.playground.slack_driver import SlackDriver
from tests.support.cli import ask_team, cli_env, start_ask_team, wait_until_serving
from tests.support.harness import SIGNING_SECRET
from tests.support.paths import REPO_ROOT


@pytest.fixture
def served(tmp_path: Path, fake_slack: FakeSlack) -> Iterator[tuple[str, Path]]:
    """`ask-team serve` running under gunicorn on a brand-new SQLite file."""
    fake_slack.reset()
    env = cli_env(tmp_path, fake_slack)
    process = start_ask_team("serve", env=env, cwd=tmp_path)
    url = f"http://127.0.0.1:{env['PORT']}"
    try:
        wait_until_serving(process, url)
        yield url, tmp_path
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_serve_answers_a_signed_command_under_gunicorn(
    served: tuple[str, Path], fake_slack: FakeSlack
) -> None:
    url, _ = served
    slack = SlackDriver(url + "/slack/events", SIGNING_SECRET, fake_slack.base_url + "/response")

    card = slack.command("vision")
    forged = slack.post(b"command=%2Fask-team&text=", signature="v0=bad")

    assert card.status == 200
    assert card.json["response_type"] == "ephemeral"
    assert len(card.json["blocks"]) == 4, card.json
    assert forged.status == 401


def test_serve_migrates_a_fresh_sqlite_file_itself(served: tuple[str, Path]) -> None:
    _, tmp_path = served
    tables = (
        sqlite3.connect(tmp_path / "cli.db").execute("SELECT name FROM sqlite_master").fetchall()
    )

    assert ("alembic_version",) in tables
    assert ("entries",) in tables


def test_serve_refuses_an_unmigrated_database(tmp_path: Path, fake_slack: FakeSlack) -> None:
    env = cli_env(tmp_path, fake_slack)
    sqlite3.connect(tmp_path / "cli.db").execute(
        "CREATE TABLE someone_elses (x)"
    ).connection.commit()

    result = ask_team("serve", env=env, cwd=tmp_path)

    assert result.returncode == 2
    assert "Run `ask-team migrate` first" in result.stderr


def test_migrate_then_it_is_current(tmp_path: Path, fake_slack: FakeSlack) -> None:
    env = cli_env(tmp_path, fake_slack)

    first = ask_team("migrate", env=env, cwd=tmp_path)
    again = ask_team("migrate", env=env, cwd=tmp_path)

    assert first.returncode == 0
    assert again.returncode == 0
    assert "database is at revision" in again.stdout


def test_serve_without_credentials_names_them_and_the_steps(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    env = cli_env(tmp_path, fake_slack)
    del env["SLACK_BOT_TOKEN"], env["SLACK_SIGNING_SECRET"]

    result = ask_team("serve", env=env, cwd=tmp_path)

    assert result.returncode == 2
    assert "Missing: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET" in result.stderr
    # Worded for someone who installed the package, and has no checkout to take files from.
    assert "run `ask-team manifest` and paste what it prints" in result.stderr
    assert "SLACK_APP_TOKEN" in result.stderr
    assert "SLACK_CLIENT_ID" in result.stderr
    assert "`ask-team playground`" in result.stderr
    assert "from this repository" not in result.stderr


def test_manifest_prints_the_app_manifest_from_any_directory(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    env = cli_env(tmp_path, fake_slack)
    del env["SLACK_BOT_TOKEN"], env["SLACK_SIGNING_SECRET"]

    result = ask_team("manifest", env=env, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout == (REPO_ROOT / "manifest.yml").read_text(encoding="utf-8")
    assert yaml.safe_load(result.stdout)["display_information"]["name"] == "ask-team"


def test_run_with_half_the_credentials_names_the_missing_one_instead_of_a_playground(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    env = cli_env(tmp_path, fake_slack)
    del env["SLACK_SIGNING_SECRET"]

    result = ask_team("run", env=env, cwd=tmp_path)

    assert result.returncode == 2
    assert "Missing: SLACK_SIGNING_SECRET." in result.stderr
    assert "opening the local playground" not in result.stderr
    assert "the local playground is at" not in result.stderr


def test_a_bad_setting_is_one_line(tmp_path: Path, fake_slack: FakeSlack) -> None:
    result = ask_team("serve", env=cli_env(tmp_path, fake_slack, PORT="http"), cwd=tmp_path)

    assert result.returncode == 2
    assert result.stderr.strip() == "ask-team: PORT must be a whole number, got 'http'"


def test_a_refused_bot_token_is_named(tmp_path: Path, fake_slack: FakeSlack) -> None:
    env = cli_env(tmp_path, fake_slack, SLACK_BOT_TOKEN="xoxb-revoked")

    result = ask_team("serve", env=env, cwd=tmp_path)

    assert result.returncode == 2
    assert "Slack refused SLACK_BOT_TOKEN (invalid_auth)" in result.stderr


def test_version_comes_from_the_package_metadata(tmp_path: Path, fake_slack: FakeSlack) -> None:
    from importlib.metadata import version

    result = ask_team("--version", env=cli_env(tmp_path, fake_slack), cwd=tmp_path)

    assert result.returncode == 0
    assert result.stdout.strip() == f"ask-team {version('ask-team')}"


def test_version_without_the_package_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    from importlib.metadata import PackageNotFoundError

    from bot import cli

    def not_installed(name: str) -> str:
        raise PackageNotFoundError(name)

    monkeypatch.setattr(cli, "version", not_installed)

    assert cli.package_version() == "(not installed: running from source)"


def test_every_command_explains_itself(capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli import CLI_COMMANDS, main

    def help_of(*args: str) -> str:
        with pytest.raises(SystemExit) as exited:
            main([*args, "--help"])
        assert exited.value.code == 0
        # argparse wraps to the terminal width, breaking lines at spaces and hyphens.
        return "".join(capsys.readouterr().out.split())

    overview = help_of()

    for name, summary, description in CLI_COMMANDS:
        assert "".join(summary.split()) in overview, name
        own = help_of(name)
        assert f"usage:ask-team{name}" in own
        assert "".join(description.split()) in own, name
        assert "DATABASE_URL" in own


def test_the_overview_names_the_commands_there_are(capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli import CLI_COMMANDS, main

    with pytest.raises(SystemExit):
        main(["--help"])
    # argparse wraps to the terminal width, breaking lines at spaces and hyphens.
    description = "".join(capsys.readouterr().out.split("\n\n")[1].split())
    listed = description.split("commandline:", 1)[1].split(".", 1)[0].split(",")

    assert listed == [name for name, _, _ in CLI_COMMANDS]
    assert "keys" not in listed
    assert {"new-key", "rotate-key", "manifest"} <= set(listed)


def test_a_dry_run_and_an_export_need_no_slack_tokens(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    env = cli_env(tmp_path, fake_slack)
    del env["SLACK_BOT_TOKEN"], env["SLACK_SIGNING_SECRET"]

    preview = ask_team("send-due", "--dry-run", env=env, cwd=tmp_path)
    export = ask_team("export", "--team", "T0TEAM", "--user", "U0NOBODY", env=env, cwd=tmp_path)
    sending = ask_team("send-due", env=env, cwd=tmp_path)

    assert preview.returncode == 0, preview.stderr
    assert "(dry run: nothing sent)" in preview.stdout
    assert export.returncode == 1, export.stderr
    assert export.stderr.strip() == "ask-team: U0NOBODY has logged nothing in workspace T0TEAM"
    assert sending.returncode == 2
    assert "Missing: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET" in sending.stderr


def test_the_setup_steps_are_not_prefixed_twice(tmp_path: Path, fake_slack: FakeSlack) -> None:
    env = cli_env(tmp_path, fake_slack)
    del env["SLACK_BOT_TOKEN"]

    result = ask_team("serve", env=env, cwd=tmp_path)

    assert result.returncode == 2
    assert result.stderr.startswith(
        "ask-team: Slack credentials are needed to start. Missing: SLACK_BOT_TOKEN."
    )
    assert "Traceback" not in result.stderr
