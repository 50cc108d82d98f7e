"""A logged entry as use cases hand it to builders: plain values, read inside the transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.store.models import Entry


@dataclass(frozen=True)
class EntryView:
    """What the leader logged to one question, and any promise with it."""

    id: int
    question_text: str
    habit: str
    # Empty for a question asked of the team in Slack, until the leader logs words of theirs.
    answer: str
    # Who answered, by user id, in the order the leader gave them.
    people: tuple[str, ...]
    heartbeat: int | None
    promise: str | None
    promise_due: date | None
    promise_outcome: str | None
    # The conversation's first entry, for a follow-up.
    parent_id: int | None
    created_at: datetime
    # Asked of the team in Slack: the team's answers are its answer, never retyped.
    team_asked: bool = False
    # The promise was posted where the team answered.
    promise_told: bool = False

    @classmethod
    def of(cls, entry: Entry, *, team_asked: bool = False) -> EntryView:
        """The entry's values as they stand in the transaction."""
        return cls(
            team_asked=team_asked,
            id=entry.id,
            question_text=entry.question_text,
            habit=entry.habit,
            answer=entry.answer,
            people=tuple(person.user_id for person in entry.people),
            heartbeat=entry.heartbeat,
            promise=entry.promise,
            promise_due=entry.promise_due,
            promise_outcome=entry.promise_outcome,
            promise_told=entry.promise_told,
            parent_id=entry.parent_id,
            created_at=entry.created_at,
        )
