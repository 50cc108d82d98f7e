"""A stand-in for Slack's Web API and response_url endpoints, served on loopback.

It records every call, answers like Slack does, and validates every `blocks` and `view`
it receives with slack_sdk.models, so a test fails if we ever send Block Kit Slack rejects.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MESSAGE_BLOCK_LIMIT = 50
SLACK_PATHS = ("/api/", "/response/", "/upload/")
VIEW_METHODS = frozenset({"views.open", "views.push", "views.update", "views.publish"})
MESSAGE_TEXT_LIMIT = 40_000

Responder = Callable[["Call"], tuple[int, dict[str, Any], dict[str, str]]]
# Sees each call and what was answered (the playground keeps its conversations this way).
Observer = Callable[["Call", dict[str, Any]], None]
# Serves a request outside Slack's own paths (the playground's page); False means not found.
PageHandler = Callable[[BaseHTTPRequestHandler, str], bool]


@dataclass
class Call:
    method: str  # a Web API method such as "chat.postMessage", or "response_url"
    params: dict[str, Any]
    path: str
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)
    # What the stand-in answered: 200, or 429 when over Slack's limits.
    status: int = 200


def block_kit_problems(params: dict[str, Any], *, is_message: bool) -> list[str]:
    """What Slack would reject in the blocks, view or text of one call."""
    problems: list[str] = []
    blocks = params.get("blocks")
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    if blocks is not None:
        if is_message and len(blocks) > MESSAGE_BLOCK_LIMIT:
            problems.append(f"{len(blocks)} blocks in a message (limit {MESSAGE_BLOCK_LIMIT})")
        for block in blocks:
            problems.extend(_block_problems(block))
    view = params.get("view")
    if isinstance(view, str):
        view = json.loads(view)
    if view is not None:
        try:
            View(**view).validate_json()
            for block in view.get("blocks", []):
                problems.extend(_block_problems(block))
        except Exception as error:
            problems.append(f"invalid view: {error}")
    text = params.get("text")
    if isinstance(text, str) and len(text) > MESSAGE_TEXT_LIMIT:
        problems.append(f"text of {len(text)} characters")
    return problems


def _block_problems(block: dict[str, Any]) -> list[str]:
    try:
        parsed = Block.parse(block)
        if parsed is None:
            return [f"unknown block {block!r:.200}"]
        parsed.validate_json()
        # Serialising runs the element-level validators too.
        parsed.to_dict()
    except Exception as error:
        return [f"invalid block {block.get('type')}: {error}"]
    return []


@dataclass
class SlackLimits:
    """chat.postMessage's limits as Slack applies them: about one message per second per
    channel, and a workspace's budget (here, per token): `per_minute` on average with bursts
    of up to `burst`. Slack publishes no workspace number; these are parameters."""

    per_minute: float
    burst: int = 10
    per_channel_per_second: float = 1.0
    refused: int = 0
    accepted: int = 0
    _budgets: dict[str, tuple[float, float]] = field(default_factory=dict)
    _channel_last: dict[tuple[str, str], float] = field(default_factory=dict)

    def retry_after(self, token: str, channel: str, now: float) -> float | None:
        """Seconds to wait if this message is over a limit (and it is refused), else None."""
        left, then = self._budgets.get(token, (float(self.burst), now))
        left = min(float(self.burst), left + (now - then) * self.per_minute / 60)
        waits = []
        if left < 1:
            waits.append((1 - left) * 60 / self.per_minute)
        last = self._channel_last.get((token, channel))
        gap = 1 / self.per_channel_per_second
        if last is not None and now - last < gap:
            waits.append(last + gap - now)
        if waits:
            self._budgets[token] = (left, now)
            self.refused += 1
            return max(waits)
        self._budgets[token] = (left - 1, now)
        self._channel_last[(token, channel)] = now
        self.accepted += 1
        return None


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
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                fake._handle(self)

            def handle_one_request(self) -> None:
                try:
                    super().handle_one_request()
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

            def do_GET(self) -> None:
                fake._handle(self)

            def do_HEAD(self) -> None:
                fake._handle(self)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer((host, port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    def response_url(self, name: str = "r") -> str:
        return f"{self.base_url}/response/{name}"

    def reset(self) -> None:
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
        self._server.shutdown()
        self._server.server_close()

    def respond_with(self, method: str, responder: Responder) -> None:
        """Answer `method` with `responder(call) -> (status, body, headers)` from now on."""
        self._responders[method] = responder

    def calls_to(self, method: str) -> list[Call]:
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
            _reply(request, status, reason.encode(), "text/plain; charset=utf-8")
            return
        parts = urlsplit(request.path)
        if parts.path == "/_stats":
            self._stats(request)
            return
        if not parts.path.startswith(SLACK_PATHS):
            if self.pages is None or not self.pages(request, request.command):
                request.send_error(404)
            return
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length) if length else b""
        if len(raw) < length:
            # The sender died mid-request (a test killed it): Slack would never see this call.
            request.close_connection = True
            return
        if parts.path.startswith("/api/") and not self._bears_required_token(request):
            _reply(request, 200, json.dumps({"ok": False, "error": "invalid_auth"}).encode())
            return
        content_type = request.headers.get("Content-Type", "")
        params: dict[str, Any] = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        if raw and not parts.path.startswith("/upload/"):
            if "json" in content_type:
                params.update(json.loads(raw))
            else:
                params.update({k: v[-1] for k, v in parse_qs(raw.decode()).items()})
        if parts.path.startswith("/upload/"):
            # files_upload_v2 step 2: the file's bytes, raw, to the URL step 1 handed out.
            try:
                content: str | None = raw.decode("utf-8")
            except UnicodeDecodeError:
                content = None
            method, params = "file_upload", {"content": content, "raw": raw, "file": parts.path}
        elif parts.path.startswith("/api/"):
            method = parts.path.removeprefix("/api/")
        else:
            method = "response_url"
        call = Call(method=method, params=params, path=parts.path, headers=dict(request.headers))
        problems = (
            block_kit_problems(params, is_message=method not in VIEW_METHODS)
            if self.validate
            else []
        )
        # Socket Mode opens its connection with the app-level token; oauth.v2.access the app's
        # credentials; all else a bot token (rotating ones start xoxe.xoxb-).
        authorization = call.headers.get("Authorization", "")
        refused: str | None = None
        if parts.path.startswith("/api/") and method != "oauth.v2.access":
            expected = ("xapp-",) if method == "apps.connections.open" else ("xoxb-", "xoxe.xoxb-")
            token = authorization.removeprefix("Bearer ")
            if not authorization.startswith("Bearer ") or not token.startswith(expected):
                problems.append(f"{method} called without a {expected[0]} token")
            elif self.token_check is not None and expected[0] != "xapp-":
                refused = self.token_check(token)
        if self.latency_seconds:
            time.sleep(self.latency_seconds)
        responder = self._responders.get(method)
        headers: dict[str, str]
        if problems:
            status, body, headers = 200, {"ok": False, "error": "invalid_blocks"}, {}
        elif refused is not None and method != "auth.test":
            status, body, headers = 200, {"ok": False, "error": refused}, {}
        elif (wait := self._over_limit(method, authorization, params)) is not None:
            status = 429
            body = {"ok": False, "error": "ratelimited"}
            headers = {"Retry-After": str(max(1, math.ceil(wait)))}
        elif responder is not None:
            status, body, headers = responder(call)
        else:
            status, body, headers = 200, default_answer(call), {}
        call.status = status
        for observe in self.observers:
            observe(call, body)
        with self._lock:
            if self.record:
                self.calls.append(call)
            self.problems.extend(f"{method}: {problem}" for problem in problems)
            self._lock.notify_all()
        payload = (json.dumps(body) if method != "response_url" or body else "ok").encode()
        _reply(request, status, payload, headers=headers)

    def _bears_required_token(self, request: BaseHTTPRequestHandler) -> bool:
        """Whether a Web API call carries the one token this stand-in answers, if it has one."""
        if self.require_token is None:
            return True
        expected = f"Bearer {self.require_token}".encode()
        given = (request.headers.get("Authorization") or "").encode()
        return hmac.compare_digest(given, expected)

    def _over_limit(self, method: str, authorization: str, params: dict[str, Any]) -> float | None:
        if self.limits is None or method != "chat.postMessage":
            return None
        with self._lock:
            return self.limits.retry_after(
                authorization, str(params.get("channel")), time.monotonic()
            )

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
        _reply(request, 200, body)


def _reply(
    request: BaseHTTPRequestHandler,
    status: int,
    payload: bytes,
    content_type: str = "application/json; charset=utf-8",
    headers: dict[str, str] | None = None,
) -> None:
    request.send_response(status)
    request.send_header("Content-Type", content_type)
    request.send_header("Content-Length", str(len(payload)))
    for name, value in (headers or {}).items():
        request.send_header(name, value)
    request.end_headers()
    # The caller may be gone: a test killed it on purpose.
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        request.wfile.write(payload)


def door_refusal(request: BaseHTTPRequestHandler) -> tuple[int, str] | None:
    """Why a request may not come in, as (status, reason): 421 for a name that is not this
    server's address, 403 for another origin's page; None to let it in."""
    host = (request.headers.get("Host") or "").strip()
    if not addressed_to_us(host, request.server.server_address):
        # Another site's page, through a DNS name pointed at 127.0.0.1, would be same-origin.
        return 421, "this playground answers only to its own address"
    origin = request.headers.get("Origin")
    # Browsers name the page behind every POST and every cross-origin request; a page of our
    # own origin is the one at this Host. Callers that are not browsers send no Origin.
    if origin is not None and origin.strip().lower() != f"http://{host}".lower():
        return 403, "this playground answers only to its own page"
    return None


def addressed_to_us(host: str, address: object) -> bool:
    """Whether a Host header names the loopback address a server at `address` listens on."""
    # An IPv6 address comes bracketed, port or not: "[::1]:3000".
    name = (host[1:].split("]", 1)[0] if host.startswith("[") else host.rsplit(":", 1)[0]).lower()
    bound = str(address[0]).lower() if isinstance(address, tuple) else ""
    # Bound to every interface (HOST=0.0.0.0, in a container), it cannot know its own name.
    everywhere = bound in ("0.0.0.0", "::")  # noqa: S104 - comparing, not binding
    return everywhere or name in ("127.0.0.1", "localhost", "::1", bound)


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


def default_answer(call: Call) -> dict[str, Any]:
    """What Slack answers to a successful call of each method we use."""
    params = call.params
    if call.method == "auth.test":
        if "revoked" in call.headers.get("Authorization", ""):
            return {"ok": False, "error": "invalid_auth"}
        return {
            "ok": True,
            "url": "https://example.slack.com/",
            "team": "Example",
            "user": "ask-team",
            "team_id": "T0TEAM",
            "user_id": "UBOT",
            "bot_id": "BBOT",
        }
    if call.method == "chat.postMessage":
        channel = str(params.get("channel", ""))
        return {
            "ok": True,
            # A post to a person goes to their DM with the bot; to a channel, there.
            "channel": channel if channel[:1] in ("C", "G") else "D0DM",
            "ts": f"{time.time():.6f}",
            "message": {"text": params.get("text", "")},
        }
    if call.method in ("views.open", "views.update", "views.publish"):
        return {"ok": True, "view": {"id": "V0VIEW", **(params.get("view") or {})}}
    if call.method == "users.info":
        return {
            "ok": True,
            "user": {
                "id": params.get("user"),
                "tz": "Europe/Paris",
                "tz_offset": 3600,
                "deleted": False,
            },
        }
    if call.method == "conversations.open":
        return {"ok": True, "channel": {"id": "D0DM"}}
    if call.method == "files.getUploadURLExternal":
        host = call.headers.get("Host", "127.0.0.1")
        return {"ok": True, "upload_url": f"http://{host}/upload/F0FILE", "file_id": "F0FILE"}
    if call.method == "files.completeUploadExternal":
        return {"ok": True, "files": [{"id": "F0FILE", "title": "export"}]}
    if call.method in ("response_url", "file_upload"):
        return {}
    return {"ok": True}


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
