"""One way for a use case or a form to say no: a `Refusal`, with a `Reason` the builders word
(bot/blocks/refusals.py). Expected failures only; a bug raises."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Reason(StrEnum):
    """Why something asked of the bot is not done."""

    # A form's input, or the words after `/ask-team add`:
    REQUIRED = "required"
    TOO_LONG = "too long"
    TOO_MANY = "too many"
    # A value the input never offers (a picker's id, a date, an option) came back.
    NOT_OFFERED = "not offered"
    # A channel and people were both picked, where only one may be.
    NOT_BOTH = "not both"
    CLOSES_IN_THE_PAST = "closes in the past"
    # A promise given a day that has already ended.
    DUE_IN_THE_PAST = "due in the past"
    CLOSES_TOO_LATE = "closes too late"
    # A workspace's own question:
    YES_NO = "yes/no question"
    DUPLICATE = "duplicate"
    # Added twice at once: the twin won (only a race gets here; DUPLICATE is checked first).
    ALREADY_THERE = "already there"
    # What a button or form names is gone, or was never the caller's: the two are not told
    # apart, so an id that is not yours reads the same as one deleted.
    GONE = "gone"
    # The form or button carries what can no longer be read (an older version's, or Slack
    # sent it without saying who).
    OUT_OF_DATE = "out of date"
    # The question bank no longer holds the question.
    QUESTION_GONE = "question gone"
    # The team's ask, answered by someone:
    NOT_ASKED = "not asked"
    OWN_QUESTION = "own question"
    CLOSED = "closed"
    # The team's ask was never posted, so there is nothing to reply under.
    NOT_POSTED = "not posted"
    # The nudge was snoozed or skipped already, or is not the caller's.
    SETTLED = "settled"
    # The promise was marked done or dropped already.
    PROMISE_SETTLED = "promise settled"
    NO_SCHEDULE = "no schedule"


@dataclass(frozen=True)
class Refusal:
    """Why not, and where: `field` is the form input's block id (bot/vocabulary/ids.py)."""

    reason: Reason
    field: str | None = None
    # What the wording quotes: how long the text was, and the limit it broke.
    length: int | None = None
    limit: int | None = None
