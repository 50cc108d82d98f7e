"""What a 1:1 brief is made of: things one person said by name, and promises naming them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class SaidRow:
    """One thing the person said: in the leader's log, or as a named answer to an ask."""

    when: datetime
    question: str
    words: str
    # The channel a named answer was asked in; None for the log or an ask by DM.
    channel_id: str | None
    from_team: bool
    score: int | None = None


@dataclass(frozen=True)
class PromiseRow:
    """A promise that names the person, and where it stands."""

    text: str
    made: datetime
    due: date | None
    kept_at: datetime | None
    dropped: bool
