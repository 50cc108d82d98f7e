"""The bucket's arithmetic, with time passed in, and paced sends: each workspace within its
budget, none held up by another (the real passes are in tests/e2e/test_pacing.py)."""

from __future__ import annotations

import threading

import pytest

from bot.senders.nudges import retry_after
from bot.senders.pacing import Budget, GiveUp, Later, PacedSends, TokenBucket

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
