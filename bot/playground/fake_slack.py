"""A stand-in for Slack's Web API and response_url endpoints, served on loopback.

It records every call, answers like Slack does, and validates every `blocks` and `view`
it receives with slack_sdk.models, so a test fails if we ever send Block Kit Slack rejects.
"""

from __future__ import annotations

import hmac
import json
import math
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from bot.playground.block_kit_checks import VIEW_METHODS, block_kit_problems
from bot.playground.slack_http import (
    SLACK_PATHS,
    PageHandler,
    door_refusal,
    handler_class,
    read_body,
    read_call,
    send_reply,
)
from bot.playground.slack_limits import SlackLimits
from bot.playground.web_api import (
    Answer,
    Call,
    Observer,
    Responder,
    default_answer,
    error_answer,
)

# Tests, benches and the playground import these from here, where they always were.
__all__ = [
    "Call",
    "FakeSlack",
    "SlackLimits",
    "block_kit_problems",
    "default_answer",
    "serve_forever",
]


class FakeSlack:
    """Records calls; answers like Slack; `respond_with` overrides a method's answer.

    The tests and the playground share it: the playground answers with its workspace's
    conversations and modals (`respond_with`), and serves its page through `pages`.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        pages: PageHandler | None = None,
        own_origin_only: bool = False,
        require_token: str | None = None,
    ) -> None:
        self._lock = threading.Condition()
        self.observers: list[Observer] = []
        self.pages = pages
        # Served to a browser (the playground), any site the visitor has open can send it
        # requests: it then answers only at its own address, to its own page.
        self.own_origin_only = own_origin_only
        # When set, the Web API answers only calls bearing this token (the playground's bot);
        # the tests' stand-in takes any bot token, as their workspaces each have their own.
        self.require_token = require_token
        # The playground runs for hours: it keeps its own state, not every call forever.
        self.record = True
        # Set by FakeOAuth: Slack's error for a call with a token it does not know, or None.
        self.token_check: Callable[[str], str | None] | None = None
        # Slack's rate limits on chat.postMessage, when a test or bench sets them.
        self.limits: SlackLimits | None = None
        self.calls: list[Call] = []
        self.problems: list[str] = []
        self._responders: dict[str, Responder] = {}
        self.latency_seconds = 0.0
        # Benchmarks may turn validation off, so the stand-in does not set the pace.
        self.validate = True
        self._server = ThreadingHTTPServer((host, port), handler_class(self._handle))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def base_url(self) -> str:
        """Where it listens: `http://host:port`."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def api_url(self) -> str:
        """The Web API's base URL, for a Slack client."""
        return f"{self.base_url}/api/"

    def response_url(self, name: str = "r") -> str:
        """A response_url that this stand-in answers, recorded as a "response_url" call."""
        return f"{self.base_url}/response/{name}"

    def reset(self) -> None:
        """Forget calls, problems, overridden answers and latency: as new, still serving."""
        with self._lock:
            self.calls.clear()
            self.problems.clear()
            self._responders.clear()
            self.latency_seconds = 0.0

    def forget_calls(self) -> None:
        """Forget the calls recorded so far (problems are kept, and still fail the test)."""
        with self._lock:
            self.calls.clear()

    def close(self) -> None:
        """Stop serving and free the port."""
        self._server.shutdown()
        self._server.server_close()

    def respond_with(self, method: str, responder: Responder) -> None:
        """Answer `method` with `responder(call) -> (status, body, headers)` from now on."""
        self._responders[method] = responder

    def calls_to(self, method: str) -> list[Call]:
        """The calls to `method` recorded so far."""
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Block until `count` calls to `method` arrived (lazy listeners send after the ack)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [call for call in self.calls if call.method == method]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = sorted({call.method for call in self.calls})
                    raise AssertionError(
                        f"expected {count} call(s) to {method}, got {len(found)}; saw {seen}"
                    )
                self._lock.wait(remaining)

    # -- serving ---------------------------------------------------------------------------

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        if self.own_origin_only and (refusal := door_refusal(request)) is not None:
            # The body is left unread: the connection cannot serve another request.
            request.close_connection = True
            status, reason = refusal
            send_reply(request, status, reason.encode(), "text/plain; charset=utf-8")
            return
        parts = urlsplit(request.path)
        if parts.path == "/_stats":
            self._stats(request)
            return
        if not parts.path.startswith(SLACK_PATHS):
            if self.pages is None or not self.pages(request, request.command):
                request.send_error(404)
            return
        raw = read_body(request)
        if raw is None:
            # The sender died mid-request (a test killed it): Slack would never see this call.
            request.close_connection = True
            return
        if parts.path.startswith("/api/") and not self._bears_required_token(request):
            send_reply(request, 200, json.dumps({"ok": False, "error": "invalid_auth"}).encode())
            return
        call = read_call(request, parts, raw)
        status, body, headers = self._answer(call)
        payload = (json.dumps(body) if call.method != "response_url" or body else "ok").encode()
        send_reply(request, status, payload, headers=headers)

    def _answer(self, call: Call) -> Answer:
        """Check the call, answer it as Slack would, and record both."""
        # Slack counts a call against its limits when it arrives, not when this stand-in has
        # slept its latency and its thread got the processor back.
        arrived = time.monotonic()
        problems = (
            block_kit_problems(call.params, is_message=call.method not in VIEW_METHODS)
            if self.validate
            else []
        )
        token_problem, refused = self._check_token(call)
        problems.extend(token_problem)
        if self.latency_seconds:
            time.sleep(self.latency_seconds)
        status, body, headers = self._choose_answer(call, problems, refused, arrived)
        call.status = status
        for observe in self.observers:
            observe(call, body)
        with self._lock:
            if self.record:
                self.calls.append(call)
            self.problems.extend(f"{call.method}: {problem}" for problem in problems)
            self._lock.notify_all()
        return status, body, headers

    def _check_token(self, call: Call) -> tuple[list[str], str | None]:
        """A problem if the call bears the wrong kind of token; Slack's refusal of it, if any."""
        if not call.path.startswith("/api/") or call.method == "oauth.v2.access":
            return [], None
        # Socket Mode opens its connection with the app-level token; oauth.v2.access the app's
        # credentials; all else a bot token (rotating ones start xoxe.xoxb-).
        authorization = call.headers.get("Authorization", "")
        expected = ("xapp-",) if call.method == "apps.connections.open" else ("xoxb-", "xoxe.xoxb-")
        token = authorization.removeprefix("Bearer ")
        if not authorization.startswith("Bearer ") or not token.startswith(expected):
            return [f"{call.method} called without a {expected[0]} token"], None
        if self.token_check is not None and expected[0] != "xapp-":
            return [], self.token_check(token)
        return [], None

    def _choose_answer(
        self, call: Call, problems: list[str], refused: str | None, arrived: float
    ) -> Answer:
        if problems:
            return error_answer("invalid_blocks")
        if refused is not None and call.method != "auth.test":
            return error_answer(refused)
        if (wait := self._over_limit(call, arrived)) is not None:
            headers = {"Retry-After": str(max(1, math.ceil(wait)))}
            return 429, {"ok": False, "error": "ratelimited"}, headers
        responder = self._responders.get(call.method)
        if responder is not None:
            return responder(call)
        return 200, default_answer(call), {}

    def _bears_required_token(self, request: BaseHTTPRequestHandler) -> bool:
        """Whether a Web API call carries the one token this stand-in answers, if it has one."""
        if self.require_token is None:
            return True
        expected = f"Bearer {self.require_token}".encode()
        given = (request.headers.get("Authorization") or "").encode()
        return hmac.compare_digest(given, expected)

    def _over_limit(self, call: Call, arrived: float) -> float | None:
        if self.limits is None or call.method != "chat.postMessage":
            return None
        authorization = call.headers.get("Authorization", "")
        with self._lock:
            return self.limits.retry_after(authorization, str(call.params.get("channel")), arrived)

    def _stats(self, request: BaseHTTPRequestHandler) -> None:
        """For benchmarks in another process: DMs received, per channel."""
        with self._lock:
            # A DM is told apart by its workspace's token as well as its channel: the same user
            # id in two workspaces is two people.
            channels = [
                f"{c.headers.get('Authorization')} {c.params.get('channel')}"
                for c in self.calls
                if c.method == "chat.postMessage" and c.status == 200
            ]
            problems = len(self.problems)
            refused = self.limits.refused if self.limits else 0
            last_dm = max(
                (c.at for c in self.calls if c.method == "chat.postMessage" and c.status == 200),
                default=None,
            )
        per_channel: dict[str, int] = {}
        for channel in channels:
            per_channel[str(channel)] = per_channel.get(str(channel), 0) + 1
        body = json.dumps(
            {
                "dms": len(channels),
                "channels": len(per_channel),
                "problems": problems,
                "refused_429": refused,
                "last_dm_monotonic": last_dm,
            }
        ).encode()
        send_reply(request, 200, body)


def serve_forever(
    latency_seconds: float, validate: bool, limits: SlackLimits | None = None
) -> None:
    """Run a fake Slack in this process until killed; print its base URL first."""
    fake = FakeSlack()
    fake.latency_seconds = latency_seconds
    fake.validate = validate
    fake.limits = limits
    print(fake.base_url, flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    import sys

    # python -m bot.playground.fake_slack [LATENCY] [--no-validate] [--limit PER_MINUTE BURST]
    limited = sys.argv.index("--limit") if "--limit" in sys.argv else None
    serve_forever(
        float(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1][0].isdigit() else 0.0,
        validate="--no-validate" not in sys.argv,
        limits=SlackLimits(float(sys.argv[limited + 1]), int(sys.argv[limited + 2]))
        if limited is not None
        else None,
    )
