"""Asking the team in Slack: when answers close, who may see what, and the pulse's numbers.

Pure: time and secrets are passed in.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from bot.domain.heartbeat import HIGHEST, LOWEST
from bot.domain.nudge_rules import zone
from bot.vocabulary.refusals import Reason, Refusal

# Never fewer: with two answers, each answerer could tell who wrote the other.
MIN_GROUP = 3
# "The end of the working day", in the leader's zone, when answers close.
CLOSING_TIME = time(18, 0)
# Answers may stay open for up to this long.
LONGEST_OPEN = timedelta(days=30)
# The channel message's count is updated at most this often, however fast answers arrive.
COUNT_UPDATE_EVERY = timedelta(seconds=5)
MAX_QUESTION_LENGTH = 600
MAX_TEAM_ANSWER_LENGTH = 3000
# A DM ask reaches at most this many people; a bigger group is a channel's.
MAX_ASKED_PEOPLE = 50
PULSE_QUESTION = "How is your week going, from 1 (struggling) to 5 (energised)?"


class AskKind(StrEnum):
    QUESTION = "question"
    PULSE = "pulse"


def answerer_key(secret: bytes, ask_id: int, team_id: str, user_id: str) -> str:
    """Who answered an ask, as only a holder of `secret` could tell: HMAC-SHA256, hex.

    The same person gets the same key for the same ask, so a second answer replaces the
    first; across asks the keys differ, so they cannot be joined to follow one person.
    """
    message = f"{ask_id}:{team_id}:{user_id}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def next_working_day(today: date) -> date:
    """The next Monday-to-Friday date after `today`."""
    day = today + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def closing_instant(day: date, tz: str) -> datetime:
    """The end of the working day on `day` in zone `tz`, as an aware datetime."""
    return datetime.combine(day, CLOSING_TIME, tzinfo=zone(tz))


def default_close(now: datetime, tz: str) -> datetime:
    """By default answers close at the end of the next working day, in the leader's zone."""
    return closing_instant(next_working_day(now.astimezone(zone(tz)).date()), tz)


def close_problem(closes_at: datetime, now: datetime) -> Refusal | None:
    """Why answers cannot close at `closes_at`, or None if they can."""
    if closes_at <= now:
        return Refusal(Reason.CLOSES_IN_THE_PAST)
    if closes_at - now > LONGEST_OPEN:
        return Refusal(Reason.CLOSES_TOO_LATE, limit=LONGEST_OPEN.days)
    return None


def shows_anonymous(anonymous_answers: int, minimum: int) -> bool:
    """Whether the leader may read an ask's anonymous answers: only once enough came in that
    none can be told apart by who was seen answering (never fewer than MIN_GROUP)."""
    return anonymous_answers >= max(minimum, MIN_GROUP)


@dataclass(frozen=True)
class PulseStats:
    # How many chose each point, LOWEST first.
    counts: tuple[int, ...]
    average: float | None

    @property
    def answered(self) -> int:
        return sum(self.counts)


def pulse_stats(scores: Sequence[int]) -> PulseStats:
    """The distribution and average of pulse scores (out-of-range ones are not counted)."""
    valid = [score for score in scores if LOWEST <= score <= HIGHEST]
    counts = tuple(valid.count(point) for point in range(LOWEST, HIGHEST + 1))
    return PulseStats(counts, round(sum(valid) / len(valid), 1) if valid else None)
