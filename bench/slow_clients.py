"""Signed /ask-team latency while clients trickle their bodies: asyncio front vs. gthread.

Starts `ask-team serve` (SQLite) twice, one after the other: as shipped (bot/app/server.py,
gunicorn's asyncio worker with the WSGI app on a thread pool) and with the gthread worker it
replaced (kept below, for this comparison only). Against each, CLIENTS concurrent keep-alive
clients send REQUESTS signed `/ask-team help` commands in all, first with no slow connections
open, then with SLOW connections (opened 20 ms apart) that announce a 100,000-byte body and
send one byte of it every 0.5 s. Prints how many were answered and p50/p99 latency, side by side.
Usage: python bench/slow_clients.py
"""

from __future__ import annotations

import contextlib
import http.client
import math
import os
import select
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from slack_sdk.signature import SignatureVerifier  # noqa: E402

from bench.ack import signed_command  # noqa: E402
from bot.playground.fake_slack import FakeSlack  # noqa: E402

if TYPE_CHECKING:
    from wsgiref.types import WSGIApplication

SECRET = "bench-signing-secret"
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "4"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "200"))
SLOW = int(os.environ.get("BENCH_SLOW", "50"))
WARMUP_PER_CLIENT = 10
TRICKLE_EVERY = 0.5
ARRIVAL_GAP = 0.02
# A request with no answer by then counts as unanswered; the phase stops trying after BUDGET
# so that a server that never answers costs seconds, not minutes.
REQUEST_TIMEOUT = 2.0
BUDGET = 10.0


def serve_gthread(
    build: Callable[[], WSGIApplication],
    *,
    port: int,
    workers: int,
    threads: int,
    on_starting: Callable[[], None] | None = None,
    bind_host: str = "0.0.0.0",  # noqa: S104
) -> None:
    """The server `ask-team serve` ran before bot/app/server.py: gunicorn's gthread worker."""
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            options: dict[str, Any] = {
                "bind": f"{bind_host}:{port}",
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread",
                "timeout": 30,
                "graceful_timeout": 10,
                "keepalive": 5,
            }
            if on_starting is not None:
                hook = on_starting
                options["on_starting"] = lambda _arbiter: hook()
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> WSGIApplication:
            return build()

    Server().run()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(process: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("server exited before it was ready")
        with contextlib.suppress(OSError):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        time.sleep(0.1)
    raise SystemExit("server did not come up")


class Trickle:
    """SLOW connections mid-body; one the server answers or closes is opened again."""

    def __init__(self, port: int, count: int) -> None:
        self.port = port
        self.reopened = 0
        self.sockets: list[socket.socket] = []
        for _ in range(count):
            self.sockets.append(self._open())
            # As clients arrive, not in one burst: a burst tends to land on one worker and
            # leave the other's threads free for half of the requests.
            time.sleep(ARRIVAL_GAP)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _open(self) -> socket.socket:
        connection = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        connection.sendall(
            b"POST /slack/events HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"
        )
        return connection

    def _run(self) -> None:
        while not self._stop.wait(TRICKLE_EVERY):
            answered, _, _ = select.select(self.sockets, [], [], 0)
            for index, connection in enumerate(self.sockets):
                if connection in answered:
                    connection.close()
                    self.sockets[index] = self._open()
                    self.reopened += 1
                    continue
                with contextlib.suppress(OSError):
                    connection.send(b" ")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        for connection in self.sockets:
            connection.close()


def hammer(port: int, per_client: int, *, warmup: int = 0) -> list[float]:
    """Latencies in ms, `inf` for each request unanswered within REQUEST_TIMEOUT or BUDGET."""
    signer = SignatureVerifier(SECRET)
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()

    def client(number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
        mine: list[float] = []
        stop_at = time.monotonic() + BUDGET
        for index in range(warmup + per_client):
            if time.monotonic() > stop_at:
                mine.extend([math.inf] * (warmup + per_client - index))
                break
            body, headers = signed_command(signer, f"U0SLOW{number:03d}", "help")
            began = time.perf_counter()
            try:
                connection.request("POST", "/slack/events", body=body, headers=headers)
                response = connection.getresponse()
                answer = response.read()
                if response.status != 200:
                    failures.append(f"{response.status} {answer[:80]!r}")
                mine.append((time.perf_counter() - began) * 1000)
            except (TimeoutError, ConnectionError, http.client.HTTPException):
                mine.append(math.inf)
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
        connection.close()
        with lock:
            latencies.extend(mine[warmup:])

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(f"{len(failures)} non-200 answers, e.g. {failures[:3]}")
    return latencies


def run(command: list[str], env: dict[str, str]) -> tuple[list[float], list[float], int]:
    """Latencies with no slow connections, then with SLOW of them; and how many were reopened."""
    port = free_port()
    process = subprocess.Popen(
        command,
        env={**env, "PORT": str(port)},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(process, port)
        per_client = REQUESTS // CLIENTS
        quiet = hammer(port, per_client, warmup=WARMUP_PER_CLIENT)
        slow = Trickle(port, SLOW)
        try:
            # Let the server take in every slow connection and its first body bytes.
            time.sleep(2 * TRICKLE_EVERY)
            busy = hammer(port, per_client)
        finally:
            slow.close()
        return quiet, busy, slow.reopened
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def summary(latencies: list[float]) -> str:
    ordered = sorted(latencies)
    answered = sum(1 for value in ordered if value != math.inf)

    def at(share: float) -> str:
        value = ordered[min(len(ordered) - 1, int(len(ordered) * share))]
        return f"{value:8.2f}" if value != math.inf else f"{'none':>8}"

    return f"{answered:>5}/{len(ordered):<4} {at(0.5)} {at(0.99)}"


def main() -> None:
    if sys.argv[1:] == ["serve-gthread"]:
        import bot.app.server
        from bot.cli import main as ask_team

        # `ask-team serve` looks the server up when it starts, so this swaps in the old one.
        bot.app.server.serve_with_gunicorn = serve_gthread
        raise SystemExit(ask_team(["serve"]))

    fake = FakeSlack()
    workdir = Path(tempfile.mkdtemp(prefix="ask-team-bench-slow-"))
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}",
        "SCHEDULER": "off",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    env.setdefault("WEB_CONCURRENCY", "2")
    env.setdefault("WEB_THREADS", "4")
    python = sys.executable
    try:
        ours = run([python, "-m", "bot", "serve"], env)
        before = run([python, __file__, "serve-gthread"], env)
    finally:
        fake.close()

    print(
        f"{REQUESTS} signed `/ask-team help` from {CLIENTS} concurrent keep-alive clients, "
        f"{env['WEB_CONCURRENCY']} workers x {env['WEB_THREADS']} threads, SQLite, "
        f"{os.cpu_count()} CPUs; unanswered = no answer within {REQUEST_TIMEOUT:g} s "
        f"(or not sent within {BUDGET:g} s)"
    )
    half = f"{'answered':>10} {'p50 ms':>8} {'p99 ms':>8}"
    print(f"{'':<17} | {'asgi (bot/app/server.py)':<28} | {'gthread (before)':<28}")
    print(f"{'slow connections':<17} | {half} | {half}")
    print(f"{0:<17} | {summary(ours[0])} | {summary(before[0])}")
    print(f"{SLOW:<17} | {summary(ours[1])} | {summary(before[1])}")
    print(f"slow connections the server answered or closed meanwhile: {ours[2]} / {before[2]}")


if __name__ == "__main__":
    main()
