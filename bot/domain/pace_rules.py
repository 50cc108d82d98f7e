"""How fast to send to a workspace, learned from what Slack answers. Pure: times are passed in.

Slack publishes no workspace-wide number for `chat.postMessage`; it answers 429 past it. So a
workspace starts at the configured pace (the ceiling) and:

- after a 429, goes to what Slack was taking when it said no (`achieved`), less a margin, and
  never below a floor. Slack's bucket is empty when it refuses, so the sends it took between
  two 429s are what it allows; from the start of a run, less the burst both buckets began
  with. Too few sends to measure by (the first 429 often comes a second into a run) halve
  the pace instead, and the next 429 measures;
- after a quiet stretch of sending (no 429), rises by a share per minute of that stretch, up
  to the ceiling: multiplicative, so a workspace allowing 60 a minute and one allowing 300
  probe upwards at the same relative speed, and slowly, since each probe past the limit costs
  a 429;
- bursts in proportion to its pace, so a lowered workspace does not spend the ceiling's burst
  at once the moment its bucket refills.

It is congestion control's shape (a sharp decrease on a refusal, a slow probe upwards
without one), with the decrease measured when Slack gives enough to measure by.
"""

from __future__ import annotations

import math
from typing import Literal, Protocol

PaceChange = Literal["lowered", "raised"]


class PaceMemory(Protocol):
    """Where each workspace's learned pace is kept between passes (and, stored, restarts).

    Keys are the paced keys as text: the workspace's team id in the nudge and reminder passes.
    """

    def learned(self, key: str) -> float | None:
        """The pace last learned for `key`, in sends a minute, or None."""
        ...

    def learn(self, key: str, per_minute: float, outcome: PaceChange) -> None:
        """`key`'s pace is now `per_minute`: "lowered" after a 429, "raised" after quiet."""
        ...


# A lowering lands this far under what Slack took, so that the jitter of arrival times (a
# slow send followed by a fast one) does not cross the limit again at once.
MARGIN = 0.9
# Fewer sends than this in a window measure nothing: one more or less would move the
# estimate by a quarter. A 429 without them halves the pace, and the next one measures.
EVIDENCE = 4
BLIND_CUT = 0.5
# Under this a pass of a few dozen nudges would outlast its claims' patience; a workspace
# refusing more is an outage, and its Retry-After pauses it anyway.
FLOOR_PER_MINUTE = 6.0
# +5% per minute of sending without a 429: back from half the ceiling in 14 minutes. Faster,
# and a pass lasting minutes ends above the limit it measured at its start, so the next pass
# starts with 429s; slower, and a limit that rose takes an afternoon to find.
RAISE_PER_QUIET_MINUTE = 0.05
# How often a quiet stretch is turned into a raise (each one is remembered).
RAISE_EVERY_SECONDS = 15.0
# Sends further back than this say little about the limit now.
WINDOW_SECONDS = 60.0


def achieved(accepted: int, seconds: float, spent_burst: int = 0) -> float | None:
    """Sends a minute Slack took over a window that began where its bucket is known: empty at
    a 429, or full at a run's first send (`spent_burst`, the burst both buckets then held, is
    not counted). The refused send counts as half: Slack had between none and all of a token
    left for it. None when fewer than `EVIDENCE` sends are left to count: too few to measure."""
    counted = accepted - spent_burst
    if seconds <= 0 or counted < EVIDENCE:
        return None
    return (counted + 0.5) * 60.0 / seconds


def after_429(current: float, achieved: float | None, floor: float = FLOOR_PER_MINUTE) -> float:
    """The pace after Slack answered 429 at `current`, having taken `achieved` a minute: under
    both by the margin; half `current` when nothing was measured. Never below `floor`, nor
    above `current`."""
    lowered = current * BLIND_CUT if achieved is None else min(current, achieved) * MARGIN
    return min(current, max(lowered, floor))


def after_quiet(current: float, quiet_seconds: float, ceiling: float) -> float:
    """The pace after `quiet_seconds` of sending at `current` without a 429: compounded, so
    one long stretch or several short ones raise it alike; never above `ceiling`."""
    if quiet_seconds <= 0:
        return min(current, ceiling)
    raised = current * math.pow(1 + RAISE_PER_QUIET_MINUTE, quiet_seconds / 60.0)
    return min(max(current, raised), ceiling)


def burst_for(rate: float, ceiling: float, ceiling_burst: int) -> int:
    """The burst at `rate`: the ceiling's, in proportion, rounded down, at least one."""
    if rate >= ceiling:
        return ceiling_burst
    return max(1, math.floor(ceiling_burst * rate / ceiling))


def starting_pace(learned: float | None, ceiling: float, floor: float = FLOOR_PER_MINUTE) -> float:
    """Where a workspace starts: what was learned of it, within the floor and the ceiling (the
    ceiling may have been lowered since), or the ceiling when nothing was."""
    if learned is None or not math.isfinite(learned):
        return ceiling
    return min(ceiling, max(floor, learned))
