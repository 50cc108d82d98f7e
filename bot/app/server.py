"""gunicorn's asyncio worker in front of the WSGI app: a request gets a thread once it is whole."""

from __future__ import annotations

import asyncio
import errno
import io
import socket
import sys
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_to_bytes

from bot.app.web import MAX_BODY_BYTES
from bot.vocabulary import metrics
from bot.vocabulary.config import DEFAULT_HOST
from bot.vocabulary.log_format import LogFormat, gunicorn_log_config

if TYPE_CHECKING:
    from wsgiref.types import WSGIApplication, WSGIEnvironment

    from _typeshed import OptExcInfo

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Headers = list[tuple[bytes, bytes]]

# Slack sends a request whole within milliseconds and gives up on us after 3 s, so a body
# still arriving after this long is not Slack's: it only keeps a connection open.
BODY_DEADLINE_SECONDS = 10.0


class _TooLargeError(Exception):
    """The body grew past the limit."""


class _ClientGoneError(Exception):
    """The client hung up before its body was whole."""


class WSGIFront:
    """An ASGI app that reads each request whole, then runs a WSGI app on a bounded thread pool."""

    def __init__(
        self,
        app: WSGIApplication,
        *,
        threads: int,
        max_body: int = MAX_BODY_BYTES,
        body_deadline: float = BODY_DEADLINE_SECONDS,
    ) -> None:
        self.app = app
        self.max_body = max_body
        self.body_deadline = body_deadline
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="wsgi")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            # A WebSocket handshake: closing before accepting refuses it with a 403.
            await send({"type": "websocket.close", "code": 1008})
            return
        declared = _declared_length(scope["headers"])
        if declared is not None and declared > self.max_body:
            await _send_plain(send, 413, "request body too large", close=True)
            return
        try:
            async with asyncio.timeout(self.body_deadline):
                body = await self._read_body(receive)
        except TimeoutError:
            await _send_plain(send, 408, "request body too slow", close=True)
            return
        except _TooLargeError:
            await _send_plain(send, 413, "request body too large", close=True)
            return
        except _ClientGoneError:
            return
        environ = wsgi_environ(scope, body)
        loop = asyncio.get_running_loop()
        status, headers, content = await loop.run_in_executor(
            self._pool, run_wsgi, self.app, environ
        )
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": content})

    async def _read_body(self, receive: Receive) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _ClientGoneError
            chunk: bytes = message.get("body", b"")
            size += len(chunk)
            # A declared length was checked before reading; this stops a chunked body.
            if size > self.max_body:
                raise _TooLargeError
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                # The worker has already waited out its connections; whatever is still queued
                # belongs to clients it is about to drop.
                self._pool.shutdown(wait=False, cancel_futures=True)
                await send({"type": "lifespan.shutdown.complete"})
                return


def _declared_length(headers: Iterable[tuple[bytes, bytes]]) -> int | None:
    for name, value in headers:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _send_plain(send: Send, status: int, text: str, *, close: bool = False) -> None:
    body = text.encode()
    headers: Headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
    ]
    if close:
        # The rest of the body may still be coming; the connection cannot carry another request.
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def wsgi_environ(scope: Scope, body: bytes) -> WSGIEnvironment:
    """The PEP 3333 environ for an ASGI HTTP scope whose body has been read whole."""
    fields: dict[str, str] = {}
    for raw_name, raw_value in scope["headers"]:
        name = raw_name.decode("latin-1").upper().replace("-", "_")
        value = raw_value.decode("latin-1")
        if name in fields:
            # Cookie pairs are separated by "; " (RFC 6265); every other field by ", ".
            fields[name] += ("; " if name == "COOKIE" else ", ") + value
        else:
            fields[name] = value
    content_type = fields.pop("CONTENT_TYPE", None)
    # The body is whole, so its real length replaces whatever framing brought it.
    fields.pop("CONTENT_LENGTH", None)

    root_path = _latin1(scope.get("root_path", ""))
    # WSGI wants the path's bytes as latin-1 text; ASGI's `path` is already UTF-8 decoded.
    raw_path: bytes = scope.get("raw_path") or scope["path"].encode()
    path = unquote_to_bytes(raw_path).decode("latin-1")
    if root_path and path.startswith(root_path):
        path = path[len(root_path) :]

    scheme: str = scope.get("scheme", "http")
    server = scope.get("server")
    if server:
        server_name, server_port = str(server[0]), str(server[1])
    else:
        # Only a listener without an address (a Unix socket) leaves this to the Host header.
        server_name = fields.get("HOST", "localhost")
        server_port = "443" if scheme == "https" else "80"

    environ: WSGIEnvironment = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": root_path,
        "PATH_INFO": path,
        "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
        "CONTENT_LENGTH": str(len(body)),
        "SERVER_NAME": server_name,
        "SERVER_PORT": server_port,
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scheme,
        "wsgi.input": io.BytesIO(body),
        "wsgi.input_terminated": True,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if content_type is not None:
        environ["CONTENT_TYPE"] = content_type
    client = scope.get("client")
    if client:
        environ["REMOTE_ADDR"] = str(client[0])
        environ["REMOTE_PORT"] = str(client[1])
    for name, value in fields.items():
        environ["HTTP_" + name] = value
    return environ


def _latin1(text: str) -> str:
    return text.encode().decode("latin-1")


def run_wsgi(app: WSGIApplication, environ: WSGIEnvironment) -> tuple[int, Headers, bytes]:
    """Call a WSGI app to completion: status code, headers and the whole body."""
    started: list[tuple[str, list[tuple[str, str]]]] = []
    written: list[bytes] = []

    def start_response(
        status: str, headers: list[tuple[str, str]], exc_info: OptExcInfo | None = None
    ) -> Callable[[bytes], object]:
        # Nothing goes out before the app returns, so an error response (exc_info) may always
        # replace an earlier start; only a second start without one is a bug in the app.
        if started and exc_info is None:
            raise RuntimeError("start_response called a second time without exc_info")
        started[:] = [(status, headers)]
        return written.append

    result = app(environ, start_response)
    try:
        written.extend(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    if not started:
        raise RuntimeError("the WSGI application returned without calling start_response")
    status, headers = started[0]
    body = b"".join(written)
    encoded = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers]
    if not any(name == b"content-length" for name, _ in encoded):
        # The body is whole: saying how long it is spares the client chunked framing.
        encoded.append((b"content-length", str(len(body)).encode()))
    return int(status.split(" ", 1)[0]), encoded, body


# Every interface unless HOST says otherwise: bot/vocabulary/config.py says why.
DEFAULT_BIND_HOST = DEFAULT_HOST


class PortUnavailableError(RuntimeError):
    """The port cannot be listened on; the one-line message names PORT and the fix."""


def check_port_free(port: int, bind_host: str = DEFAULT_BIND_HOST) -> None:
    """Listen on the port for a moment, as gunicorn will, or raise `PortUnavailableError`.

    gunicorn meets a taken port by logging and retrying five times over five seconds, then
    exits 1, after the caller has already said it is serving; checking first, in the master,
    turns that into one line. Another process could still take the port in the instant
    between this check and gunicorn's bind; gunicorn then fails as before.
    """
    family = socket.AF_INET6 if ":" in bind_host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # The options gunicorn binds with, so the answer is the one gunicorn would get.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((bind_host, port))
            probe.listen(1)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise PortUnavailableError(
                    f"PORT {port} is already in use on {bind_host}; stop what listens there "
                    "(another ask-team?) or set PORT to a free port."
                ) from None
            if error.errno == errno.EADDRNOTAVAIL:
                raise PortUnavailableError(
                    f"HOST {bind_host} is not an address of this machine; set HOST to one of "
                    "its addresses, 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)."
                ) from None
            if error.errno == errno.EACCES:
                raise PortUnavailableError(
                    f"PORT {port} may not be used by this user (ports below 1024 need "
                    "privileges); set PORT to 1024 or above, e.g. 3000."
                ) from None
            raise PortUnavailableError(
                f"PORT {port} cannot be listened on at {bind_host} "
                f"({error.strerror or error}); set PORT to another port."
            ) from None


def serve_with_gunicorn(
    build: Callable[[], WSGIApplication],
    *,
    port: int,
    workers: int,
    threads: int,
    on_starting: Callable[[], None] | None = None,
    bind_host: str = DEFAULT_BIND_HOST,
    log_format: LogFormat | None = None,
    log_level: str = "INFO",
) -> None:
    """Serve `build()` under gunicorn's asyncio workers, each with `threads` request threads.

    With `log_format`, gunicorn's lines are written like ours (bot/vocabulary/log_format.py);
    without, gunicorn keeps its own format."""
    from gunicorn.app.base import BaseApplication

    host = f"[{bind_host}]" if ":" in bind_host else bind_host
    # Before forking, so every worker writes its metrics where /metrics, in any worker, reads.
    remove_metrics_dir = metrics.prepare_multiprocess_dir()

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            options: dict[str, Any] = {
                "bind": f"{host}:{port}",
                "workers": workers,
                # Connections wait on the event loop until their request is whole, so a slow
                # client costs a socket, not one of the `threads` that run the app.
                "worker_class": "asgi",
                "asgi_lifespan": "on",
                "timeout": 30,
                "graceful_timeout": 10,
                "keepalive": 5,
                # gunicornc's socket sits at one path per user: two instances on one host (the
                # scale-out test, a blue/green deploy) would take it from each other. Unused here.
                "control_socket_disable": True,
            }
            if on_starting is not None:
                hook = on_starting
                options["on_starting"] = lambda _arbiter: hook()
            if log_format is not None:
                options["logconfig_dict"] = gunicorn_log_config(log_format, log_level)
            # In the master: a dead worker's queue no longer counts in the livesum gauge.
            options["child_exit"] = lambda _arbiter, worker: metrics.worker_exited(worker.pid)
            options["on_exit"] = lambda _arbiter: remove_metrics_dir()
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> WSGIFront:
            # Called in each worker after the fork, so engines and threads are per process.
            return WSGIFront(build(), threads=threads)

    Server().run()
