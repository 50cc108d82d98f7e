"""Sends paced to Slack's limits: each workspace within its own budget, workspaces in parallel.

Slack allows `chat.postMessage` about one message per second per channel (every nudge is a
different DM) and a workspace-wide budget it does not publish. Sending as fast as possible
and backing off on 429s is what slow, noisy bots do; here each workspace has a token bucket,
sends one message at a time, and a `Retry-After` pauses only that workspace.

Since the budget is a guess, each workspace's pace also learns from Slack's answers: a 429
lowers it to what Slack was taking, a quiet stretch raises it back towards the budget (the
rule is `domain/pace_rules.py`), and what was learned is kept in the budget's `PaceMemory`,
so the next pass starts from it.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Generic, TypeAlias, TypeVar

from bot.domain.pace_rules import (
    RAISE_EVERY_SECONDS,
    WINDOW_SECONDS,
    PaceChange,
    PaceMemory,
    achieved,
    after_429,
    after_quiet,
    burst_for,
    starting_pace,
)

Item = TypeVar("Item")
Result = TypeVar("Result")
Key = TypeVar("Key", bound=Hashable)
# A key's pace changed: how, and to what (sends a minute); for the memory.
Change: TypeAlias = "tuple[PaceChange, float]"

logger = logging.getLogger(__name__)

# The paced send running in this thread: the run's clock, and when its Slack call went.
_this_send = threading.local()


def calling_slack() -> None:
    """Note that this thread's paced send calls Slack now. A send may read and write the
    database before its call, for a time that varies with the load; the pace measures Slack
    by when its calls went, so the sender says when. Outside a paced send, nothing."""
    clock = getattr(_this_send, "clock", None)
    if clock is not None:
        _this_send.called_at = clock()


class InMemoryPaceMemory:
    """A `PaceMemory` for one process: the passes of a clock (or a bench) learn from each
    other, and a restart starts from the budget again. `changes` counts changes by outcome."""

    def __init__(self) -> None:
        self.paces: dict[str, float] = {}
        self.changes: Counter[PaceChange] = Counter()
        self._lock = threading.Lock()

    def learned(self, key: str) -> float | None:
        """The pace last learned for `key`, or None."""
        with self._lock:
            return self.paces.get(key)

    def learn(self, key: str, per_minute: float, outcome: PaceChange) -> None:
        """Keep `key`'s new pace and count the change."""
        with self._lock:
            self.paces[key] = per_minute
            self.changes[outcome] += 1


@dataclass(frozen=True)
class Budget:
    """A workspace's pace: `per_minute` on average, at most `burst` at once.

    With `adaptive`, `per_minute` is the ceiling and where a workspace nothing was learned of
    starts; its pace then follows Slack's answers (`Pace`), kept in `memory` between runs.
    """

    per_minute: float = 300.0
    burst: int = 20
    adaptive: bool = True
    memory: PaceMemory = field(default_factory=InMemoryPaceMemory, compare=False, repr=False)

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
        """A send goes now."""
        self._refill(now)
        self.tokens -= 1

    def pause_until(self, moment: float) -> None:
        """Nothing goes before `moment` (Slack's Retry-After)."""
        self.paused_until = max(self.paused_until, moment)

    def set_pace(self, per_minute: float, burst: int, now: float) -> None:
        """Refill at `per_minute` from `now` on, holding at most `burst`."""
        self._refill(now)
        self.rate = per_minute / 60.0
        self.capacity = float(burst)
        self.tokens = min(self.tokens, self.capacity)

    def emptied_until(self, moment: float) -> None:
        """Slack refused: its bucket is empty, so ours is too. Nothing refills during its
        Retry-After, which grants one send at `moment`; none of our burst piles up meanwhile."""
        self.pause_until(moment)
        self.tokens = min(self.tokens, 1.0)
        self.updated = max(self.updated, moment)


class Pace:
    """One key's pace in a run: its bucket and, when adaptive, what Slack has taken lately.

    Times are passed in. `take` and `refused` return the change the run tells the memory of,
    as (outcome, new pace), or None.
    """

    def __init__(self, budget: Budget, learned: float | None, now: float) -> None:
        self.ceiling = budget.per_minute
        self.ceiling_burst = budget.burst
        self.adaptive = budget.adaptive
        self.per_minute = starting_pace(learned, self.ceiling) if self.adaptive else self.ceiling
        burst = burst_for(self.per_minute, self.ceiling, self.ceiling_burst)
        self.bucket = TokenBucket(budget, now)
        self.bucket.set_pace(self.per_minute, burst, now)
        # A fixed budget starts full, its burst at once: it is told the limit. A learning pace
        # starts with one send, then the pace: Slack's full bucket then drains only by what
        # goes over its rate, so a first 429 comes late enough to measure by (pace_rules), and
        # a pace learned at or a little over Slack's limit does not spend Slack's burst at once.
        if self.adaptive:
            self.bucket.tokens = min(self.bucket.tokens, 1.0)
        self.changed_at = now
        # The evidence: when Slack took sends, and when it refused (its bucket empty then),
        # within the window; and the first send, when Slack's bucket is taken to be full.
        self.started: float | None = None
        self.taken: deque[float] = deque()
        self.refusals: deque[float] = deque()

    def ready_at(self, now: float) -> float:
        """When the next send may go."""
        return self.bucket.ready_at(now)

    def take(self, now: float) -> Change | None:
        """A send goes now; first, a quiet stretch since the last change raises the pace."""
        change: Change | None = None
        quiet = now - self.changed_at
        if self.adaptive and self.per_minute < self.ceiling and quiet >= RAISE_EVERY_SECONDS:
            change = self._set("raised", after_quiet(self.per_minute, quiet, self.ceiling), now)
        self.bucket.take(now)
        return change

    def accepted(self, sent_at: float) -> None:
        """Slack took the send made at `sent_at` (whatever it answered, it was not a 429)."""
        if self.adaptive:
            self._begun(sent_at)
            self.taken.append(sent_at)

    def _begun(self, sent_at: float) -> None:
        # The run's first call to Slack, when its bucket is taken to be full.
        if self.started is None or sent_at < self.started:
            self.started = sent_at

    def refused(self, now: float, sent_at: float, seconds: float) -> Change | None:
        """Slack answered 429 to the send made at `sent_at`, asking for `seconds`."""
        if not self.adaptive:
            self.bucket.pause_until(now + seconds)
            return None
        self._begun(sent_at)
        # All in the sends' own times, so the way to Slack and back cancels out.
        horizon = sent_at - WINDOW_SECONDS
        for times in (self.taken, self.refusals):
            while times and times[0] < horizon:
                times.popleft()
        # Measured from the earliest moment Slack's bucket is known: under a token at a 429,
        # full at the first send (taken to hold the configured burst); else the window's edge,
        # roughly.
        if self.refusals:
            start, spent, start_empty = self.refusals[0], 0, True
        elif self.started is not None and self.started >= horizon:
            start, spent, start_empty = self.started, self.ceiling_burst, False
        else:
            start, spent, start_empty = horizon, 0, True
        self.refusals.append(sent_at)
        change: Change | None = None
        # One sent at the old pace, before the last change, says nothing of the new one.
        if sent_at >= self.changed_at:
            counted = [moment for moment in self.taken if start <= moment < sent_at]
            last = max(counted) - start if counted else 0.0
            took = achieved(len(counted), last, sent_at - start, spent, start_empty)
            change = self._set("lowered", after_429(self.per_minute, took), now)
        self.bucket.emptied_until(now + seconds)
        return change

    def _set(self, outcome: PaceChange, per_minute: float, now: float) -> Change:
        self.per_minute = per_minute
        burst = burst_for(per_minute, self.ceiling, self.ceiling_burst)
        self.bucket.set_pace(per_minute, burst, now)
        self.changed_at = now
        return outcome, per_minute


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
    """One `PacedSends.run`: each key's queue and pace, and the keys ready to send, by when.

    Every method but `work`, `_recall` and `_remember` is called with `changed` held.
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
        self.memory = pacing.budget.memory if pacing.budget.adaptive else None
        self.queues = {key: deque(batch) for key, batch in items.items() if batch}
        learned = {key: self._recall(key) for key in self.queues}
        now = self.clock()
        self.paces = {key: Pace(pacing.budget, learned[key], now) for key in self.queues}
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
            key, item, sent_at, change = taken
            self._remember(key, change)
            _this_send.clock, _this_send.called_at = self.clock, None
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
            called_at = _this_send.called_at
            _this_send.clock = None
            sent_at = sent_at if called_at is None else called_at
            self._remember(key, self._done(key, item, outcome, sent_at))

    def _recall(self, key: Key) -> float | None:
        if self.memory is None:
            return None
        try:
            return self.memory.learned(str(key))
        except Exception:
            # What was learned only saves a few 429s: without it, start from the budget.
            logger.exception("no learned pace for %s; starting from the budget", key)
            return None

    def _remember(self, key: Key, change: Change | None) -> None:
        # Outside the lock: a stored memory writes to the database, and no send waits for it.
        if change is None or self.memory is None:
            return
        outcome, per_minute = change
        try:
            self.memory.learn(str(key), per_minute, outcome)
        except Exception:
            logger.exception("pace of %s %s to %.1f/min but not remembered", key, *change)

    def _schedule(self, key: Key) -> None:
        if self.queues[key] and self.in_flight[key] < self.per_key and key not in self.scheduled:
            at = self.paces[key].ready_at(self.clock())
            heapq.heappush(self.ready, (at, next(self.order), key))
            self.scheduled.add(key)

    def _unschedule(self, key: Key) -> None:
        if key in self.scheduled:
            self.scheduled.discard(key)
            self.ready[:] = [entry for entry in self.ready if entry[2] != key]
            heapq.heapify(self.ready)

    def _next_item(self) -> tuple[Key, Item, float, Change | None] | None:
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
                now = self.clock()
                change = self.paces[key].take(now)
                self.in_flight[key] += 1
                item = self.queues[key].popleft()
                self._schedule(key)
                return key, item, now, change

    def _done(self, key: Key, item: Item, outcome: Sent[Result], sent_at: float) -> Change | None:
        with self.changed:
            self.in_flight[key] -= 1
            queue = self.queues[key]
            change = None
            if isinstance(outcome, Later):
                queue.appendleft(item)
                change = self.paces[key].refused(self.clock(), sent_at, outcome.seconds)
                # A key already waiting in line waits for the pause too.
                self._unschedule(key)
            elif isinstance(outcome, GiveUp):
                self.results.append(outcome.result)
                self.results.extend(outcome.rest for _ in queue)
                queue.clear()
                self._unschedule(key)
            else:
                self.paces[key].accepted(sent_at)
                self.results.append(outcome)
            self._schedule(key)
            self.changed.notify_all()
            return change
