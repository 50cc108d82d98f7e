"""How long work queued after an acknowledgement stays only in memory.

A confirmation DM or a Home refresh is queued in the process after the ack; a SIGKILL before
Slack has it loses it (the answer itself is already committed). This measures that window:
from the ack of a Log answers submission to the moment the fake Slack has the confirming DM,
with Slack answering at once and with Slack answering after 200 ms, next to the ack itself.
Usage: python bench/after_ack_window.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app.bolt_app import create_app  # noqa: E402
from bot.app.web import wsgi_app  # noqa: E402
from bot.domain.question_bank import QuestionBank  # noqa: E402
from bot.playground.fake_slack import FakeSlack  # noqa: E402
from bot.playground.local_server import LocalServer  # noqa: E402
from bot.playground.slack_driver import SlackDriver, log_values  # noqa: E402
from bot.senders.after_ack import AfterAckSender  # noqa: E402
from bot.services.deps import Deps  # noqa: E402
from bot.store import migrate  # noqa: E402
from bot.store.database import Database  # noqa: E402
from bot.store.slack_client import web_client  # noqa: E402
from bot.vocabulary.config import Settings  # noqa: E402

SECRET = "bench-signing-secret"
SAMPLES = 200


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def measure(latency: float, directory: Path) -> tuple[list[float], list[float]]:
    fake = FakeSlack()
    fake.validate = False
    settings = Settings(
        slack_bot_token="xoxb-bench",
        slack_signing_secret=SECRET,
        slack_api_url=fake.api_url,
        database_url=f"sqlite:///{directory / f'window-{latency}.db'}",
    )
    database = Database(settings.database_url)
    migrate.upgrade(database)
    sender = AfterAckSender(web_client(settings))
    app = wsgi_app(create_app(settings, Deps(database, QuestionBank.load()), sender=sender))
    server = LocalServer(app)
    slack = SlackDriver(f"{server.url}/slack/events", SECRET, fake.response_url())
    card = slack.command("vision").json["blocks"]
    log = next(
        element
        for block in card
        if block["type"] == "actions"
        for element in block["elements"]
        if element["text"]["text"] == "Log answers"
    )
    slack.click(log["action_id"], log["value"])
    view = fake.wait_for("views.open")[0].params["view"]
    sender.wait_idle()
    fake.latency_seconds = latency
    acks, windows = [], []
    for n in range(SAMPLES):
        before = len(fake.calls_to("chat.postMessage"))
        started = time.perf_counter()
        slack.submit(view, log_values(f"answer {n}"))
        acked = time.perf_counter()
        fake.wait_for("chat.postMessage", before + 1, timeout=10)
        landed = time.perf_counter()
        sender.wait_idle()
        acks.append((acked - started) * 1000)
        windows.append((landed - acked) * 1000)
    server.stop()
    fake.close()
    database.dispose()
    return acks, windows


def main() -> None:
    print(f"{SAMPLES} Log answers submissions, SQLite, one at a time (ms)")
    print(
        f"{'Slack answers after':<22} {'ack p50':>8} {'ack p99':>8} {'window p50':>11} {'p99':>8}"
    )
    with tempfile.TemporaryDirectory() as directory:
        for latency in (0.0, 0.2):
            acks, windows = measure(latency, Path(directory))
            print(
                f"{f'{latency * 1000:.0f} ms':<22} {statistics.median(acks):>8.2f} "
                f"{percentile(acks, 0.99):>8.2f} {statistics.median(windows):>11.2f} "
                f"{percentile(windows, 0.99):>8.2f}"
            )


if __name__ == "__main__":
    main()
