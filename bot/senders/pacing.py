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
        paced = _Pass(self, items, send)
        threads = [
            threading.Thread(target=paced.work, name=f"paced-{n}", daemon=True)
            for n in range(max(1, min(self.workers, len(paced.queues) * self.per_key)))
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
        return paced.results


class _Pass(Generic[Key, Item, Result]):
    """One `PacedSends.run`: each key's queue and bucket, and the keys ready to send, by when.

    Every method but `work` is called with `changed` held.
    """

    def __init__(
        self,
        pacing: PacedSends[Key, Item, Result],
        items: dict[Key, list[Item]],
        send: Callable[[Key, Item], Sent[Result]],
    ) -> None:
        self.clock = pacing.clock
        self.per_key = pacing.per_key
        self.send = send
        now = self.clock()
        self.queues = {key: deque(batch) for key, batch in items.items() if batch}
        self.buckets = {key: TokenBucket(pacing.budget, now) for key in self.queues}
        self.in_flight = dict.fromkeys(self.queues, 0)
        self.order = itertools.count()
        # Keys with something to send and room to send it, by when they may.
        self.ready: list[tuple[float, int, Key]] = [
            (now, next(self.order), key) for key in self.queues
        ]
        heapq.heapify(self.ready)
        self.scheduled = set(self.queues)
        self.results: list[Result] = []
        self.changed = threading.Condition()

    def work(self) -> None:
        """A worker: send the next ready item until none is left."""
        while (taken := self._next_item()) is not None:
            key, item = taken
            try:
                outcome = self.send(key, item)
            except BaseException:
                # `send` answers every failure with a result; this is a bug, so let it show,
                # but never leave the other workers waiting for this send.
                with self.changed:
                    self.in_flight[key] -= 1
                    self._schedule(key)
                    self.changed.notify_all()
                raise
            self._done(key, item, outcome)

    def _schedule(self, key: Key) -> None:
        if self.queues[key] and self.in_flight[key] < self.per_key and key not in self.scheduled:
            at = self.buckets[key].ready_at(self.clock())
            heapq.heappush(self.ready, (at, next(self.order), key))
            self.scheduled.add(key)

    def _unschedule(self, key: Key) -> None:
        if key in self.scheduled:
            self.scheduled.discard(key)
            self.ready[:] = [entry for entry in self.ready if entry[2] != key]
            heapq.heapify(self.ready)

    def _next_item(self) -> tuple[Key, Item] | None:
        with self.changed:
            while True:
                if not self.ready:
                    if not any(self.in_flight.values()):
                        return None
                    self.changed.wait(1.0)
                    continue
                at, _, key = self.ready[0]
                wait = at - self.clock()
                if wait > 0:
                    self.changed.wait(min(wait, 1.0))
                    continue
                heapq.heappop(self.ready)
                self.scheduled.discard(key)
                self.buckets[key].take(self.clock())
                self.in_flight[key] += 1
                item = self.queues[key].popleft()
                self._schedule(key)
                return key, item

    def _done(self, key: Key, item: Item, outcome: Sent[Result]) -> None:
        with self.changed:
            self.in_flight[key] -= 1
            queue = self.queues[key]
            if isinstance(outcome, Later):
                queue.appendleft(item)
                self.buckets[key].pause_until(self.clock() + outcome.seconds)
                # A key already waiting in line waits for the pause too.
                self._unschedule(key)
            elif isinstance(outcome, GiveUp):
                self.results.append(outcome.result)
                self.results.extend(outcome.rest for _ in queue)
                queue.clear()
                self._unschedule(key)
            else:
                self.results.append(outcome)
            self._schedule(key)
            self.changed.notify_all()
