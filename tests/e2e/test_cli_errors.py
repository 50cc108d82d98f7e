"""The common mistakes of a first deployment, each one line on stderr and exit code 2.

Run as the operator runs it, `python -m bot …` in a subprocess, so that whatever logging or
traceback a library would print is part of what is checked.
"""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.playground.fake_slack import FakeSlack
from bot.vocabulary.config import DEFAULT_HOST
from tests.support.cli import ask_team, cli_env, free_port

POSTGRES_SERVER = ("127.0.0.1", 5432)


def the_one_line(result: subprocess.CompletedProcess[str]) -> str:
    """The single line the command printed on stderr, after checking that is all it did."""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 2, result.stderr
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("ask-team: "), lines[0]
    assert not lines[0].startswith("ask-team: ask-team"), "prefixed twice"
    return lines[0]


def postgres_listening() -> bool:
    try:
        socket.create_connection(POSTGRES_SERVER, timeout=1).close()
    except OSError:
        return False
    return True


needs_postgres = pytest.mark.skipif(
    not postgres_listening(), reason="no PostgreSQL server at 127.0.0.1:5432"
)


@pytest.mark.parametrize("command", ["migrate", "serve", "run", "send-due"])
def test_postgres_unreachable(tmp_path: Path, fake_slack: FakeSlack, command: str) -> None:
    nothing_there = f"postgresql://postgres@127.0.0.1:{free_port()}/ask_team"
    env = cli_env(tmp_path, fake_slack, DATABASE_URL=nothing_there)

    line = the_one_line(ask_team(command, env=env, cwd=tmp_path))

    assert line.startswith("ask-team: DATABASE_URL: cannot reach PostgreSQL at 127.0.0.1:")
    assert "Connection refused" in line
    assert "fix the host and port in DATABASE_URL" in line


@needs_postgres
@pytest.mark.parametrize("command", ["migrate", "serve"])
def test_postgres_database_missing(tmp_path: Path, fake_slack: FakeSlack, command: str) -> None:
    missing = "postgresql://postgres@127.0.0.1:5432/ask_team_no_such_database"
    env = cli_env(tmp_path, fake_slack, DATABASE_URL=missing)

    line = the_one_line(ask_team(command, env=env, cwd=tmp_path))

    assert "has no database 'ask_team_no_such_database'" in line
    assert "createdb ask_team_no_such_database" in line
    assert "DATABASE_URL" in line


@needs_postgres
@pytest.mark.parametrize("command", ["migrate", "send-due"])
def test_postgres_user_refused(tmp_path: Path, fake_slack: FakeSlack, command: str) -> None:
    stranger = "postgresql://ask_team_no_such_role:secret@127.0.0.1:5432/postgres"
    env = cli_env(tmp_path, fake_slack, DATABASE_URL=stranger)

    result = ask_team(command, env=env, cwd=tmp_path)
    line = the_one_line(result)

    assert "refused user 'ask_team_no_such_role'" in line
    assert "fix the user or password in DATABASE_URL" in line
    assert "secret" not in result.stderr, "the password stays out of the message"


@pytest.mark.parametrize("command", ["migrate", "serve", "run", "send-due"])
def test_sqlite_file_in_a_missing_directory(
    tmp_path: Path, fake_slack: FakeSlack, command: str
) -> None:
    nowhere = tmp_path / "no" / "such" / "dir" / "ask_team.db"
    env = cli_env(tmp_path, fake_slack, DATABASE_URL=f"sqlite:///{nowhere}")

    line = the_one_line(ask_team(command, env=env, cwd=tmp_path))

    assert line == (
        f"ask-team: DATABASE_URL: the directory {nowhere.parent} for the SQLite file does not "
        "exist; create it, or point DATABASE_URL at a file in an existing directory."
    )
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize("command", ["playground", "run"])
def test_the_playgrounds_database_url_is_named_as_the_option_it_came_from(
    tmp_path: Path, fake_slack: FakeSlack, command: str
) -> None:
    """The playground (and `run` with no Slack credentials) never reads DATABASE_URL: a
    message naming it would send the user to fix a setting they never gave."""
    nowhere = tmp_path / "no" / "such" / "dir" / "playground.db"
    env = cli_env(tmp_path, fake_slack)
    del env["SLACK_BOT_TOKEN"], env["SLACK_SIGNING_SECRET"]

    missing = the_one_line(
        ask_team(command, "--database-url", f"sqlite:///{nowhere}", env=env, cwd=tmp_path)
    )
    malformed = the_one_line(
        ask_team(command, "--database-url", "playground.db", env=env, cwd=tmp_path)
    )

    assert missing == (
        f"ask-team: --database-url: the directory {nowhere.parent} for the SQLite file does not "
        "exist; create it, or point --database-url at a file in an existing directory."
    )
    assert malformed == (
        "ask-team: --database-url must look like sqlite:///file.db or postgresql://…, "
        "got 'playground.db'"
    )
    assert not (tmp_path / "no").exists()


@pytest.fixture
def port_taken() -> Iterator[int]:
    """A port another process listens on, at the address ask-team serves on by default."""
    with socket.socket() as occupant:
        occupant.bind((DEFAULT_HOST, 0))
        occupant.listen(1)
        yield int(occupant.getsockname()[1])


@pytest.mark.parametrize("command", ["serve", "run"])
def test_port_in_use_is_caught_before_serving(
    tmp_path: Path, fake_slack: FakeSlack, port_taken: int, command: str
) -> None:
    env = cli_env(tmp_path, fake_slack, PORT=str(port_taken))

    result = ask_team(command, env=env, cwd=tmp_path)
    line = the_one_line(result)

    assert line == (
        f"ask-team: PORT {port_taken} is already in use on {DEFAULT_HOST}; stop what listens there "
        "(another ask-team?) or set PORT to a free port."
    )
    assert "serving" not in result.stderr


def test_slack_unreachable_is_only_the_one_line(tmp_path: Path, fake_slack: FakeSlack) -> None:
    nothing_there = f"http://127.0.0.1:{free_port()}/api/"
    env = cli_env(tmp_path, fake_slack, SLACK_API_URL=nothing_there)

    line = the_one_line(ask_team("serve", env=env, cwd=tmp_path))

    assert line == (
        f"ask-team: Could not reach Slack at {nothing_there} to check SLACK_BOT_TOKEN "
        "(URLError). Check the network, or SLACK_API_URL if you set it."
    )


def test_a_refused_bot_token_is_only_the_one_line(tmp_path: Path, fake_slack: FakeSlack) -> None:
    env = cli_env(tmp_path, fake_slack, SLACK_BOT_TOKEN="xoxb-revoked")

    line = the_one_line(ask_team("run", env=env, cwd=tmp_path))

    assert line.startswith("ask-team: Slack refused SLACK_BOT_TOKEN (invalid_auth).")
    assert "OAuth & Permissions" in line


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
@pytest.mark.parametrize("command", ["serve", "run", "migrate", "send-due", "socket"])
def test_an_in_memory_database_is_refused_where_it_must_persist(
    tmp_path: Path, fake_slack: FakeSlack, command: str, url: str
) -> None:
    env = cli_env(tmp_path, fake_slack, DATABASE_URL=url, SLACK_APP_TOKEN="xapp-test")

    line = the_one_line(ask_team(command, env=env, cwd=tmp_path))

    assert line == (
        f"ask-team: DATABASE_URL is an in-memory SQLite database, which `ask-team {command}` "
        "would lose at exit; point it at a file, e.g. sqlite:///ask_team.db."
    )


def test_a_port_that_is_not_a_number_in_the_database_url(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    env = cli_env(tmp_path, fake_slack, DATABASE_URL="postgresql://db.example:fivefour/x")

    line = the_one_line(ask_team("migrate", env=env, cwd=tmp_path))

    assert line == ("ask-team: DATABASE_URL has a port that is not a number between 0 and 65535")


def test_alembic_chatter_stays_out_of_migrate(tmp_path: Path, fake_slack: FakeSlack) -> None:
    env = cli_env(tmp_path, fake_slack)

    first = ask_team("migrate", env=env, cwd=tmp_path)
    again = ask_team("migrate", env=env, cwd=tmp_path)

    assert first.returncode == 0, first.stderr
    assert first.stderr == ""
    assert first.stdout.startswith("ask-team: database is at revision ")
    assert first.stdout.rstrip().endswith("(upgraded from an empty database)")
    assert again.stderr == ""
    assert "upgraded" not in again.stdout
