"""How fast /ask-team is acknowledged, next to a bare Bolt app on the same server stack.

Starts under gunicorn (bot/app/server.py: the asyncio worker reading whole requests, then a
pool of WEB_THREADS threads; WEB_CONCURRENCY workers):
  1. a bare Bolt app whose only command acks, with Bolt's default listener runner, alone;
  2. the same bare app with process_before_response=True, and
  3. ask-team itself (`ask-team serve`, SQLite), answering /ask-team with a question card,
     both running, hammered in turns: BENCH_ROUNDS blocks each (5), the first app of a round
     alternating, so that a machine whose speed drifts during the run slows both alike;
and posts signed slash commands from CLIENTS concurrent keep-alive connections to each.
Prints p50/p99 latency and requests per second for each. Usage: python bench/ack.py
"""

from __future__ import annotations

import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from slack_sdk.signature import SignatureVerifier  # noqa: E402

from bot.playground.fake_slack import FakeSlack  # noqa: E402

SECRET = "bench-signing-secret"
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
REQUESTS_PER_CLIENT = int(os.environ.get("BENCH_REQUESTS", "250"))
ROUNDS = max(1, int(os.environ.get("BENCH_ROUNDS", "5")))
WARMUP_PER_CLIENT = 20
PORT = 3471


@dataclass
class Result:
    name: str
    latencies_ms: list[float]
    seconds: float

    def add(self, block: Result) -> None:
        self.latencies_ms.extend(block.latencies_ms)
        self.seconds += block.seconds

    def row(self) -> str:
        ordered = sorted(self.latencies_ms)
        p50 = statistics.median(ordered)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        rate = len(ordered) / self.seconds
        return f"{self.name:<44} {p50:>8.2f} {p99:>8.2f} {rate:>9.0f}"


def signed_command(
    signer: SignatureVerifier, user: str, text: str = ""
) -> tuple[bytes, dict[str, str]]:
    """A signed `/ask-team <text>` as Slack sends it: the body and its headers."""
    body = urlencode(
        {
            "command": "/ask-team",
            "text": text,
            "team_id": "T0BENCH",
            "user_id": user,
            "channel_id": "C0BENCH",
            "trigger_id": "1.2.3",
            # Only Slack's hooks host passes the edge; /ask-team answers in the ack and never posts.
            "response_url": "https://hooks.slack.com/commands/T0BENCH/1/unused",
        }
    ).encode()
    stamp = str(int(time.time()))
    return body, {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signer.generate_signature(timestamp=stamp, body=body),
    }


def wait_until_up(process: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("server exited before it was ready")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("server did not come up")


def hammer(name: str, port: int, requests_per_client: int) -> Result:
    signer = SignatureVerifier(SECRET)
    latencies: list[float] = []
    lock = threading.Lock()
    start_gate = threading.Barrier(CLIENTS + 1)
    failures: list[str] = []

    def client(number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        body, headers = signed_command(signer, f"U0BENCH{number:03d}")
        mine: list[float] = []
        for index in range(WARMUP_PER_CLIENT + requests_per_client):
            if index == WARMUP_PER_CLIENT:
                start_gate.wait()
            began = time.perf_counter()
            connection.request("POST", "/slack/events", body=body, headers=headers)
            response = connection.getresponse()
            answer = response.read()
            if response.status != 200 or b"went wrong" in answer:
                failures.append(f"{response.status} {answer[:80]!r}")
            if index >= WARMUP_PER_CLIENT:
                mine.append((time.perf_counter() - began) * 1000)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    start_gate.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    if failures:
        raise SystemExit(f"{name}: {len(failures)} non-200 answers, e.g. {failures[:3]}")
    return Result(name, latencies, seconds)


@contextmanager
def serving(command: list[str], env: dict[str, str], port: int) -> Iterator[None]:
    """An app started with `command`, listening on `port` until the block ends."""
    process = subprocess.Popen(
        command,
        env={**env, "PORT": str(port)},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(process, port)
        yield
    finally:
        process.terminate()
        process.wait(timeout=15)


def in_turns(apps: list[tuple[str, list[str]]], env: dict[str, str]) -> list[Result]:
    """Each app's results, the apps running at once and hammered one block at a time."""
    ports = [PORT + 1 + number for number in range(len(apps))]
    results = [Result(name, [], 0.0) for name, _ in apps]
    per_block = max(1, REQUESTS_PER_CLIENT // ROUNDS)
    with ExitStack() as running:
        for (_, command), port in zip(apps, ports, strict=True):
            running.enter_context(serving(command, env, port))
        for round_number in range(ROUNDS):
            order = list(range(len(apps)))
            if round_number % 2:
                order.reverse()
            for index in order:
                results[index].add(hammer(results[index].name, ports[index], per_block))
    return results


def main() -> None:
    fake = FakeSlack()
    workdir = Path(tempfile.mkdtemp(prefix="ask-team-bench-"))
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{workdir / 'bench.db'}"),
        "SCHEDULER": "off",
        "LOG_LEVEL": "WARNING",
    }
    env.setdefault("WEB_CONCURRENCY", "2")
    env.setdefault("WEB_THREADS", "4")
    python = sys.executable
    backend = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
    default_runner = "bare Bolt, default runner (ack polled 10 ms)"
    with serving([python, "bench/bare_app.py", "default"], env, PORT):
        results = [hammer(default_runner, PORT, REQUESTS_PER_CLIENT)]
    before_response = [python, "bench/bare_app.py", "before-response"]
    bare_app = ("bare Bolt, process_before_response", before_response)
    ask_team = (f"ask-team /ask-team (question card, {backend})", [python, "-m", "bot", "serve"])
    results += in_turns([bare_app, ask_team], env)
    fake.close()
    in_turns_each = CLIENTS * max(1, REQUESTS_PER_CLIENT // ROUNDS) * ROUNDS
    print(
        f"{CLIENTS} concurrent clients, signed /ask-team requests: "
        f"{CLIENTS * REQUESTS_PER_CLIENT} to the first app, {in_turns_each} to each of the last "
        f"two in {ROUNDS} turns; gunicorn asyncio "
        f"{env['WEB_CONCURRENCY']} workers x {env['WEB_THREADS']} threads, {os.cpu_count()} CPUs"
    )
    print(f"{'app':<44} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>9}")
    for result in results:
        print(result.row())
    bare, ours = results[1], results[2]
    ratio = statistics.median(ours.latencies_ms) / statistics.median(bare.latencies_ms)
    print(f"ask-team p50 / bare process_before_response p50 = {ratio:.2f}x")


if __name__ == "__main__":
    main()
