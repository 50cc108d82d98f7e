"""Sends paced to Slack's limits: each workspace within its own budget, workspaces in parallel.

Slack allows `chat.postMessage` about one message per second per channel (every nudge is a
different DM) and a workspace-wide budget it does not publish. Sending as fast as possible
and backing off on 429s is what slow, noisy bots do; here each workspace has a token bucket,
sends one message at a time, and a `Retry-After` pauses only that workspace.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeAlias, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")
Key = TypeVar("Key", bound=Hashable)


@dataclass(frozen=True)
class Budget:
    """A workspace's pace: `per_minute` on average, at most `burst` at once."""

    per_minute: float = 300.0
    burst: int = 20

    def __post_init__(self) -> None:
        if self.per_minute <= 0 or self.burst < 1:
            raise ValueError("a budget needs a positive rate and a burst of at least 1")


class TokenBucket:
    """Budget's tokens, refilled continuously; `pause_until` honours Slack's Retry-After."""

    def __init__(self, budget: Budget, now: float) -> None:
        self.rate = budget.per_minute / 60.0
        self.capacity = float(budget.burst)
        self.tokens = float(budget.burst)
        self.updated = now
        self.paused_until = now

    def _refill(self, now: float) -> None:
        if now > self.updated:
            self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
            self.updated = now

    def ready_at(self, now: float) -> float:
        """When the next send may go."""
        self._refill(now)
        waiting = 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate
        return max(now + waiting, self.paused_until)

    def take(self, now: float) -> None:
        self._refill(now)
        self.tokens -= 1

    def pause_until(self, moment: float) -> None:
        self.paused_until = max(self.paused_until, moment)


@dataclass(frozen=True)
class Later:
    """Slack said 429: send this item again after `seconds`, and nothing of its key before."""

    seconds: float


@dataclass(frozen=True)
class GiveUp(Generic[Result]):
    """Nothing more can go to this key this pass (its token was refused): `result` for this
    item, and `rest` for each one still waiting."""

    result: Result
    rest: Result


Sent: TypeAlias = "Result | Later | GiveUp[Result]"


class PacedSends(Generic[Key, Item, Result]):
    """Runs `send` over every key's items within the key's budget, at most `per_key` of a
    key's at once; as many sends at once as there are workers."""

    def __init__(
        self,
        budget: Budget,
        workers: int,
        *,
        per_key: int = 1,
        clock: Callable[[], float] = time.monotonic,
        while_waiting: Callable[[], None] | None = None,
        tend_every: float = 30.0,
    ) -> None:
        self.budget = budget
        self.tend_every = tend_every
        self.workers = workers
        self.per_key = per_key
        self.clock = clock
        # Called now and then while sends are still waiting (to keep claims alive).
        self.while_waiting = while_waiting

    def run(
        self,
        items: dict[Key, list[Item]],
        send: Callable[[Key, Item], Sent[Result]],
    ) -> list[Result]:
        """Every item's result (order not kept)."""
        now = self.clock()
        queues = {key: deque(batch) for key, batch in items.items() if batch}
        buckets = {key: TokenBucket(self.budget, now) for key in queues}
        in_flight = dict.fromkeys(queues, 0)
        order = itertools.count()
        # Keys with something to send and room to send it, by when they may.
        ready: list[tuple[float, int, Key]] = [(now, next(order), key) for key in queues]
        heapq.heapify(ready)
        scheduled = set(queues)
        results: list[Result] = []
        changed = threading.Condition()

        def schedule(key: Key) -> None:
            # Called with the lock held.
            if queues[key] and in_flight[key] < self.per_key and key not in scheduled:
                heapq.heappush(ready, (buckets[key].ready_at(self.clock()), next(order), key))
                scheduled.add(key)

        def unschedule(key: Key) -> None:
            # Called with the lock held.
            if key in scheduled:
                scheduled.discard(key)
                ready[:] = [entry for entry in ready if entry[2] != key]
                heapq.heapify(ready)

        def next_item() -> tuple[Key, Item] | None:
            with changed:
                while True:
                    if not ready:
                        if not any(in_flight.values()):
                            return None
                        changed.wait(1.0)
                        continue
                    at, _, key = ready[0]
                    wait = at - self.clock()
                    if wait > 0:
                        changed.wait(min(wait, 1.0))
                        continue
                    heapq.heappop(ready)
                    scheduled.discard(key)
                    buckets[key].take(self.clock())
                    in_flight[key] += 1
                    item = queues[key].popleft()
                    schedule(key)
                    return key, item

        def done(key: Key, item: Item, outcome: Sent[Result]) -> None:
            with changed:
                in_flight[key] -= 1
                queue = queues[key]
                if isinstance(outcome, Later):
                    queue.appendleft(item)
                    buckets[key].pause_until(self.clock() + outcome.seconds)
                    # A key already waiting in line waits for the pause too.
                    unschedule(key)
                elif isinstance(outcome, GiveUp):
                    results.append(outcome.result)
                    results.extend(outcome.rest for _ in queue)
                    queue.clear()
                    unschedule(key)
                else:
                    results.append(outcome)
                schedule(key)
                changed.notify_all()

        def work() -> None:
            while (taken := next_item()) is not None:
                key, item = taken
                try:
                    outcome = send(key, item)
                except BaseException:
                    # `send` answers every failure with a result; this is a bug, so let it
                    # show, but never leave the other workers waiting for this send.
                    with changed:
                        in_flight[key] -= 1
                        schedule(key)
                        changed.notify_all()
                    raise
                done(key, item, outcome)

        threads = [
            threading.Thread(target=work, name=f"paced-{n}", daemon=True)
            for n in range(max(1, min(self.workers, len(queues) * self.per_key)))
        ]
        for thread in threads:
            thread.start()
        last_tended = self.clock()
        while any(thread.is_alive() for thread in threads):
            for thread in threads:
                thread.join(timeout=min(1.0, self.tend_every))
                if self.while_waiting is not None and self.clock() - last_tended >= self.tend_every:
                    self.while_waiting()
                    last_tended = self.clock()
        return results
