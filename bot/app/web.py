"""The HTTP face of the bot: a WSGI app for `POST /slack/events`, and gunicorn to serve it."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.adapter.wsgi.http_response import WsgiHttpResponse
from slack_bolt.oauth import OAuthFlow

from bot.app.oauth import INSTALL_PATH, REDIRECT_PATH
from bot.domain.edge import check_request
from bot.domain.slack_shapes import Accepted
from bot.listeners import SLASH_COMMANDS
from bot.vocabulary import metrics
from bot.vocabulary.response_urls import Origin, response_url_origins

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
METRICS_PATH = "/metrics"
# Slack's largest payloads (a full modal state) are far below this.
MAX_BODY_BYTES = 1 << 20

logger = logging.getLogger(__name__)
_REFUSALS = {
    400: ("400 Bad Request", "malformed request"),
    401: ("401 Unauthorized", "not signed by Slack"),
    404: ("404 Not Found", "no such command here"),
}


def wsgi_app(
    app: App, ready: Callable[[], bool] | None = None, *, signing_secret: str | None = None
) -> WSGIApplication:
    """Bolt behind the edge: health and readiness checks, a body-size limit, Slack's signature
    and the shapes Slack sends (bot/domain/edge.py), so Bolt only ever sees requests it can read.

    `ready` says whether the app can serve (its database answers); None is always ready.
    `signing_secret` defaults to the one the app was built with."""
    # Bolt keeps the secret it was given but has no public accessor for it.
    secret = signing_secret if signing_secret is not None else app._signing_secret
    if not secret:
        raise ValueError("a signing secret is needed to tell Slack's requests from others")
    # Where a response_url may point: Slack's hooks host, and the stand-in for Slack that
    # SLACK_API_URL names in tests and the playground. The app's client was made with
    # SLACK_API_URL (bot/app/bolt_app.py), in either install mode.
    response_origins = response_url_origins(app.client.base_url)
    # Made now, in the worker after the fork: its series read 0 before its first request.
    metrics.metrics()

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD")
        if path == HEALTH_PATH and method == "GET":
            return _plain(start_response, "200 OK", "ok")
        if path == READY_PATH and method == "GET":
            return _readiness(start_response, ready)
        if path == METRICS_PATH and method == "GET":
            return _metrics(start_response)
        flow = app.oauth_flow
        if path in (INSTALL_PATH, REDIRECT_PATH) and flow is not None:
            return _oauth(flow, environ, start_response)
        if path != EVENTS_PATH:
            return _plain(start_response, "404 Not Found", "not found")
        return _slack_events(app, secret, response_origins, environ, start_response)

    return application


def _metrics(start_response: StartResponse) -> list[bytes]:
    content, content_type = metrics.render()
    start_response(
        "200 OK", [("Content-Type", content_type), ("Content-Length", str(len(content)))]
    )
    return [content]


def _oauth(
    flow: OAuthFlow, environ: WSGIEnvironment, start_response: StartResponse
) -> Iterable[bytes]:
    """Installing over OAuth: the install page, or Slack's redirect back to it."""
    if environ.get("REQUEST_METHOD") != "GET":
        return _plain(start_response, "405 Method Not Allowed", "GET only")
    request = BoltRequest(body="", query=environ.get("QUERY_STRING", ""), headers=_headers(environ))
    if environ.get("PATH_INFO") == INSTALL_PATH:
        answer = flow.handle_installation(request)
    else:
        answer = flow.handle_callback(request)
    return _bolt_answer(answer, start_response)


def _slack_events(
    app: App,
    secret: str,
    response_origins: Collection[Origin],
    environ: WSGIEnvironment,
    start_response: StartResponse,
) -> Iterable[bytes]:
    """`POST /slack/events`: refused at the edge, or dispatched to Bolt."""
    # Only Slack's endpoint is counted: probes and scrapes would drown what it does.
    if environ.get("REQUEST_METHOD") != "POST":
        metrics.count_request("other", "refused_4xx")
        return _plain(start_response, "405 Method Not Allowed", "POST only")
    body = _read_body(environ)
    if isinstance(body, tuple):
        metrics.count_request("other", "refused_4xx")
        return _plain(start_response, *body)
    verdict = check_request(
        secret=secret,
        body=body,
        timestamp=environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP"),
        signature=environ.get("HTTP_X_SLACK_SIGNATURE"),
        content_type=environ.get("CONTENT_TYPE"),
        now=time.time(),
        commands=SLASH_COMMANDS,
        response_origins=response_origins,
    )
    if not isinstance(verdict, Accepted):
        # Never the body: it can hold what a team said.
        logger.warning("refused a request to %s: %s", EVENTS_PATH, verdict.reason)
        metrics.count_request("other", "refused_4xx")
        return _plain(start_response, *_REFUSALS[verdict.status])
    return _dispatch(app, verdict, environ, start_response)


def _dispatch(
    app: App, verdict: Accepted, environ: WSGIEnvironment, start_response: StartResponse
) -> Iterable[bytes]:
    """An accepted request, answered by Bolt and counted."""
    kind = request_kind(verdict)
    if verdict.kind == "rate_limited":
        # Slack's note that it dropped events for a while; nothing to do but take it.
        logger.info("Slack is rate-limiting the events it sends us")
        metrics.count_request(kind, "answered")
        return _plain(start_response, "200 OK", "")
    started = time.perf_counter()
    try:
        answer = app.dispatch(_bolt_request(environ, verdict.body))
    except Exception:
        # Bolt handles what its listeners raise; this is Bolt failing to read a shape the
        # edge let through. The sender's fault, but a gap in the edge: keep the traceback.
        logger.exception("Bolt could not read a request the edge accepted")
        metrics.count_request(kind, "error")
        return _plain(start_response, "400 Bad Request", "malformed request")
    finally:
        metrics.observe_ack(time.perf_counter() - started)
    metrics.count_request(kind, _outcome(answer.status))
    return _bolt_answer(answer, start_response)


def _bolt_answer(answer: BoltResponse, start_response: StartResponse) -> Iterable[bytes]:
    response = WsgiHttpResponse(answer.status, answer.headers, answer.body)
    start_response(response.status, response.get_headers())
    return response.get_body()


def request_kind(verdict: Accepted) -> metrics.RequestKind:
    """The metrics' kind of an accepted request: its name in Slack's terms, never its content."""
    if verdict.kind in ("command", "event"):
        return verdict.kind
    if verdict.kind == "interaction":
        return "action" if verdict.body.get("type") == "block_actions" else "view"
    # ssl_check, url_verification, rate_limited: Slack's housekeeping.
    return "other"


def _outcome(status: int) -> metrics.RequestOutcome:
    if status >= 500:
        return "error"
    return "refused_4xx" if status >= 400 else "answered"


def _read_body(environ: WSGIEnvironment) -> bytes | tuple[str, str]:
    """The body, read once and at most MAX_BODY_BYTES of it; or the status and text refusing it."""
    stream = environ.get("wsgi.input")
    declared = environ.get("CONTENT_LENGTH") or ""
    if not declared:
        if stream is None or "chunked" not in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            return b""
        # No length up front: read one byte past the limit to know it was passed.
        body: bytes = stream.read(MAX_BODY_BYTES + 1)
        if len(body) > MAX_BODY_BYTES:
            return ("413 Content Too Large", "request body too large")
        return body
    if not declared.isascii() or not declared.isdigit():
        return ("400 Bad Request", "bad content length")
    length = int(declared)
    if length > MAX_BODY_BYTES:
        # Refused before reading: a client cannot make us buffer more than the limit.
        return ("413 Content Too Large", "request body too large")
    return stream.read(length) if stream is not None and length else b""


def _bolt_request(environ: WSGIEnvironment, body: dict[str, Any]) -> BoltRequest:
    """What Bolt reads: the checked body as JSON, which Bolt parses whatever the request's
    kind (form-encoded commands with "payload" in their text confuse its own sniffing)."""
    headers = _headers(environ)
    headers["content-type"] = "application/json"
    return BoltRequest(
        body=json.dumps(body), query=environ.get("QUERY_STRING", ""), headers=headers
    )


def _headers(environ: WSGIEnvironment) -> dict[str, str | Sequence[str]]:
    return {
        key[5:].lower().replace("_", "-"): value
        for key, value in environ.items()
        if key.startswith("HTTP_") and isinstance(value, str)
    }


def _readiness(start_response: StartResponse, ready: Callable[[], bool] | None) -> list[bytes]:
    try:
        usable = ready is None or ready()
    except Exception as error:
        # A load balancer polls this every few seconds: one line, no traceback each time.
        logger.warning("readiness check failed: %s", type(error).__name__)
        usable = False
    else:
        if not usable:
            logger.warning("readiness check: the database is unavailable")
    if usable:
        return _plain(start_response, "200 OK", "ready")
    return _plain(start_response, "503 Service Unavailable", "database unavailable")


def _plain(start_response: StartResponse, status: str, text: str) -> list[bytes]:
    body = text.encode()
    start_response(
        status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]
    )
    return [body]
