"""How fast /ask-team is acknowledged, next to a bare Bolt app on the same server stack.

Starts, one after the other, under gunicorn (bot/app/server.py: the asyncio worker reading whole
requests, then a pool of WEB_THREADS threads; WEB_CONCURRENCY workers):
  1. a bare Bolt app whose only command acks, with Bolt's default listener runner,
  2. the same bare app with process_before_response=True,
  3. ask-team itself (`ask-team serve`, SQLite), answering /ask-team with a question card,
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
WARMUP_PER_CLIENT = 20
PORT = 3471


@dataclass
class Result:
    name: str
    latencies_ms: list[float]
    seconds: float

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


def wait_until_up(process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("server exited before it was ready")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=1)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("server did not come up")


def hammer(name: str) -> Result:
    signer = SignatureVerifier(SECRET)
    latencies: list[float] = []
    lock = threading.Lock()
    start_gate = threading.Barrier(CLIENTS + 1)
    failures: list[str] = []

    def client(number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
        body, headers = signed_command(signer, f"U0BENCH{number:03d}")
        mine: list[float] = []
        for index in range(WARMUP_PER_CLIENT + REQUESTS_PER_CLIENT):
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


def run(name: str, command: list[str], env: dict[str, str]) -> Result:
    process = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_until_up(process)
        return hammer(name)
    finally:
        process.terminate()
        process.wait(timeout=15)


def main() -> None:
    fake = FakeSlack()
    workdir = Path(tempfile.mkdtemp(prefix="ask-team-bench-"))
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{workdir / 'bench.db'}"),
        "PORT": str(PORT),
        "SCHEDULER": "off",
        "LOG_LEVEL": "WARNING",
    }
    env.setdefault("WEB_CONCURRENCY", "2")
    env.setdefault("WEB_THREADS", "4")
    python = sys.executable
    backend = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
    results = [
        run(
            "bare Bolt, default runner (ack polled 10 ms)",
            [python, "bench/bare_app.py", "default"],
            env,
        ),
        run(
            "bare Bolt, process_before_response",
            [python, "bench/bare_app.py", "before-response"],
            env,
        ),
        run(f"ask-team /ask-team (question card, {backend})", [python, "-m", "bot", "serve"], env),
    ]
    fake.close()
    total = CLIENTS * REQUESTS_PER_CLIENT
    print(
        f"{CLIENTS} concurrent clients x {REQUESTS_PER_CLIENT} signed /ask-team requests "
        f"({total} per app), gunicorn asyncio {env['WEB_CONCURRENCY']} workers x "
        f"{env['WEB_THREADS']} threads, {os.cpu_count()} CPUs"
    )
    print(f"{'app':<44} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>9}")
    for result in results:
        print(result.row())
    bare, ours = results[1], results[2]
    ratio = statistics.median(ours.latencies_ms) / statistics.median(bare.latencies_ms)
    print(f"ask-team p50 / bare process_before_response p50 = {ratio:.2f}x")


if __name__ == "__main__":
    main()
