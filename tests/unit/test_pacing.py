"""The bucket's arithmetic and a workspace's learned pace, with time passed in, and paced
sends: each workspace within its budget, none held up by another, what was learned kept for
the next run (the real passes are in tests/e2e/test_pacing.py; the rule itself in
tests/unit/test_pace_rules.py)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from bot.domain.pace_rules import RAISE_EVERY_SECONDS, PaceChange
from bot.senders.nudges import retry_after
from bot.senders.pacing import (
    Budget,
    GiveUp,
    InMemoryPaceMemory,
    Later,
    Pace,
    PacedSends,
    TokenBucket,
    calling_slack,
)

# -- the bucket ----------------------------------------------------------------------------


def test_a_budget_allows_its_burst_at_once_then_its_rate() -> None:
    bucket = TokenBucket(Budget(per_minute=60, burst=3), now=0.0)

    for _ in range(3):
        assert bucket.ready_at(0.0) == 0.0
        bucket.take(0.0)

    assert bucket.ready_at(0.0) == 1.0
    bucket.take(1.0)
    assert bucket.ready_at(1.0) == 2.0


def test_retry_after_holds_a_workspace_back_even_with_budget_left() -> None:
    bucket = TokenBucket(Budget(per_minute=600, burst=10), now=0.0)

    bucket.pause_until(5.0)

    assert bucket.ready_at(1.0) == 5.0


# -- a workspace's pace, learned ------------------------------------------------------------


def sends_then_a_429(pace: Pace, sends: int) -> tuple[tuple[PaceChange, float] | None, float]:
    """`sends` made as soon as the pace allows from time 0, all but the last taken by Slack;
    the last refused, the answer back 50 ms later, Slack asking for a second. The change, and
    when the answer came."""
    moment = 0.0
    for n in range(sends):
        moment = pace.ready_at(moment)
        pace.take(moment)
        if n < sends - 1:
            pace.accepted(moment)
    answered = moment + 0.05
    return pace.refused(answered, sent_at=moment, seconds=1.0), answered


def test_a_learning_pace_starts_with_one_send_then_its_pace() -> None:
    pace = Pace(Budget(per_minute=300, burst=10), learned=None, now=0.0)

    assert pace.ready_at(0.0) == 0.0
    pace.take(0.0)
    assert pace.ready_at(0.0) == pytest.approx(0.2), "no burst: Slack's bucket drains slowly"


def test_its_first_429_measures_slacks_rate_beyond_the_burst_and_goes_under_it() -> None:
    # A workspace allowing 120 a minute with bursts of 10, sent to every 0.2 s: Slack takes
    # 16 (the last at 3.0 s) and refuses the 17th.
    pace = Pace(Budget(per_minute=300, burst=10), learned=None, now=0.0)
    for n in range(16):
        pace.take(n * 0.2)
        pace.accepted(n * 0.2)
    pace.take(3.2)

    change = pace.refused(3.25, sent_at=3.2, seconds=1.0)

    assert change is not None
    assert change[0] == "lowered"
    assert 100.0 < change[1] < 120.0


def test_a_429_lowers_the_pace_and_its_burst_and_the_retry_after_holds_it() -> None:
    pace = Pace(Budget(per_minute=300, burst=10), learned=None, now=0.0)

    change, answered = sends_then_a_429(pace, sends=12)

    assert change is not None
    outcome, per_minute = change
    assert outcome == "lowered"
    assert per_minute < 300
    assert pace.bucket.capacity < 10
    assert pace.ready_at(answered) == answered + 1.0, "Slack's Retry-After"
    pace.take(answered + 1.0)
    assert pace.ready_at(answered + 1.0) > answered + 1.0, "no burst piled up while paused"


def test_the_sends_between_two_429s_measure_slacks_pace_and_the_pace_goes_under_it() -> None:
    pace = Pace(Budget(per_minute=300, burst=10), learned=None, now=0.0)
    # Refused right after Slack's burst: nothing to measure by, halved.
    _, answered = sends_then_a_429(pace, sends=11)
    first_refused = answered - 0.05
    # Slack takes one every half second from its Retry-After on, then refuses again.
    sends = [answered + 1.0 + 0.5 * n for n in range(10)]
    for moment in sends[:-1]:
        pace.take(moment)
        pace.accepted(moment)
    pace.take(sends[-1])

    change = pace.refused(sends[-1] + 0.05, sent_at=sends[-1], seconds=1.0)

    # Nine sends from the first 429's to the second's.
    took = 9 * 60 / (sends[-1] - first_refused)
    assert change is not None
    assert 0.8 * took < change[1] < took
    assert pace.bucket.capacity == 3


def test_a_429_for_a_send_made_before_the_last_change_does_not_lower_again() -> None:
    pace = Pace(Budget(per_minute=300, burst=10), learned=None, now=0.0)
    _, answered = sends_then_a_429(pace, sends=12)
    lowered = pace.per_minute

    # Another was on its way at the old pace; its 429 says nothing new.
    assert pace.refused(answered + 0.01, sent_at=answered - 0.2, seconds=1.0) is None
    assert pace.per_minute == lowered


def test_quiet_sending_raises_a_lowered_pace_back_to_the_budget_and_no_further() -> None:
    pace = Pace(Budget(per_minute=300, burst=10), learned=100.0, now=0.0)

    assert pace.take(1.0) is None, "not quiet for long enough yet"
    raised = pace.take(RAISE_EVERY_SECONDS)
    assert raised is not None
    assert raised[0] == "raised"
    assert 100.0 < raised[1] < 300.0

    changes = [pace.take(RAISE_EVERY_SECONDS * n) for n in range(2, 400)]
    assert pace.per_minute == 300.0
    assert pace.bucket.capacity == 10
    assert changes[-1] is None, "at the budget, nothing more to raise"


def test_a_workspace_starts_from_its_learned_pace_with_a_burst_in_proportion() -> None:
    pace = Pace(Budget(per_minute=300, burst=20), learned=60.0, now=0.0)

    assert pace.per_minute == 60.0
    assert pace.bucket.capacity == 4
    pace.take(0.0)
    assert pace.ready_at(0.0) == 1.0


def test_a_fixed_budget_never_changes_its_pace() -> None:
    pace = Pace(Budget(per_minute=300, burst=10, adaptive=False), learned=100.0, now=0.0)

    assert pace.per_minute == 300
    change, answered = sends_then_a_429(pace, sends=13)
    assert change is None
    assert answered < 1.0, "a fixed budget bursts"
    assert pace.ready_at(answered) == answered + 1.0, "the Retry-After still holds"
    assert pace.take(3600.0) is None
    assert pace.per_minute == 300


# -- sending ----------------------------------------------------------------------------------


def test_a_rate_limited_workspace_waits_while_the_others_go_on() -> None:
    sent: list[str] = []
    lock = threading.Lock()
    told_to_wait = set()

    def send(team: str, item: str) -> str | Later:
        with lock:
            if team == "slow" and item not in told_to_wait:
                told_to_wait.add(item)
                return Later(0.5)
            sent.append(item)
        return "sent"

    paced: PacedSends[str, str, str] = PacedSends(Budget(6000, 10), workers=4)
    results = paced.run({"slow": ["s1", "s2"], "fast": ["f1", "f2", "f3"]}, send)

    assert sorted(results) == ["sent"] * 5
    assert sent[:3] == ["f1", "f2", "f3"], "the fast workspace did not wait for the slow one"
    assert sent[3:] == ["s1", "s2"]


def test_giving_up_on_a_workspace_answers_for_its_remaining_items_without_sending_them() -> None:
    tried: list[str] = []

    def send(team: str, item: str) -> str | GiveUp[str]:
        tried.append(item)
        return GiveUp("refused", "not tried") if team == "revoked" else "sent"

    paced: PacedSends[str, str, str] = PacedSends(Budget(6000, 10), workers=2)
    results = paced.run({"revoked": ["r1", "r2", "r3"], "fine": ["f1"]}, send)

    assert sorted(results) == ["not tried", "not tried", "refused", "sent"]
    assert sorted(tried) == ["f1", "r1"]


def test_giving_up_with_several_sends_in_flight_still_ends_the_run() -> None:
    def send(team: str, item: int) -> str | GiveUp[str]:
        return GiveUp("refused", "not tried") if item == 1 else "sent"

    paced: PacedSends[str, int, str] = PacedSends(Budget(60, burst=1), workers=2, per_key=2)
    finished: list[list[str]] = []
    runner = threading.Thread(target=lambda: finished.append(paced.run({"A": [1, 2, 3]}, send)))
    runner.start()
    runner.join(timeout=10)

    assert finished, "the run never ended"
    assert "refused" in finished[0]


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_send_that_raises_does_not_hang_the_run() -> None:
    def send(team: str, item: int) -> str:
        if item == 1:
            raise RuntimeError("a bug in send")
        return "sent"

    paced: PacedSends[str, int, str] = PacedSends(Budget(6000, burst=10), workers=1)
    results: list[str] = []
    runner = threading.Thread(target=lambda: results.extend(paced.run({"A": [1, 2, 3]}, send)))
    runner.start()
    runner.join(timeout=10)

    # The worker that met the bug is gone (its traceback shows), but the run ends.
    assert not runner.is_alive()


def test_nonsense_retry_after_waits_a_second_and_a_huge_one_is_kept() -> None:
    assert retry_after({"Retry-After": "abc"}) == 1.0
    assert retry_after({"retry-after": "-5"}) == 1.0
    assert retry_after({"Retry-After": "nan"}) == 1.0
    assert retry_after({}) == 1.0
    assert retry_after({"Retry-After": "3600"}) == 3600.0


# -- what a run learns, for the next one ------------------------------------------------------


class RecordingMemory(InMemoryPaceMemory):
    """Remembers in memory, and what the runs asked of it."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[tuple[str, float | None]] = []

    def learned(self, key: str) -> float | None:
        answer = super().learned(key)
        self.asked.append((key, answer))
        return answer


def busy_once(refused: set[str]) -> Callable[[str, str], str | Later]:
    """A send that Slack answers 429 once for the "slow" workspace's first item."""
    lock = threading.Lock()

    def send(team: str, item: str) -> str | Later:
        with lock:
            if team == "slow" and not refused:
                refused.add(item)
                return Later(0.01)
        return "sent"

    return send


def test_a_run_remembers_a_lowered_pace_and_the_next_run_starts_from_it() -> None:
    memory = RecordingMemory()
    budget = Budget(6000, 10, memory=memory)

    first = PacedSends[str, str, str](budget, workers=2).run(
        {"slow": ["s1", "s2"], "fast": ["f1"]}, busy_once(set())
    )

    assert sorted(first) == ["sent"] * 3
    lowered = memory.learned("slow")
    assert lowered is not None
    assert lowered < 6000
    assert memory.learned("fast") is None
    assert memory.changes == {"lowered": 1}

    memory.asked.clear()
    PacedSends[str, str, str](budget, workers=2).run({"slow": ["s3"]}, busy_once({"done"}))

    assert memory.asked == [("slow", lowered)]


def test_a_fixed_budget_neither_asks_nor_tells_the_memory() -> None:
    memory = RecordingMemory()
    budget = Budget(6000, 10, adaptive=False, memory=memory)

    PacedSends[str, str, str](budget, workers=2).run({"slow": ["s1", "s2"]}, busy_once(set()))

    assert memory.asked == []
    assert memory.paces == {}


class BrokenMemory:
    """A stored memory whose database is down."""

    def learned(self, key: str) -> float | None:
        raise RuntimeError("database unavailable")

    def learn(self, key: str, per_minute: float, outcome: PaceChange) -> None:
        raise RuntimeError("database unavailable")


def test_a_memory_that_fails_costs_what_it_would_have_saved_but_no_send() -> None:
    budget = Budget(6000, 10, memory=BrokenMemory())

    results = PacedSends[str, str, str](budget, workers=2).run(
        {"slow": ["s1", "s2"], "fast": ["f1"]}, busy_once(set())
    )

    assert sorted(results) == ["sent"] * 3


def test_the_pace_is_measured_by_when_slack_was_called_not_when_the_turn_came() -> None:
    # The first send spends 3 s in the database before it calls Slack, the others 0.2 s;
    # Slack, allowing 120 a minute with bursts of 10, takes 16 and refuses the 17th.
    started = time.monotonic()
    spent = [0.0]

    def clock() -> float:
        return time.monotonic() - started + spent[0]

    calls: list[float] = []

    def send(team: str, item: int) -> str | Later:
        spent[0] += 3.0 if item == 0 else 0.2
        calling_slack()
        calls.append(clock())
        return Later(0.01) if item == 16 and len(calls) == 17 else "sent"

    memory = InMemoryPaceMemory()
    PacedSends[str, int, str](Budget(6000, 10, memory=memory), workers=1, clock=clock).run(
        {"T1": list(range(20))}, send
    )

    # Measured from the calls: 6 past the burst in 3.0 s, the 7th refused at 3.2 s, so about
    # 125 a minute, less the margin. From the turns (the first at 0 s) it would be about 66.
    learned = memory.learned("T1")
    assert learned is not None
    assert 100.0 < learned < 125.0
