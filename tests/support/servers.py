"""`ask-team serve` under gunicorn as operators run it: started, killed with SIGKILL, master and
workers, and started again, on a database of the test's own (a SQLite file, or a PostgreSQL
database made on TEST_DATABASE_URL's server and dropped after); Slack's side of it."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy.engine import make_url

from bot.playground.fake_slack import FakeSlack
from bot.playground.slack_driver import SlackDriver, log_values, request
from tests.support.blocks import press
from tests.support.cli import cli_env, free_port
from tests.support.harness import POSTGRES_URL, SIGNING_SECRET
from tests.support.load import Outcome
from tests.support.paths import REPO_ROOT

# Gunicorn workers of each `ask-team serve` started here.
WORKERS = 2


# -- the database, as an operator has it -----------------------------------------------------------


@dataclass(frozen=True)
class Backend:
    """A database of this test's own: a SQLite file, or a PostgreSQL database on the server
    TEST_DATABASE_URL names (never that database itself: another suite resets it)."""

    name: str
    url: str
    sqlite_path: Path | None = None

    def stored_answers(self, marker: str) -> set[str]:
        """The answers in `entries` that start with `marker`, read by a fresh connection."""
        pattern = f"{marker}%"
        if self.sqlite_path is not None:
            with contextlib.closing(sqlite3.connect(self.sqlite_path)) as connection:
                rows = connection.execute(
                    "SELECT answer FROM entries WHERE answer LIKE ?", (pattern,)
                ).fetchall()
        else:
            with psycopg.connect(self.url) as connection:
                rows = connection.execute(
                    "SELECT answer FROM entries WHERE answer LIKE %s", (pattern,)
                ).fetchall()
        return {str(row[0]) for row in rows}

    def integrity(self) -> str:
        """SQLite's own verdict on the file ("ok" when sound); PostgreSQL has no such file."""
        if self.sqlite_path is None:
            return "ok"
        try:
            with contextlib.closing(sqlite3.connect(self.sqlite_path)) as connection:
                rows = connection.execute("PRAGMA integrity_check").fetchall()
        except sqlite3.DatabaseError as error:
            return f"unreadable: {error}"
        return "; ".join(str(row[0]) for row in rows)

    @property
    def postgres_port(self) -> int:
        return make_url(self.url).port or 5432

    @contextmanager
    def entries_refused(self) -> Iterator[None]:
        """Every insert into `entries` fails inside the database, with the answer among the
        failing statement's parameters: the worst case for an error message in the logs."""
        if self.sqlite_path is not None:
            self._sqlite(
                "CREATE TRIGGER restarts_refuse BEFORE INSERT ON entries "
                "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
            )
            try:
                yield
            finally:
                self._sqlite("DROP TRIGGER IF EXISTS restarts_refuse")
        else:
            with psycopg.connect(self.url, autocommit=True) as connection:
                connection.execute(
                    "CREATE FUNCTION restarts_refuse() RETURNS trigger LANGUAGE plpgsql AS "
                    "$$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$"
                )
                connection.execute(
                    "CREATE TRIGGER restarts_refuse BEFORE INSERT ON entries "
                    "FOR EACH ROW EXECUTE FUNCTION restarts_refuse()"
                )
            try:
                yield
            finally:
                with psycopg.connect(self.url, autocommit=True) as connection:
                    connection.execute("DROP TRIGGER IF EXISTS restarts_refuse ON entries")
                    connection.execute("DROP FUNCTION IF EXISTS restarts_refuse()")

    def _sqlite(self, statement: str) -> None:
        assert self.sqlite_path is not None
        # The served workers may be writing: wait for them like any other writer would.
        with contextlib.closing(
            sqlite3.connect(self.sqlite_path, timeout=15, isolation_level=None)
        ) as connection:
            connection.execute(statement)


def _postgres_admin() -> psycopg.Connection[Any]:
    assert POSTGRES_URL is not None
    url = make_url(POSTGRES_URL).set(drivername="postgresql", database="postgres")
    return psycopg.connect(url.render_as_string(hide_password=False), autocommit=True)


@contextmanager
def throwaway_postgres(prefix: str) -> Iterator[Backend]:
    """A PostgreSQL database of the caller's own on TEST_DATABASE_URL's server, dropped after."""
    assert POSTGRES_URL is not None
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with _postgres_admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = make_url(POSTGRES_URL).set(drivername="postgresql", database=name)
    try:
        yield Backend("postgresql", url.render_as_string(hide_password=False))
    finally:
        with _postgres_admin() as admin:
            # FORCE: a backend of a killed worker may not have noticed yet that it is gone.
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# -- processes -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Proc:
    """A process as /proc shows it; (pid, start time) names it even if the pid is reused."""

    pid: int
    started: int

    def alive(self) -> bool:
        stat = _stat(self.pid)
        return stat is not None and stat[3] == self.started and stat[0] not in "ZX"


def _stat(pid: int) -> tuple[str, int, int, int] | None:
    """(state, parent pid, process group, start time) of `pid`, or None if it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    # The command name is in parentheses and may itself contain spaces or parentheses.
    fields = raw[raw.rindex(")") + 2 :].split()
    return fields[0], int(fields[1]), int(fields[2]), int(fields[19])


def _processes() -> Iterator[tuple[int, tuple[str, int, int, int]]]:
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            yield int(entry.name), stat


def children(pid: int) -> list[Proc]:
    return [
        Proc(child, stat[3])
        for child, stat in _processes()
        if stat[1] == pid and stat[0] not in "ZX"
    ]


def process_group(pgid: int) -> list[Proc]:
    return [
        Proc(member, stat[3])
        for member, stat in _processes()
        if stat[2] == pgid and stat[0] not in "ZX"
    ]


@dataclass
class Server:
    """One `ask-team serve`: the gunicorn master, leader of its own process group."""

    process: subprocess.Popen[bytes]
    master: Proc
    url: str
    log: Path

    def workers(self) -> list[Proc]:
        return children(self.master.pid)

    def output(self) -> str:
        return self.log.read_text(errors="replace")


class Servers:
    """Starts `ask-team serve` as operators do, one at a time on one port; kills whatever is
    left at teardown, so no worker outlives its test."""

    def __init__(self, tmp_path: Path, fake: FakeSlack) -> None:
        self.tmp_path = tmp_path
        self.fake = fake
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.started: list[Server] = []

    def env(self, backend: Backend, log_level: str = "INFO", **extra: str) -> dict[str, str]:
        settings = {
            "DATABASE_URL": backend.url,
            "PORT": str(self.port),
            "WEB_CONCURRENCY": str(WORKERS),
            "SCHEDULER": "off",
            "LOG_LEVEL": log_level,
            "PYTHONPATH": str(REPO_ROOT),
        }
        return cli_env(self.tmp_path, self.fake, **{**settings, **extra})

    def migrate(self, backend: Backend) -> None:
        """`ask-team migrate`, the release step, before any `serve`."""
        result = subprocess.run(
            [sys.executable, "-m", "bot", "migrate"],
            env=self.env(backend),
            cwd=self.tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stdout + result.stderr

    def start(self, backend: Backend, log_level: str = "INFO", **extra: str) -> Server:
        """Start serving and return once /healthz answers and every worker is up."""
        log = self.tmp_path / f"serve-{len(self.started) + 1}.log"
        with log.open("wb") as output:
            # Its own session and process group: one killpg reaches master and workers.
            process = subprocess.Popen(
                [sys.executable, "-m", "bot", "serve"],
                env=self.env(backend, log_level, **extra),
                cwd=self.tmp_path,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        stat = _stat(process.pid)
        master = Proc(process.pid, stat[3] if stat else 0)
        server = Server(process, master, self.url, log)
        self.started.append(server)
        deadline = time.monotonic() + 45
        while not (self._healthy() and len(server.workers()) == WORKERS):
            if process.poll() is not None or time.monotonic() > deadline:
                self.kill(server)
                raise AssertionError(f"ask-team serve did not start:\n{server.output()[-3000:]}")
            time.sleep(0.1)
        return server

    def kill(self, server: Server) -> None:
        """SIGKILL the master and every worker at once, as the OOM killer or a lost host
        would, and wait until none of them is left."""
        group = server.master.pid
        doomed = [server.master, *server.workers(), *process_group(group)]
        # The group id stays ours while the master is unreaped or any member lives; only
        # then may it be signalled (a free id could be reused by someone else's process).
        if server.process.poll() is None or process_group(group):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)
        for proc in doomed:
            # A worker that left the group would survive killpg; name it, by pid and start.
            if proc.alive():
                with contextlib.suppress(ProcessLookupError):
                    os.kill(proc.pid, signal.SIGKILL)
        server.process.wait(timeout=15)
        self._wait_gone(server, doomed)

    def stop(self, server: Server) -> None:
        """Stop cleanly (SIGTERM: gunicorn finishes the requests in flight, then exits)."""
        doomed = [server.master, *server.workers()]
        server.process.terminate()
        try:
            server.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill(server)
            raise AssertionError("ask-team serve did not stop on SIGTERM") from None
        self._wait_gone(server, doomed)

    def close(self) -> None:
        for server in self.started:
            if server.process.poll() is None or process_group(server.master.pid):
                self.kill(server)

    def _wait_gone(self, server: Server, doomed: list[Proc]) -> None:
        deadline = time.monotonic() + 15
        while left := [p for p in doomed if p.alive()] + process_group(server.master.pid):
            assert time.monotonic() < deadline, f"processes outlived their server: {left}"
            time.sleep(0.05)

    def _healthy(self) -> bool:
        try:
            return request("GET", self.url + "/healthz").status == 200
        except OSError:
            return False


# -- Slack's side ----------------------------------------------------------------------------------


def slack_for(servers: Servers, fake: FakeSlack) -> SlackDriver:
    return SlackDriver(servers.url + "/slack/events", SIGNING_SECRET, fake.base_url + "/response")


def log_answers_modal(slack: SlackDriver, fake: FakeSlack) -> dict[str, Any]:
    """The Log answers modal as the app asked Slack to open it, for a heartbeat question."""
    card = slack.command("heartbeat")
    assert card.status == 200, card.body
    assert press(slack, card.json, "Log answers").status == 200
    (call,) = fake.wait_for("views.open", timeout=15)
    view: dict[str, Any] = call.params["view"]
    return view


def save(slack: SlackDriver, view: dict[str, Any], answer: str, phase: str) -> Outcome:
    response = slack.submit(view, log_values(answer))
    return Outcome(answer, phase, response.status, response.body)
