"""History at scale: 1,000,000 logged answers over 2,000 leaders on PostgreSQL.

Fills a database (default: postgresql://postgres@127.0.0.1:5432/bench, which it resets; set
BENCH_DATABASE_URL to change it) with generated entries, then times, over random leaders:
the first history page, a page deep in the keyset, word searches, and building the App Home.
One more leader has a log of BENCH_BIG_LOG entries, to time search where the full-text index,
not the leader's own rows, has to do the work. Prints p50/p95 in milliseconds.
Usage: python bench/history.py
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, make_url, text  # noqa: E402

from bot.blocks.home import home_view  # noqa: E402
from bot.domain.history_filters import HistoryQuery  # noqa: E402
from bot.domain.question_bank import QuestionBank  # noqa: E402
from bot.services.context import Caller, Context  # noqa: E402
from bot.services.deps import Deps  # noqa: E402
from bot.services.home import home_of  # noqa: E402
from bot.services.log import Cursor, browse  # noqa: E402
from bot.store import migrate  # noqa: E402
from bot.store.database import Database  # noqa: E402
from bot.vocabulary.config import normalize_database_url  # noqa: E402

ENTRIES = int(os.environ.get("BENCH_ENTRIES", "1000000"))
LEADERS = int(os.environ.get("BENCH_LEADERS", "2000"))
SAMPLES = int(os.environ.get("BENCH_SAMPLES", "300"))
BIG_LOG = int(os.environ.get("BENCH_BIG_LOG", "100000"))
# One answer in a thousand mentions it: most leaders have none, the big log a hundred.
RARE_WORD = "offsite"
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
# A sentence of words reads better than a column of thirty strings. An answer names three
# of them, chosen so that "deadline" and "training" meet in one answer in 15 and "budget"
# and "deadline" never do: a search that must look at every one of a leader's entries.
WORDS = (  # noqa: SIM905
    "budget deadline hiring morale roadmap customer release onboarding meeting friction "
    "promotion feedback burnout training estimate quality travel office remote vision "
    "priority launch bug support sales design review pairing holiday conference"
).split()


ENTRIES_SQL = (
    "INSERT INTO entries (leader_id, question_ref, question_text, habit, answer, "
    "heartbeat, promise, created_at) "
    "SELECT {leader}, 'vision-01', "
    "'How would you explain where our team is heading to a friend?', "
    "(ARRAY['questions','people','heartbeat','vision','follow-through'])[1 + g % 5], "
    "'The team talked about ' || w.a[1 + (g * 7) % :n] || ' and ' || "
    "w.a[1 + (g * 13) % :n] || ', then ' || w.a[1 + (g * 31) % :n] "
    "|| ' came up again.' || CASE WHEN g % 1000 = 0 THEN ' And the ' || :rare ELSE '' END, "
    "1 + g % 5, "
    "CASE WHEN g % 4 = 0 THEN 'Follow up on the ' || w.a[1 + (g * 17) % :n] "
    "ELSE NULL END, "
    ":now - make_interval(hours => (g / :leaders) * 3, secs => g % 3600) "
    "FROM generate_series(1, :entries) AS g, (SELECT CAST(:words AS text[]) AS a) AS w"
)


def fill_values(entries: int) -> dict[str, object]:
    return {
        "now": NOW.replace(tzinfo=None),
        "leaders": LEADERS,
        "entries": entries,
        "words": WORDS,
        "n": len(WORDS),
        "rare": RARE_WORD,
    }


def create_database_if_missing(url: str) -> None:
    """A fresh PostgreSQL server has no "bench" database: make it from the maintenance one."""
    target = make_url(url)
    server = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        found = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
        ).first()
        if found is None:
            connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    server.dispose()


def fill(database: Database) -> float:
    started = time.perf_counter()
    with database.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(database)
    with database.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO leaders (team_id, user_id, created_at) "
                "SELECT 'T0BENCH', 'U' || lpad(g::text, 8, '0'), :now "
                "FROM generate_series(1, :leaders) AS g"
            ),
            {"now": NOW.replace(tzinfo=None), "leaders": LEADERS},
        )
        # Each leader gets an equal share, one entry every few hours back in time; answers
        # and promises are made of WORDS, so a word search has something to find.
        connection.execute(
            text(ENTRIES_SQL.format(leader="1 + g % :leaders")), fill_values(ENTRIES)
        )
        connection.execute(
            text(
                "INSERT INTO leaders (team_id, user_id, created_at) "
                "VALUES ('T0BENCH', 'UBIGLOG', :now)"
            ),
            {"now": NOW.replace(tzinfo=None)},
        )
        connection.execute(
            text(ENTRIES_SQL.format(leader=str(LEADERS + 1))),
            fill_values(BIG_LOG) | {"leaders": 1},
        )
        connection.execute(text("ANALYZE"))
    return time.perf_counter() - started


def timed(samples: int, work: Callable[[int], object]) -> tuple[float, float]:
    """p50 and p95 in ms; a `work` that returns seconds reports its own timing."""
    durations = []
    for _ in range(samples):
        leader_id = random.randint(1, LEADERS)
        started = time.perf_counter()
        own = work(leader_id)
        elapsed = own if isinstance(own, float) else time.perf_counter() - started
        durations.append(elapsed * 1000)
    durations.sort()
    return statistics.median(durations), durations[int(len(durations) * 0.95) - 1]


def main() -> None:
    url = normalize_database_url(
        os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/bench")
    )
    create_database_if_missing(url)
    database = Database(url)
    seconds = fill(database)
    deps = Deps(database=database, bank=QuestionBank.load())
    query = HistoryQuery()

    def as_leader(leader_id: int) -> Context:
        # The use cases' own request: the leader's row is looked up as for a real one.
        user_id = "UBIGLOG" if leader_id == LEADERS + 1 else f"U{leader_id:08d}"
        return Context(deps, Caller("T0BENCH", user_id), NOW)

    def first_page(leader_id: int) -> object:
        return browse(as_leader(leader_id), query)

    def deep_page(leader_id: int) -> object:
        with database.transaction(writes=False) as session:
            deep = session.execute(
                text(
                    "SELECT created_at, id FROM entries WHERE leader_id = :id "
                    "ORDER BY created_at DESC, id DESC OFFSET 400 LIMIT 1"
                ),
                {"id": leader_id},
            ).one()
            cursor = Cursor(deep.created_at.replace(tzinfo=UTC), deep.id)
        # Timed on its own: finding the cursor above is the benchmark's, not the bot's, work.
        started = time.perf_counter()
        browse(as_leader(leader_id), query, older_than=cursor)
        return time.perf_counter() - started

    def searching(words: str, big_log: bool = False) -> Callable[[int], object]:
        search = HistoryQuery(words=words)

        def word_search(leader_id: int) -> object:
            return browse(as_leader(LEADERS + 1 if big_log else leader_id), search)

        return word_search

    def home(leader_id: int) -> object:
        return home_view(home_of(as_leader(leader_id))).to_dict()

    per_leader = ENTRIES // LEADERS
    print(
        f"{ENTRIES:,} entries over {LEADERS:,} leaders ({per_leader} each), "
        f"filled in {seconds:.0f} s; {SAMPLES} samples each, random leaders"
    )
    print(f"{'':44} {'p50 ms':>8} {'p95 ms':>8}")
    for name, work in (
        ("first history page", first_page),
        ("a page 400 entries deep (keyset)", deep_page),
        ("search 'deadline training' (1 in 15 match)", searching("deadline training")),
        ("search 'budget deadline' (none match)", searching("budget deadline")),
        (f"search '{RARE_WORD}' (1 in 1,000 match)", searching(RARE_WORD)),
        (f"  {BIG_LOG:,} log: 'deadline training'", searching("deadline training", True)),
        (f"  {BIG_LOG:,} log: 'budget deadline'", searching("budget deadline", True)),
        (f"  {BIG_LOG:,} log: '{RARE_WORD}'", searching(RARE_WORD, True)),
        ("App Home build (queries + Block Kit)", home),
    ):
        for _ in range(20):
            work(random.randint(1, LEADERS))
        p50, p95 = timed(SAMPLES, work)
        print(f"{name:44} {p50:8.2f} {p95:8.2f}")


if __name__ == "__main__":
    main()
