"""Word search on SQLite (FTS5), the embedded default: 200,000 entries over 1,000 leaders.

Fills a fresh SQLite file in a temporary directory with answers made of the same words as
bench/history.py, then times `/ask-team history <words>` for random leaders: a common pair
that meets in one answer in 15, a pair that never meets, and a rare word.
Prints p50/p95 in milliseconds. Usage: python bench/search_sqlite.py
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from bench.history import RARE_WORD, WORDS  # noqa: E402
from bot.domain.history_filters import HistoryQuery  # noqa: E402
from bot.domain.question_bank import QuestionBank  # noqa: E402
from bot.services.context import Caller, Context  # noqa: E402
from bot.services.deps import Deps  # noqa: E402
from bot.services.log import browse  # noqa: E402
from bot.store import migrate  # noqa: E402
from bot.store.database import Database  # noqa: E402
from bot.store.models import Entry, Leader  # noqa: E402

LEADERS = int(os.environ.get("BENCH_LEADERS", "1000"))
PER_LEADER = int(os.environ.get("BENCH_PER_LEADER", "200"))
SAMPLES = int(os.environ.get("BENCH_SAMPLES", "300"))
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def answer(g: int) -> str:
    """Answer number g, worded as bench/history.py words its answers."""
    n = len(WORDS)
    said = f"The team talked about {WORDS[g * 7 % n]} and {WORDS[g * 13 % n]}, then "
    said += f"{WORDS[g * 31 % n]} came up again."
    return said + (f" And the {RARE_WORD}" if g % 1000 == 0 else "")


def fill(database: Database) -> float:
    started = time.perf_counter()
    migrate.upgrade(database)
    with database.connection() as connection:
        connection.execute(
            insert(Leader),
            [
                {"team_id": "T0BENCH", "user_id": f"U{n:08d}", "created_at": NOW}
                for n in range(LEADERS)
            ],
        )
        connection.execute(
            insert(Entry),
            [
                {
                    "leader_id": 1 + g % LEADERS,
                    "question_ref": "vision-01",
                    "question_text": "How would you explain where our team is heading to a friend?",
                    "habit": "vision",
                    "answer": answer(g),
                    "heartbeat": 1 + g % 5,
                    "created_at": NOW - timedelta(hours=g // LEADERS * 3, seconds=g % 3600),
                }
                for g in range(1, LEADERS * PER_LEADER + 1)
            ],
        )
    return time.perf_counter() - started


def main() -> None:
    database = Database(f"sqlite:///{Path(tempfile.mkdtemp(prefix='ask-team-bench-')) / 'b.db'}")
    seconds = fill(database)
    deps = Deps(database=database, bank=QuestionBank.load())
    print(
        f"SQLite: {LEADERS * PER_LEADER:,} entries over {LEADERS:,} leaders ({PER_LEADER} each), "
        f"filled in {seconds:.0f} s; {SAMPLES} samples each, random leaders"
    )
    print(f"{'':44} {'p50 ms':>8} {'p95 ms':>8}")
    for label, words in (
        ("search 'deadline training' (1 in 15 match)", "deadline training"),
        ("search 'budget deadline' (none match)", "budget deadline"),
        (f"search '{RARE_WORD}' (1 in 1,000 match)", RARE_WORD),
    ):
        query = HistoryQuery(words=words)
        durations = []
        for _ in range(SAMPLES):
            # Leader n + 1 is user U{n:08d} (fill inserts them in order).
            caller = Caller("T0BENCH", f"U{random.randrange(LEADERS):08d}")
            started = time.perf_counter()
            browse(Context(deps, caller, NOW), query)
            durations.append((time.perf_counter() - started) * 1000)
        durations.sort()
        p95 = durations[int(len(durations) * 0.95) - 1]
        print(f"{label:44} {statistics.median(durations):8.2f} {p95:8.2f}")


if __name__ == "__main__":
    main()
