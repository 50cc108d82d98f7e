"""A channel of 500 answering within the same minute.

A leader asks a channel (`/ask-team ask #team anonymously …`); then 500 people in it press
Answer and send the form within 60 s, at random moments, from SENDERS concurrent senders.
Each submission is timed until the app's HTTP response (Slack's ack: the answer is saved and
the modal's `response_action=update` is in it). As a baseline, measured the same way in the
same run just before: as many plain `/ask-team` commands (the question card) from other
people, at random moments over the same seconds.

The real app (bot/app/bolt_app.py behind bot/app/web.py) answers over HTTP on loopback
against the fake Slack, in this process, as in the tests. Every answer queues a refresh of the
channel message's "N answers so far", which the app sends at most once every 5 s (across processes,
a claim in the database). After the last answer the bench waits for the message to show all
of them, then prints p50/p95/p99/max of both, and the chat.update calls the channel message
got: how many, over how long (first answer sent to the last update), the shortest gap.
Exits non-zero if a request was not answered 200 with what Slack expects, or the count the
message ends on (or the database holds) is not the number who answered.

Usage: python bench/team_answers.py [--seconds 60] [--answers 500] [--senders 16]
       [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench]
(SQLite in a temporary file by default; a PostgreSQL database, given here or in
BENCH_DATABASE_URL, is reset.)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from bot.app.bolt_app import create_app  # noqa: E402
from bot.app.runtime import deps_for  # noqa: E402
from bot.app.web import wsgi_app  # noqa: E402
from bot.domain.question_bank import QuestionBank  # noqa: E402
from bot.domain.team_ask_rules import COUNT_UPDATE_EVERY  # noqa: E402
from bot.playground.answer_form import answer_values  # noqa: E402
from bot.playground.fake_slack import Call, FakeSlack, block_kit_problems  # noqa: E402
from bot.playground.local_server import LocalServer  # noqa: E402
from bot.playground.slack_driver import Response, SlackDriver, User  # noqa: E402
from bot.senders.after_ack import AfterAckSender  # noqa: E402
from bot.store import migrate  # noqa: E402
from bot.store.database import Database  # noqa: E402
from bot.store.slack_client import web_client  # noqa: E402
from bot.store.team_asks import answer_count  # noqa: E402
from bot.vocabulary.config import Settings, normalize_database_url  # noqa: E402

SECRET = "bench-signing-secret"
TEAM = "T0BENCH"
CHANNEL = "C0BENCH"
LEADER = User("U0LEADER", TEAM, "leader")
QUESTION = "What should we stop doing?"
WARMUP = 20
THANKS = "Thank you: your answer is in."
# After the last answer the message shows it within COUNT_UPDATE_EVERY (plus a recheck);
# waiting this long for it means it never will.
SETTLE_TIMEOUT = 30.0


@dataclass
class Phase:
    """One column: each request's latency in ms, how late it left, what went wrong; when it
    started and ended (time.monotonic, the fake Slack's clock for its calls)."""

    name: str
    latencies_ms: list[float] = field(default_factory=list)
    late_ms: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    started: float = 0.0
    ended: float = 0.0

    def at(self, share: float) -> float:
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="spread over (default 60)")
    parser.add_argument("--answers", type=int, default=500, help="people answering (500)")
    parser.add_argument("--senders", type=int, default=16, help="concurrent senders (16)")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL"),
        help="PostgreSQL to use (it is reset); default: SQLite in a temporary file",
    )
    return parser.parse_args()


def prepare(database: Database) -> None:
    if not database.is_sqlite:
        with database.engine.begin() as connection:
            # The bench database is ours alone: start from an empty schema.
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(database)


def spread(
    phase: Phase,
    requests: list[Callable[[], Response]],
    seconds: float,
    senders: int,
    check: Callable[[int, Response], str | None],
    seed: int,
) -> None:
    """Send `requests` at random moments over `seconds`, from `senders` threads at most."""
    rng = random.Random(seed)
    moments = sorted(rng.uniform(0, seconds) for _ in requests)
    lock = threading.Lock()
    phase.started = time.monotonic()

    def send(index: int, moment: float) -> None:
        wait = phase.started + moment - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        left = time.monotonic()
        began = time.perf_counter()
        try:
            response = requests[index]()
        except OSError as error:
            with lock:
                phase.failures.append(f"#{index}: {type(error).__name__}: {error}")
            return
        took = (time.perf_counter() - began) * 1000
        problem = check(index, response)
        with lock:
            phase.latencies_ms.append(took)
            phase.late_ms.append(max(0.0, left - phase.started - moment) * 1000)
            if problem:
                phase.failures.append(f"#{index}: {problem}")

    with ThreadPoolExecutor(max_workers=senders, thread_name_prefix="bench-sender") as pool:
        for index, moment in enumerate(moments):
            pool.submit(send, index, moment)
    phase.ended = time.monotonic()


def command_sender(slack: SlackDriver, user: User, words: str) -> Callable[[], Response]:
    body = urlencode(slack.command_form(words, user, CHANNEL)).encode()
    return lambda: slack.post(body)


def interaction_sender(slack: SlackDriver, payload: dict[str, Any]) -> Callable[[], Response]:
    body = urlencode({"payload": json.dumps(payload)}).encode()
    return lambda: slack.post(body)


def blocks_of(call: Call) -> list[dict[str, Any]]:
    blocks = call.params.get("blocks") or []
    return list(json.loads(blocks) if isinstance(blocks, str) else blocks)


def answer_button(call: Call) -> tuple[dict[str, Any], dict[str, Any]]:
    """The Answer button on the channel message in `call`, and the block it sits in."""
    for block in blocks_of(call):
        for element in block.get("elements", []):
            if element.get("type") == "button" and element["text"]["text"] == "Answer":
                return block, element
    raise SystemExit(f"no Answer button on the channel message: {blocks_of(call)}")


def shows(call: Call, count: int) -> bool:
    """Whether the channel message in `call` says `count` answers so far."""
    noun = "answer" if count == 1 else "answers"
    return f"{count} {noun} so far" in json.dumps(blocks_of(call))


def count_line(call: Call) -> str:
    """What the channel message in `call` says about its count ("N answers so far")."""
    for block in blocks_of(call):
        for element in block.get("elements", []):
            said = str(element.get("text", "")) if isinstance(element, dict) else ""
            if "so far" in said:
                return said.split(" · ")[0]
    return "no count shown"


def main() -> None:
    args = arguments()
    workdir = Path(tempfile.mkdtemp(prefix="ask-team-bench-answers-"))
    url = normalize_database_url(args.database_url or f"sqlite:///{workdir / 'answers.db'}")
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    fake = FakeSlack()
    settings = Settings(
        slack_bot_token="xoxb-bench",
        slack_signing_secret=SECRET,
        slack_api_url=fake.api_url,
        database_url=url,
    )
    database = Database(url)
    prepare(database)
    deps = deps_for(settings, database, QuestionBank.load())
    sender = AfterAckSender(web_client(settings))
    server = LocalServer(wsgi_app(create_app(settings, deps, sender=sender)))
    slack = SlackDriver(f"{server.url}/slack/events", SECRET, fake.response_url())
    # The ts Slack gave the channel message, which every chat.update of its count names.
    posted_ts: list[str] = []
    fake.observers.append(
        lambda call, body: (
            posted_ts.append(str(body["ts"]))
            if call.method == "chat.postMessage" and call.params.get("channel") == CHANNEL
            else None
        )
    )
    try:
        # The leader asks the channel; the Answer button on the post carries the ask's id.
        asked = slack.command(f"ask <#{CHANNEL}|team> anonymously {QUESTION}", LEADER, CHANNEL)
        if asked.status != 200 or "Asking" not in asked.text:
            raise SystemExit(f"the ask was refused: {asked.status} {asked.text[:200]}")
        (post,) = fake.wait_for("chat.postMessage")
        if post.params.get("channel") != CHANNEL:
            raise SystemExit(f"the ask went to {post.params.get('channel')}, not {CHANNEL}")
        block, pressed = answer_button(post)
        ask_id = int(pressed["value"])
        message_ts = posted_ts[0]
        people = [User(f"U0B{n:06d}", TEAM, f"member{n}") for n in range(args.answers)]

        # One of them presses Answer: the form Slack opens is the same for everyone here.
        press = slack.click_payload(
            pressed["action_id"],
            pressed["value"],
            people[0],
            block_id=block["block_id"],
            channel=CHANNEL,
            ephemeral=False,
        )
        if slack.interaction(press).status != 200:
            raise SystemExit("pressing Answer failed")
        (opened,) = fake.wait_for("views.open")
        view = opened.params["view"]
        view = json.loads(view) if isinstance(view, str) else dict(view)
        if json.loads(view["private_metadata"]) != {"a": ask_id, "c": CHANNEL}:
            raise SystemExit(f"unexpected answer form metadata: {view['private_metadata']}")

        # Warm up on the baseline's path (imports, connections), measured by neither column.
        for n in range(WARMUP):
            slack.command("", User(f"U0W{n:06d}", TEAM, "warm"), CHANNEL)
        sender.wait_idle()

        def command_ok(_index: int, response: Response) -> str | None:
            if response.status != 200:
                return f"{response.status} {response.text[:120]}"
            if "went wrong" in response.text or not response.json.get("blocks"):
                return f"no question card: {response.text[:120]}"
            return None

        baseline = Phase("/ask-team (baseline)")
        spread(
            baseline,
            [
                command_sender(slack, User(f"U0A{n:06d}", TEAM, f"lead{n}"), "")
                for n in range(args.answers)
            ],
            args.seconds,
            args.senders,
            command_ok,
            seed=1,
        )
        sender.wait_idle(timeout=30)

        acks: list[dict[str, Any]] = [{} for _ in people]

        def answer_ok(index: int, response: Response) -> str | None:
            if response.status != 200:
                return f"{response.status} {response.text[:120]}"
            acks[index] = body = response.json
            if body.get("response_action") != "update" or THANKS not in json.dumps(body):
                return f"not taken: {response.text[:160]}"
            return None

        submissions = [
            interaction_sender(
                slack, slack.submission_payload(view, answer_values(f"Stop meeting {n}"), person)
            )
            for n, person in enumerate(people)
        ]
        answers = Phase("Answer submitted")
        fake.forget_calls()
        spread(
            answers,
            submissions,
            args.seconds,
            args.senders,
            answer_ok,
            seed=2,
        )

        # The count catches up within COUNT_UPDATE_EVERY of the last answer.
        def updates() -> list[Call]:
            return [
                c
                for c in fake.calls_to("chat.update")
                if c.params.get("channel") == CHANNEL and c.params.get("ts") == message_ts
            ]

        deadline = time.monotonic() + SETTLE_TIMEOUT
        while time.monotonic() < deadline and not (updates() and shows(updates()[-1], len(people))):
            time.sleep(0.1)
        # Anything still queued (it should be nothing) lands before counting.
        time.sleep(1.5)
        sender.wait_idle()
        channel_updates = updates()
        with database.connection() as connection:
            stored = answer_count(connection, ask_id)
        problems = list(fake.problems)
        done_view = next((a.get("view") for a in acks if a.get("view")), None)
        if done_view is not None:
            problems += block_kit_problems({"view": done_view}, is_message=False)
    finally:
        server.stop()
        fake.close()
        database.dispose()

    print(
        f"{args.answers} people answer one anonymous channel ask within {args.seconds:g} s, "
        f"{args.senders} concurrent senders, a new connection each; {backend}; "
        f"{os.cpu_count()} CPUs. Baseline: as many plain /ask-team over the same seconds."
    )
    print(f"{'ms':<8} {baseline.name:>22} {answers.name:>18}")
    for label, share in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99), ("max", 1.0)):
        print(f"{label:<8} {baseline.at(share):>22.1f} {answers.at(share):>18.1f}")
    for phase in (baseline, answers):
        print(
            f"{phase.name}: {len(phase.latencies_ms)} answered in "
            f"{phase.ended - phase.started:.1f} s; latest start "
            f"{max(phase.late_ms, default=0):.0f} ms behind its moment"
        )

    gaps = [b.at - a.at for a, b in pairwise(channel_updates)]
    span = channel_updates[-1].at - answers.started if channel_updates else 0.0
    shortest = f"{min(gaps):.2f} s" if gaps else "n/a"
    print(f"updates: {len(channel_updates)} in {span:.1f} s, shortest gap {shortest}")
    final = channel_updates[-1] if channel_updates else None
    if final is not None:
        print(
            f"last update: “{count_line(final)}”, {final.at - answers.ended:.1f} s after the "
            f"last ack; {stored} answers in the database"
        )

    errors = []
    for phase in (baseline, answers):
        if phase.failures:
            errors.append(f"{phase.name}: {len(phase.failures)} failed, e.g. {phase.failures[:3]}")
    if stored != len(people):
        errors.append(f"{stored} answers in the database, not {len(people)}")
    if final is None or not shows(final, len(people)):
        errors.append(f"the channel message does not end on {len(people)} answers")
    if gaps and min(gaps) < COUNT_UPDATE_EVERY.total_seconds() - 0.1:
        print(f"note: two updates closer than {COUNT_UPDATE_EVERY.total_seconds():g} s")
    if problems:
        errors.append(f"Slack would reject: {problems[:3]}")
    if errors:
        raise SystemExit("FAILED: " + "; ".join(errors))


if __name__ == "__main__":
    main()
