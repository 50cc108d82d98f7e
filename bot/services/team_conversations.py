"""What the leader may read of their team's answers: named ones always; anonymous ones once
the ask has closed, and only if enough people answered anonymously. Used by history, Home,
the export and the closing summary.

Anonymous answers wait for the close because a leader watching them arrive one by one, beside
the channel's count, could tell each new one's author by who was seen answering.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from bot.domain.team_ask_rules import AskKind, PulseStats, pulse_stats, shows_anonymous
from bot.store.models import AskStatus, TeamAnswer
from bot.store.team_answers import AskAnswers


@dataclass(frozen=True)
class TeamAnswerShown:
    # None for an anonymous answer.
    user_id: str | None
    text: str
    score: int | None
    at: datetime


@dataclass(frozen=True)
class TeamConversation:
    """One ask as its leader sees it."""

    ask_id: int
    entry_id: int
    kind: AskKind
    anonymous: bool
    channel_id: str | None
    people: tuple[str, ...]
    status: str
    closes_at: datetime
    answered: int
    # Named answers, then anonymous ones once there are enough of them.
    answers: tuple[TeamAnswerShown, ...]
    minimum: int
    # Of the shown answers' scores, for a pulse.
    pulse: PulseStats | None
    # Anonymous answers not shown: the ask is open, or fewer than the minimum came in.
    held_back: int = 0

    @property
    def is_open(self) -> bool:
        return self.status in (AskStatus.OPEN, AskStatus.POSTING)

    @property
    def asked(self) -> int | None:
        """How many were asked, when known: the people of a DM ask (a channel's is not)."""
        return len(self.people) if self.channel_id is None else None


def conversations_by_entry(
    asks: Iterable[AskAnswers], minimum: int
) -> Mapping[int, TeamConversation]:
    """What the leader may read of each of these asks, by the entry it is a conversation in."""
    return {asked.ask.entry_id: conversation_of(asked, minimum) for asked in asks}


def conversation_of(asked: AskAnswers, minimum: int) -> TeamConversation:
    """What the leader may read of one ask and its answers."""
    ask, answers = asked.ask, asked.answers
    kind = AskKind(ask.kind)
    named = [_shown(answer, answer.created_at) for answer in answers if answer.user_id is not None]
    # An anonymous answer carries the ask's time, not its own: when it came could say whose.
    unnamed = [_shown(answer, ask.created_at) for answer in answers if answer.user_id is None]
    closed = ask.status in (AskStatus.CLOSING, AskStatus.CLOSED)
    visible = closed and shows_anonymous(len(unnamed), minimum)
    # In the order they arrived, anonymous answers could be matched to who was seen answering.
    unnamed.sort(key=lambda answer: (answer.score or 0, answer.text))
    shown = named + (unnamed if visible else [])
    scores = [answer.score for answer in shown if answer.score is not None]
    return TeamConversation(
        ask_id=ask.id,
        entry_id=ask.entry_id,
        kind=kind,
        anonymous=ask.anonymous,
        channel_id=ask.channel_id,
        people=tuple(asked.people),
        status=ask.status,
        closes_at=ask.closes_at,
        answered=len(answers),
        answers=tuple(shown),
        minimum=minimum,
        pulse=pulse_stats(scores) if kind is AskKind.PULSE and scores else None,
        held_back=0 if visible else len(unnamed),
    )


def _shown(answer: TeamAnswer, at: datetime) -> TeamAnswerShown:
    return TeamAnswerShown(answer.user_id, answer.text, answer.score, at)
