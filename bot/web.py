"""The HTTP face of the bot: a WSGI app for `POST /slack/events`, and gunicorn to serve it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
# Slack's largest payloads (a full modal state) are far below this.
MAX_BODY_BYTES = 1 << 20


def wsgi_app(app: App) -> WSGIApplication:
    """Bolt behind a guard: health checks, a body-size limit and no 500 for malformed input."""
    slack = SlackRequestHandler(app, path=EVENTS_PATH)

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == HEALTH_PATH and environ.get("REQUEST_METHOD") == "GET":
            return _plain(start_response, "200 OK", "ok")
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _plain(start_response, "400 Bad Request", "bad content length")
        if length > MAX_BODY_BYTES:
            return _plain(start_response, "413 Content Too Large", "request body too large")
        try:
            return slack(environ, start_response)
        except Exception:
            # Bolt raises on bodies it cannot parse at all; that is the sender's fault.
            app.logger.warning("rejected a request Bolt could not parse", exc_info=True)
            return _plain(start_response, "400 Bad Request", "malformed request")

    return application


def _plain(start_response: StartResponse, status: str, text: str) -> list[bytes]:
    body = text.encode()
    start_response(
        status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]
    )
    return [body]


def serve_with_gunicorn(
    build: Callable[[], WSGIApplication],
    *,
    port: int,
    workers: int,
    threads: int,
) -> None:
    """Serve `build()` under gunicorn's threaded workers; each worker builds its own app."""
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            options: dict[str, Any] = {
                "bind": f"0.0.0.0:{port}",
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread",
                "timeout": 30,
                "graceful_timeout": 10,
                "keepalive": 5,
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> WSGIApplication:
            # Called in each worker after the fork, so engines and threads are per process.
            return build()

    Server().run()
