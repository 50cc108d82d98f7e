"""The Slack stand-in's HTTP side: who may come in, a request read as a call, the reply.

`FakeSlack` decides what to answer; this module only speaks HTTP for it.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import SplitResult, parse_qs

from bot.playground.web_api import Call

SLACK_PATHS = ("/api/", "/response/", "/upload/")
# Serves a request outside Slack's own paths (the playground's page); False means not found.
PageHandler = Callable[[BaseHTTPRequestHandler, str], bool]


def handler_class(serve: Callable[[BaseHTTPRequestHandler], None]) -> type[BaseHTTPRequestHandler]:
    """A request handler class that passes every GET, HEAD and POST to `serve`, quietly."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            serve(self)

        def handle_one_request(self) -> None:
            try:
                super().handle_one_request()
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

        def do_GET(self) -> None:
            serve(self)

        def do_HEAD(self) -> None:
            serve(self)

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


def read_body(request: BaseHTTPRequestHandler) -> bytes | None:
    """The request's body; None when the sender died before sending all of it."""
    length = int(request.headers.get("Content-Length") or 0)
    raw = request.rfile.read(length) if length else b""
    return raw if len(raw) >= length else None


def read_call(request: BaseHTTPRequestHandler, parts: SplitResult, raw: bytes) -> Call:
    """The request as the Web API call, response_url post or file upload it stands for."""
    params: dict[str, Any] = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    if parts.path.startswith("/upload/"):
        # files_upload_v2 step 2: the file's bytes, raw, to the URL step 1 handed out.
        try:
            content: str | None = raw.decode("utf-8")
        except UnicodeDecodeError:
            content = None
        method, params = "file_upload", {"content": content, "raw": raw, "file": parts.path}
    else:
        if raw:
            if "json" in request.headers.get("Content-Type", ""):
                params.update(json.loads(raw))
            else:
                params.update({k: v[-1] for k, v in parse_qs(raw.decode()).items()})
        is_web_api = parts.path.startswith("/api/")
        method = parts.path.removeprefix("/api/") if is_web_api else "response_url"
    return Call(method=method, params=params, path=parts.path, headers=dict(request.headers))


def send_reply(
    request: BaseHTTPRequestHandler,
    status: int,
    payload: bytes,
    content_type: str = "application/json; charset=utf-8",
    headers: dict[str, str] | None = None,
) -> None:
    """Send one whole response, saying nothing if the caller has gone."""
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
