"""Clients that trickle their bodies do not hold up Slack's requests or health checks."""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import select
import socket
import subprocess
import threading
import time
from collections.abc import Iterable, Iterator, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import pytest

from bot.app.server import WSGIFront
from bot.app.web import MAX_BODY_BYTES
from bot.playground.fake_slack import FakeSlack
from bot.playground.slack_driver import SlackDriver, request
from tests.support.cli import cli_env, start_ask_team, wait_until_serving
from tests.support.harness import SIGNING_SECRET

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

SLOW_CLIENTS = 50
TRICKLE_EVERY = 0.5
ARRIVAL_GAP = 0.02
# The bound: a slow client may not delay anyone else beyond this.
ANSWER_WITHIN = 1.0


@dataclass(frozen=True)
class Served:
    host: str
    port: int

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"


@pytest.fixture
def served(tmp_path: Path, fake_slack: FakeSlack) -> Iterator[Served]:
    """`ask-team serve` with the production shape: 2 workers x 4 request threads."""
    fake_slack.reset()
    env = cli_env(tmp_path, fake_slack, WEB_CONCURRENCY="2", WEB_THREADS="4")
    process = start_ask_team("serve", env=env, cwd=tmp_path)
    server = Served("127.0.0.1", int(env["PORT"]))
    try:
        wait_until_serving(process, server.url)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


TRICKLE_HEAD = (
    b"POST /slack/events HTTP/1.1\r\nHost: localhost\r\n"
    b"Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"
)
STALLED_HEAD = (
    b"POST /slack/events HTTP/1.1\r\nHost: localhost\r\n"
    b"Content-Length: 500\r\n\r\ncommand=%2Fask-team&te"
)


class SlowClients:
    """Connections that sent headers and the start of a body, and maybe a byte now and then."""

    def __init__(self, server: Served) -> None:
        self.server = server
        self.sockets: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._trickle, daemon=True)

    def open(self, count: int, head: bytes) -> None:
        for _ in range(count):
            connection = socket.create_connection((self.server.host, self.server.port), timeout=5)
            self.sockets.append(connection)
            connection.sendall(head)
            # As clients arrive, not in one burst: a burst can land on one worker and leave
            # the other's threads free, which would hide the problem half of the time.
            time.sleep(ARRIVAL_GAP)

    def start_trickle(self) -> None:
        """From now until `close`, one more body byte on each every TRICKLE_EVERY."""
        self._thread.start()

    def _trickle(self) -> None:
        while not self._stop.wait(TRICKLE_EVERY):
            for connection in self.sockets:
                with contextlib.suppress(OSError):
                    connection.send(b" ")

    def answered(self) -> int:
        """How many of them the server has answered or closed (readable means either)."""
        readable, _, _ = select.select(self.sockets, [], [], 0)
        return len(readable)

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        for connection in self.sockets:
            connection.close()


@pytest.fixture
def slow_clients(served: Served) -> Iterator[SlowClients]:
    clients = SlowClients(served)
    try:
        yield clients
    finally:
        clients.close()


def timed(
    server: Served, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
) -> tuple[int, bytes, float]:
    """Status, body and seconds taken; no answer within the bound is a failure."""
    began = time.monotonic()
    connection = http.client.HTTPConnection(server.host, server.port, timeout=ANSWER_WITHIN)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        answer = connection.getresponse()
        content = answer.read()
    except TimeoutError:
        pytest.fail(f"{method} {path}: no answer within {ANSWER_WITHIN} s")
    finally:
        connection.close()
    return answer.status, content, time.monotonic() - began


def signed_help(server: Served, fake_slack: FakeSlack) -> tuple[bytes, dict[str, str]]:
    slack = SlackDriver(server.url + "/slack/events", SIGNING_SECRET, fake_slack.base_url)
    body = urlencode(slack.command_form("help")).encode()
    stamp = str(int(time.time()))
    return body, {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": slack.sign(stamp, body),
    }


def test_fifty_trickling_clients_do_not_delay_a_command_or_a_health_check(
    served: Served, fake_slack: FakeSlack, slow_clients: SlowClients
) -> None:
    for _ in range(4):
        # Each worker's first answer pays for imports; that is not what is measured here.
        body, headers = signed_help(served, fake_slack)
        assert request("POST", served.url + "/slack/events", body, headers).status == 200
    slow_clients.open(SLOW_CLIENTS, TRICKLE_HEAD)
    slow_clients.start_trickle()
    # Give the server time to take in every slow connection and its first body bytes.
    time.sleep(2 * TRICKLE_EVERY)

    # A few of each, on fresh connections, so that every worker is asked.
    commands = [
        timed(served, "POST", "/slack/events", *signed_help(served, fake_slack)) for _ in range(3)
    ]
    checks = [timed(served, "GET", "/healthz") for _ in range(3)]

    for status, content, seconds in commands:
        assert status == 200, content
        assert b"/ask-team" in content
        assert seconds < ANSWER_WITHIN
    for status, content, seconds in checks:
        assert (status, content) == (200, b"ok")
        assert seconds < ANSWER_WITHIN
    # The slow clients were still connected and waiting, not turned away to make room.
    assert slow_clients.answered() == 0


def raw_exchange(server: Served, head: bytes) -> bytes:
    """Send `head` and read until the server closes the connection (or 10 s pass)."""
    with socket.create_connection((server.host, server.port), timeout=10) as connection:
        connection.sendall(head)
        received = b""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            chunk = connection.recv(65536)
            if not chunk:
                break
            received += chunk
        return received


def test_a_declared_body_over_the_limit_is_refused_before_it_is_sent(served: Served) -> None:
    head = (
        "POST /slack/events HTTP/1.1\r\nHost: localhost\r\n"
        f"Content-Type: application/json\r\nContent-Length: {MAX_BODY_BYTES + 1}\r\n\r\n"
    ).encode()

    answer = raw_exchange(served, head)

    assert answer.startswith(b"HTTP/1.1 413 ")


def test_clients_that_stop_mid_body_do_not_stop_the_others(
    served: Served, fake_slack: FakeSlack, slow_clients: SlowClients
) -> None:
    slow_clients.open(16, STALLED_HEAD)
    time.sleep(TRICKLE_EVERY)

    answers = [
        timed(served, "POST", "/slack/events", *signed_help(served, fake_slack)) for _ in range(3)
    ]

    for status, content, seconds in answers:
        assert status == 200, content
        assert seconds < ANSWER_WITHIN


# -- the ASGI front on its own, with a deadline short enough to wait out ------------------


def asgi_call(
    front: WSGIFront, scope: dict[str, Any], messages: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Run one request through `front`; after `messages`, the client goes quiet."""
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if messages:
            return messages.pop(0)
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(dict(message))

    asyncio.run(asyncio.wait_for(front(scope, receive, send), timeout=10))
    return sent


def http_scope(*headers: tuple[bytes, bytes], path: str = "/slack/events") -> dict[str, Any]:
    return {
        "type": "http",
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": list(headers),
        "server": ("127.0.0.1", 3000),
        "client": ("127.0.0.1", 50000),
    }


def recording_app(seen: list[WSGIEnvironment]) -> WSGIApplication:
    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        seen.append({**environ, "body": environ["wsgi.input"].read()})
        write = start_response("202 Accepted", [("X-Seen", "yes")])
        write(b"written ")
        return [b"returned"]

    return app


def test_a_body_that_stops_coming_is_answered_408_without_reaching_the_app() -> None:
    seen: list[WSGIEnvironment] = []
    front = WSGIFront(recording_app(seen), threads=1, body_deadline=0.2)

    sent = asgi_call(
        front,
        http_scope((b"content-length", b"500")),
        [{"type": "http.request", "body": b"command=", "more_body": True}],
    )

    assert sent[0]["status"] == 408
    assert (b"connection", b"close") in sent[0]["headers"]
    assert seen == []


def test_a_chunked_body_is_cut_off_at_the_limit() -> None:
    seen: list[WSGIEnvironment] = []
    front = WSGIFront(recording_app(seen), threads=1, max_body=10)
    pieces = [{"type": "http.request", "body": b"123456", "more_body": True} for _ in range(3)]

    sent = asgi_call(front, http_scope((b"transfer-encoding", b"chunked")), pieces)

    assert sent[0]["status"] == 413
    assert seen == []


def test_the_app_sees_a_pep_3333_environ_and_the_whole_body() -> None:
    seen: list[WSGIEnvironment] = []
    front = WSGIFront(recording_app(seen), threads=1)
    scope = http_scope(
        (b"content-type", b"application/x-www-form-urlencoded"),
        (b"transfer-encoding", b"chunked"),
        (b"x-slack-signature", b"v0=abc"),
        (b"accept", b"text/plain"),
        (b"accept", b"application/json"),
        path="/caf\u00e9 menu",
    )
    scope["raw_path"] = b"/caf%C3%A9%20menu"
    scope["query_string"] = b"a=1&b=%20"

    sent = asgi_call(
        front,
        scope,
        [
            {"type": "http.request", "body": b"command=", "more_body": True},
            {"type": "http.request", "body": b"%2Fask-team", "more_body": False},
        ],
    )

    (environ,) = seen
    assert environ["body"] == b"command=%2Fask-team"
    assert environ["REQUEST_METHOD"] == "POST"
    assert environ["PATH_INFO"] == "/caf\u00c3\u00a9 menu"  # UTF-8 bytes as latin-1 (PEP 3333)
    assert environ["QUERY_STRING"] == "a=1&b=%20"
    assert environ["CONTENT_TYPE"] == "application/x-www-form-urlencoded"
    assert environ["CONTENT_LENGTH"] == "19"
    assert "HTTP_CONTENT_TYPE" not in environ
    assert environ["HTTP_X_SLACK_SIGNATURE"] == "v0=abc"
    assert environ["HTTP_ACCEPT"] == "text/plain, application/json"
    assert (environ["SERVER_NAME"], environ["SERVER_PORT"]) == ("127.0.0.1", "3000")
    assert environ["REMOTE_ADDR"] == "127.0.0.1"
    assert environ["wsgi.url_scheme"] == "http"
    assert environ["wsgi.version"] == (1, 0)
    assert (environ["wsgi.multithread"], environ["wsgi.multiprocess"]) == (True, True)
    assert environ["wsgi.run_once"] is False
    assert sent[0]["status"] == 202
    assert (b"x-seen", b"yes") in sent[0]["headers"]
    assert sent[1]["body"] == b"written returned"


def test_lifespan_events_are_answered() -> None:
    front = WSGIFront(recording_app([]), threads=1)

    sent = asgi_call(
        front,
        {"type": "lifespan"},
        [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}],
    )

    assert [message["type"] for message in sent] == [
        "lifespan.startup.complete",
        "lifespan.shutdown.complete",
    ]
