"""How fast to send to a workspace, learned from what Slack answers. Pure: times are passed in.

Slack publishes no workspace-wide number for `chat.postMessage`; it answers 429 past it. So a
workspace starts at the configured pace (the ceiling) and:

- after a 429, goes to what Slack was taking when it said no (`achieved`), less a margin, and
  never below a floor. Slack's bucket holds less than a token when it refuses, and held one
  for the send it last took, so the sends it took since its bucket was last known bound its
  rate from both sides: since the previous 429, or since the run's first send, when its
  bucket was full. Slack publishes no burst either; it is taken to be the configured one
  (`NUDGE_BURST`). Off either way, the next 429 measures between two refusals, which needs
  no burst at all. A few sends, too few to measure by, still bound Slack's rate from above:
  the pace goes under that bound, so that a next 429 comes after sends enough to measure;
  none at all halve it;
- a pass starts without a burst: Slack's full bucket then drains only by what is sent over
  its rate, so a first 429 comes after seconds of sends to measure by, and one refusal is
  usually all it costs to learn; and a pace learned a little over the limit (after a raise)
  does not empty Slack's bucket at once the next time;
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
from dataclasses import dataclass
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
# slow send followed by a fast one) does not cross the limit again at once. 10% under, a
# pass of 100 nudges a workspace ended 18% over the limits' bound; 5% under, 12%, with one
# 429 a workspace either way (bench/fanout.py --workspaces 30 --limits unknown).
MARGIN = 0.95
# Fewer sends than this past a window's known start measure too coarsely: the two bounds are
# a send apart, as far as all that was counted. They still cap the pace, so that the next 429
# comes after enough sends to measure by.
EVIDENCE = 2
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


@dataclass(frozen=True)
class Took:
    """What a window of sends says of Slack's rate, a minute: at least `at_least` and under
    `under`, from `sends` sends past where its bucket was known."""

    at_least: float
    under: float
    sends: int


def achieved(
    accepted: int,
    last_accepted: float,
    refused: float,
    spent_burst: int = 0,
    start_empty: bool = False,
) -> Took | None:
    """What Slack took over a window that began where its bucket is known: full, at a run's
    first send (it then held `spent_burst`, not counted), or holding under a token, at a 429
    (`start_empty`). Slack took `accepted` sends, the last `last_accepted` seconds into the
    window, and refused one `refused` seconds in: it had a token for the one and not for the
    other, which bounds its rate from below and above. None when no send is left to count."""
    counted = accepted - spent_burst
    if refused <= 0 or last_accepted <= 0 or counted < 1:
        return None
    at_least = max(0, counted - (1 if start_empty else 0)) / last_accepted * 60.0
    return Took(at_least, (counted + 1) / refused * 60.0, counted)


def after_429(current: float, took: Took | None, floor: float = FLOOR_PER_MINUTE) -> float:
    """The pace after Slack answered 429 at `current`, having taken `took`:

    - measured (`EVIDENCE` sends or more): the middle of its bounds, less the margin;
    - a few sends: under the bound Slack's rate is under, by the margin (no more than a
      quarter of `current` on so little), so that a next 429 comes after sends enough to
      measure;
    - nothing: half `current`.

    Never below `floor`, nor above `current`."""
    if took is None:
        lowered = current * BLIND_CUT
    elif took.sends >= EVIDENCE:
        lowered = min(current, (took.at_least + took.under) / 2) * MARGIN
    else:
        lowered = max(min(took.under, current) * MARGIN, current * BLIND_CUT**2)
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
