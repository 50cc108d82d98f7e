"""Counts the transactions each HTTP request to the app opens, for the one-unit-of-work rule.

The count is per request thread: work the app hands to its after-ack sender (a call to Slack,
then what its answer changes) runs after the response, in the sender's threads, and is not
the request's.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from bot.store.database import Database

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

# The OAuth redirect is the one request that writes after a remote call: it sends Slack's
# code to oauth.v2.access, then keeps the install Slack answers with (and its installer as
# the first leader). The state is checked first, in its own transaction, so that its nonce is
# used up whatever Slack says; no transaction is held open across a call to Slack.
AFTER_A_REMOTE_CALL = {"/slack/oauth_redirect": 2}


@dataclass(frozen=True)
class Request:
    """One request the app answered: what it was, in Slack's words, and its transactions."""

    path: str
    what: str
    transactions: int

    @property
    def allowed(self) -> int:
        return AFTER_A_REMOTE_CALL.get(self.path, 1)


@dataclass
class TransactionCounter:
    """Wraps the app, counts the transactions `database` begins in each request's thread."""

    requests: list[Request] = field(default_factory=list)
    _local: threading.local = field(default_factory=threading.local)
    _stop: Callable[[], None] | None = None

    def watch(self, database: Database) -> None:
        self._stop = database.watch_transactions(self._on_begin)

    def unwatch(self) -> None:
        if self._stop is not None:
            self._stop()
            self._stop = None

    def wrap(self, app: WSGIApplication) -> WSGIApplication:
        def counted(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
            tee = _Tee(environ["wsgi.input"])
            environ["wsgi.input"] = tee
            self._local.count = 0
            try:
                return app(environ, start_response)
            finally:
                path = environ.get("PATH_INFO", "")
                what = _what(tee.read_so_far) if environ.get("REQUEST_METHOD") == "POST" else "GET"
                self.requests.append(Request(path, what, self._local.count))
                self._local.count = None

        return counted

    def since(self, mark: int) -> list[Request]:
        """The requests answered after the first `mark`."""
        return self.requests[mark:]

    def _on_begin(self) -> None:
        count = getattr(self._local, "count", None)
        if count is not None:
            self._local.count = count + 1


class _Tee:
    """The request body as the app reads it, kept to name the request; nothing read early."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self._read: list[bytes] = []

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self._read.append(data)
        return data

    def readline(self, size: int = -1) -> bytes:
        data = self._stream.readline(size)
        self._read.append(data)
        return data

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.readline, b"")

    @property
    def read_so_far(self) -> bytes:
        return b"".join(self._read)


def _what(body: bytes) -> str:
    """`/ask-team ask`, `block_actions ask_team_open`, …: what a person did, for the message."""
    try:
        form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
        if "command" in form:
            words = form.get("text", [""])[0].split()
            return f"{form['command'][0]} {words[0] if words else ''}".strip()
        payload: Any = json.loads(form["payload"][0]) if "payload" in form else json.loads(body)
        if not isinstance(payload, dict):
            return "a malformed body"
        actions = payload.get("actions")
        if isinstance(actions, list) and actions and isinstance(actions[0], dict):
            return f"{payload.get('type')} {actions[0].get('action_id')}"
        view = payload.get("view")
        if isinstance(view, dict):
            return f"{payload.get('type')} {view.get('callback_id')}"
        inner = payload.get("event")
        return f"event {inner.get('type')}" if isinstance(inner, dict) else str(payload.get("type"))
    except (ValueError, KeyError):
        return "a malformed body"


def assert_one_unit_of_work(requests: Iterable[Request]) -> None:
    """Each request opened at most one transaction (two for the OAuth redirect, see above)."""
    over = [r for r in requests if r.transactions > r.allowed]
    assert not over, "a request opened more than one transaction:\n" + "\n".join(
        f"  {r.what} ({r.path}): {r.transactions}" for r in over
    )
