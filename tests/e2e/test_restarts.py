"""Restarts as operators meet them: `ask-team serve` under gunicorn on a database that already
exists (migrated by the release step, with answers in it), killed with SIGKILL, master and
workers, in the middle of a stream of Log answers, and started again on the same database.

Whatever the app acknowledged must be stored, the SQLite file must stay sound, the master must
hold no connection its workers could inherit, and nothing a team said may reach the logs.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import psycopg
import pytest

from bot.playground.answer_form import answer_values
from bot.playground.fake_slack import FakeSlack
from bot.playground.slack_driver import Response, User, log_values
from tests.support.blocks import button
from tests.support.harness import BACKENDS
from tests.support.load import LogAnswersLoad, Outcome
from tests.support.paths import REPO_ROOT
from tests.support.servers import (
    WORKERS,
    Backend,
    Servers,
    log_answers_modal,
    process_group,
    save,
    slack_for,
    throwaway_postgres,
)
from tests.support.team import CHANNEL

ROUNDS = 3
LOAD_THREADS = 6
# Enough acknowledged saves per round that both workers are busy writing when the kill lands.
SAVES_PER_ROUND = 40
NOT_SAVED = "Could not save just now"
# What SQLite says when the files under it changed behind its back.
CORRUPTION_SIGNS = ("malformed", "not a database", "disk I/O error", "database is locked")


# -- the database, as an operator has it ------------------------------------------------------


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "sqlite":
        path = tmp_path / "ask_team.db"
        yield Backend("sqlite", f"sqlite:///{path}", path)
        return
    with throwaway_postgres("restarts") as database:
        yield database


# -- processes ---------------------------------------------------------------------------------


def holdings(pid: int) -> list[str]:
    """Every descriptor `pid` holds, as /proc links it; a TCP socket with its remote end."""
    remote = _tcp_remote_ends()
    held = []
    with contextlib.suppress(FileNotFoundError):
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except FileNotFoundError:
                continue  # closed while we looked
            held.append(f"{target} -> {remote[target]}" if target in remote else target)
    return held


def _tcp_remote_ends() -> dict[str, str]:
    """`socket:[inode]` to the remote end (hex `address:port`) of every TCP socket here."""
    found = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(FileNotFoundError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                found[f"socket:[{fields[9]}]"] = fields[2]
    return found


def of_the_database(backend: Backend, held: list[str]) -> list[str]:
    """The database among `held`: files beside the SQLite path (the database, its -wal, -shm
    and write lock), or TCP connections to the PostgreSQL port."""
    if backend.sqlite_path is not None:
        return [target for target in held if target.startswith(str(backend.sqlite_path))]
    port = f":{backend.postgres_port:04X}"
    return [target for target in held if target.startswith("socket:") and target.endswith(port)]


# Loaded by every Python process started with this directory on PYTHONPATH: records, just
# before each fork, what the forking process holds (the same format as `holdings`).
FORK_PROBE = """
import json
import os


def _holdings():
    remote = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as lines:
                for line in list(lines)[1:]:
                    fields = line.split()
                    remote["socket:[" + fields[9] + "]"] = fields[2]
        except OSError:
            pass
    held = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink("/proc/self/fd/" + fd)
        except OSError:
            continue
        held.append(target + " -> " + remote[target] if target in remote else target)
    return held


def _before_fork():
    held = _holdings()
    with open(os.environ["FORK_PROBE_LOG"], "a") as log:
        log.write(json.dumps({"pid": os.getpid(), "held": held}) + "\\n")


if os.environ.get("FORK_PROBE_LOG"):
    os.register_at_fork(before=_before_fork)
"""


@pytest.fixture
def fake(fake_slack: FakeSlack) -> Iterator[FakeSlack]:
    fake_slack.reset()
    yield fake_slack
    fake_slack.validate = True
    assert not fake_slack.problems, "Slack would reject what we sent:\n" + "\n".join(
        fake_slack.problems[:20]
    )


@pytest.fixture
def servers(tmp_path: Path, fake: FakeSlack) -> Iterator[Servers]:
    started = Servers(tmp_path, fake)
    try:
        yield started
    finally:
        started.close()


# -- Slack's side ------------------------------------------------------------------------------


def account(outcomes: list[Outcome], stored: set[str], logs: list[Path]) -> str:
    """What happened, phase by phase, and what the server logs say went wrong."""
    lines = []
    for phase in dict.fromkeys(outcome.phase for outcome in outcomes):
        mine = [outcome for outcome in outcomes if outcome.phase == phase]
        acknowledged = [outcome for outcome in mine if outcome.acknowledged]
        lines.append(
            f"{phase}: {len(mine)} submitted, {len(acknowledged)} acknowledged, "
            f"{sum(o.answer in stored for o in acknowledged)} of those stored; "
            f"{sum(NOT_SAVED.encode() in o.body for o in mine)} 'Could not save', "
            f"{sum(o.status is None for o in mine)} unanswered"
        )
    signs: Counter[str] = Counter()
    for log in logs:
        text = log.read_text(errors="replace")
        signs.update({sign: text.count(sign) for sign in CORRUPTION_SIGNS if sign in text})
    lines.append(f"in the server logs: {dict(signs) or 'no sign of corruption'}")
    return "\n".join(lines)


def excerpt(text: str, found: str, around: int = 160) -> str:
    """The line of `text` where `found` first occurs, cut to `around` characters each side."""
    at = text.index(found)
    start = max(text.rfind("\n", 0, at) + 1, at - around)
    end = text.find("\n", at)
    return text[start : min(end if end >= 0 else len(text), at + len(found) + around)]


# -- the specification -------------------------------------------------------------------------


def test_every_acknowledged_answer_survives_sigkill_and_restart(
    backend: Backend, servers: Servers, fake: FakeSlack
) -> None:
    marker = f"restarts-{uuid.uuid4().hex[:10]}"
    outcomes: list[Outcome] = []

    # The documented path: `ask-team migrate`, then `ask-team serve`, on a database that
    # users have already logged answers in (a brand-new file hides the bug).
    servers.migrate(backend)
    first = servers.start(backend)
    slack = slack_for(servers, fake)
    view = log_answers_modal(slack, fake)
    outcomes += [save(slack, view, f"{marker} before n{n}", "first run") for n in range(5)]
    servers.stop(first)

    # Validating thousands of DMs in the test process would slow the load, not the app.
    fake.validate = False
    load = LogAnswersLoad(slack, view, marker=marker, threads=LOAD_THREADS, max_seconds=150)
    stalled = []
    try:
        for round_number in range(1, ROUNDS + 1):
            load.phase = f"run {round_number}, killed"
            server = servers.start(backend)
            if round_number == 1:
                # From here on Slack keeps sending, through every kill and restart.
                load.start()
            wanted = len(load.acknowledged()) + SAVES_PER_ROUND
            if not load.wait_for_acknowledged(wanted, timeout=20):
                stalled.append(load.phase)
            # Mid-load: both workers have requests in flight when the whole group dies.
            servers.kill(server)
        load.phase = "after the restarts"
        last = servers.start(backend)
        if not load.wait_for_acknowledged(len(load.acknowledged()) + SAVES_PER_ROUND, 20):
            stalled.append(load.phase)
    finally:
        load.stop()
    outcomes += load.outcomes
    # Once the load is gone, one leader saving one answer at a time: every save must work.
    outcomes += [save(slack, view, f"{marker} calm n{n}", "calm") for n in range(5)]
    servers.stop(last)

    # Every process is gone: what is on disk now is what the next start will see.
    assert not process_group(last.master.pid)
    integrity = backend.integrity()
    try:
        stored = backend.stored_answers(marker)
    except sqlite3.DatabaseError as error:
        pytest.fail(f"the database cannot be read after the restarts: {error}")
    acknowledged = [outcome.answer for outcome in outcomes if outcome.acknowledged]
    lost = [answer for answer in acknowledged if answer not in stored]
    story = account(outcomes, stored, [server.log for server in servers.started])

    assert not lost, f"{len(acknowledged)} acknowledged, {len(lost)} of them lost:\n{story}"
    assert integrity == "ok", f"integrity_check: {integrity}\n{story}"
    assert not stalled, f"saving stalled in {stalled}:\n{story}"
    assert all(o.acknowledged for o in outcomes if o.phase in ("first run", "calm")), story
    # Anything stored that was not acknowledged was in flight when the kill came: it may be
    # kept or lost, but it can only be one of ours.
    assert stored <= {outcome.answer for outcome in outcomes}
    print(f"\n{backend.name}: {len(acknowledged)} acknowledged, all stored\n{story}")  # -s


def test_no_database_connection_crosses_a_fork(
    backend: Backend, servers: Servers, fake: FakeSlack, tmp_path: Path
) -> None:
    """gunicorn forks its workers from the master (again whenever one dies): a SQLite file
    or PostgreSQL socket the master holds open at that moment is shared with every worker.
    Closing it in any of them can delete the WAL the others are writing to."""
    probe = tmp_path / "fork-probe"
    probe.mkdir()
    (probe / "sitecustomize.py").write_text(FORK_PROBE)
    forks_log = tmp_path / "forks.jsonl"
    servers.migrate(backend)
    server = servers.start(
        backend,
        PYTHONPATH=f"{probe}{os.pathsep}{REPO_ROOT}",
        FORK_PROBE_LOG=str(forks_log),
    )
    slack = slack_for(servers, fake)
    view = log_answers_modal(slack, fake)
    saved = [save(slack, view, f"fork check n{n}", "served") for n in range(4)]
    # A worker that dies is replaced by a fork of the master as it is now, mid-service.
    replaced = server.workers()[0]
    os.kill(replaced.pid, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while replaced.alive() or len(server.workers()) < WORKERS:
        assert time.monotonic() < deadline, "gunicorn did not replace the killed worker"
        time.sleep(0.05)
    saved += [save(slack, view, f"fork check n{n}", "served") for n in range(4, 8)]

    forks = [json.loads(line) for line in forks_log.read_text().splitlines()]
    held_at_fork = [
        target
        for fork in forks
        if fork["pid"] == server.master.pid
        for target in of_the_database(backend, fork["held"])
    ]
    serving = [server.master, *server.workers()]
    held_now = {proc.pid: of_the_database(backend, holdings(proc.pid)) for proc in serving}
    deleted = [target for held in held_now.values() for target in held if "(deleted)" in target]

    assert len([fork for fork in forks if fork["pid"] == server.master.pid]) >= WORKERS + 1
    assert held_at_fork == [], "the master held these when it forked its workers"
    assert deleted == [], "a database file was deleted under the running server"
    assert held_now[server.master.pid] == [], "the master holds a connection while serving"
    assert all(outcome.acknowledged for outcome in saved), saved
    # The check looks at the right files: a worker that saved holds a connection of its own.
    assert any(held_now[proc.pid] for proc in server.workers()), held_now


def test_nothing_a_team_said_reaches_the_logs_of_any_request(
    backend: Backend, servers: Servers, fake: FakeSlack
) -> None:
    """At LOG_LEVEL=DEBUG too: each request carries a text used nowhere else; no line that
    the served processes wrote may contain it."""
    servers.migrate(backend)
    server = servers.start(backend, log_level="DEBUG")
    slack = slack_for(servers, fake)
    view = log_answers_modal(slack, fake)
    secrets: dict[str, str] = {}

    def said(case: str) -> str:
        secrets[case] = f"said-in-confidence-{uuid.uuid4().hex}"
        return f"Between us: {secrets[case]}"

    def submission(answer: str, metadata: str | None = None) -> bytes:
        payload = {
            "type": "view_submission",
            "team": {"id": "T0TEAM"},
            "user": User().payload(),
            "view": {
                **view,
                "private_metadata": view["private_metadata"] if metadata is None else metadata,
                "state": {"values": log_values(answer)},
            },
        }
        return urlencode({"payload": json.dumps(payload)}).encode()

    forged = slack.post(submission(said("forged signature")), signature="v0=" + "0" * 64)
    stale = slack.post(submission(said("stale timestamp")), timestamp=int(time.time()) - 3600)
    truncated = slack.post(submission(said("malformed payload"))[:-40])
    tampered = [
        slack.submit({**view, "private_metadata": metadata}, log_values(said(case)))
        for case, metadata in [
            ("unknown question", '{"q": "no-such-question"}'),
            ("an entry not theirs", '{"e": 999999999}'),
            ("not json", "not json"),
        ]
    ]
    with backend.entries_refused():
        refused = slack.submit(view, log_values(said("database refused the insert")))
    # A save that works sends the answer on to Slack (confirmation DM, Home): not to the logs.
    saved = slack.submit(view, log_values(said("saved and confirmed by DM")))
    fake.wait_for("chat.postMessage")
    time.sleep(0.5)  # the Home refresh follows the DM
    servers.stop(server)
    output = server.output()

    leaked = {case: excerpt(output, secret) for case, secret in secrets.items() if secret in output}
    assert not leaked, "logged what the team said:\n" + "\n".join(
        f"{case}: ...{where}..." for case, where in leaked.items()
    )
    # ...and each request did take the failing path it stands for, logged at DEBUG.
    assert (forged.status, stale.status) == (401, 401)
    assert 400 <= truncated.status < 500, truncated.body
    assert all(response.json["response_action"] == "errors" for response in tampered)
    assert NOT_SAVED in refused.text, f"the refused insert was answered {refused.body!r}"
    assert saved.status == 200
    assert not saved.body, saved.body
    assert "a form failed" in output, "the failure reached the logs (once, by the error policy)"
    assert " DEBUG " in output


# -- the team's own answers --------------------------------------------------------------------

# Each submission is a new person: every thread answers as a stream of different people.
PEOPLE_PER_ROUND = 40


class TeamAnswersLoad(LogAnswersLoad):
    """Team members answering the question in `view`, each once, each with their own words."""

    def submit(self, number: int, sequence: int, answer: str) -> Response:
        member = User(f"U0MEMBER{number}X{sequence}", "T0TEAM", "member")
        return self.slack.submit(self.view, answer_values(answer), member)


def stored_team_answers(backend: Backend, marker: str) -> list[str]:
    query = "SELECT text FROM team_answers WHERE text LIKE "
    if backend.sqlite_path is not None:
        with contextlib.closing(sqlite3.connect(backend.sqlite_path)) as connection:
            rows = connection.execute(query + "?", (f"{marker}%",)).fetchall()
    else:
        with psycopg.connect(backend.url) as connection:
            rows = connection.execute(query + "%s", (f"{marker}%",)).fetchall()
    return [str(row[0]) for row in rows]


def test_every_acknowledged_team_answer_survives_sigkill_and_restart(
    backend: Backend, servers: Servers, fake: FakeSlack
) -> None:
    marker = f"team-{uuid.uuid4().hex[:10]}"
    servers.migrate(backend)
    server = servers.start(backend)
    slack = slack_for(servers, fake)
    assert slack.command(f"ask <#{CHANNEL}|team> What should we stop doing?").status == 200
    (post,) = fake.wait_for("chat.postMessage", timeout=15)
    pressed = button(post, "Answer")
    view = {
        "callback_id": "team_answer",
        "private_metadata": f'{{"a":{int(pressed["value"])},"c":"{CHANNEL}"}}',
        "blocks": [],
    }
    fake.validate = False
    load = TeamAnswersLoad(slack, view, marker=marker, threads=6, max_seconds=120)
    load.phase = "killed mid-load"
    load.start()
    try:
        stalled = not load.wait_for_acknowledged(PEOPLE_PER_ROUND, timeout=30)
        servers.kill(server)
        load.phase = "after the restart"
        last = servers.start(backend)
        wanted = len(load.acknowledged()) + PEOPLE_PER_ROUND
        stalled = stalled or not load.wait_for_acknowledged(wanted, timeout=30)
    finally:
        load.stop()
    servers.stop(last)

    stored = stored_team_answers(backend, marker)
    acknowledged = [outcome.answer for outcome in load.acknowledged()]
    story = account(load.outcomes, set(stored), [started.log for started in servers.started])
    lost = [answer for answer in acknowledged if answer not in stored]
    assert not lost, f"{len(lost)} of {len(acknowledged)} acknowledged answers lost:\n{story}"
    assert len(stored) == len(set(stored)), "an answer was stored twice"
    assert not stalled, story
    assert backend.integrity() == "ok"
