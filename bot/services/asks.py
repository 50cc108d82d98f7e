"""Asking the team in Slack: what the team's message about an ask says, read the same way by
each of the feature's use cases (asking.py, answering.py, closing.py).

The ask is a conversation in the leader's log (an `Entry` with no words of the leader's
yet), so the team's answers read beneath its question in history, search, Home and the
export, beside whatever the leader logs themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.domain.team_ask_rules import AskKind
from bot.services.context import Context
from bot.services.deps import Deps
from bot.store.models import AskStatus, TeamAsk
from bot.store.team_asks import MessageRow, message_row


@dataclass(frozen=True)
class AskMessage:
    """What the team's message about an ask says, and where it goes."""

    ask_id: int
    team_id: str
    leader_user_id: str
    kind: AskKind
    question: str
    anonymous: bool
    minimum: int
    channel_id: str | None
    people: tuple[str, ...]
    message_ts: str | None
    closes_at: datetime
    answered: int
    status: str
    # What the leader told these same people last time, and whether it is done.
    last_promise: tuple[str, bool] | None = None

    @property
    def is_open(self) -> bool:
        """Whether the ask still takes answers (or is on its way out)."""
        return self.status in (AskStatus.OPEN, AskStatus.POSTING)


def message_from(row: MessageRow, minimum: int) -> AskMessage:
    """The team's message about the ask `row` holds (store.team_asks.message_row reads it)."""
    ask = row.ask
    return AskMessage(
        ask_id=ask.id,
        team_id=ask.team_id,
        leader_user_id=row.leader_user_id,
        kind=AskKind(ask.kind),
        question=row.question,
        anonymous=ask.anonymous,
        minimum=minimum,
        channel_id=ask.channel_id,
        people=row.people,
        message_ts=ask.message_ts,
        closes_at=ask.closes_at,
        answered=row.answered,
        status=ask.status,
        last_promise=row.last_promise,
    )


def message_of(deps: Deps, ask_id: int) -> AskMessage | None:
    """The team's message about ask `ask_id`; None if it is gone."""
    with deps.database.transaction(writes=False) as session:
        return _message_by_id(session, ask_id, deps.anonymous_minimum)


def message_for(ctx: Context, ask_id: int) -> AskMessage | None:
    """`message_of`, in the caller's use case's transaction."""
    with ctx.transaction(writes=False) as session:
        return _message_by_id(session, ask_id, ctx.deps.anonymous_minimum)


def _message_by_id(session: Session, ask_id: int, minimum: int) -> AskMessage | None:
    found = session.get(TeamAsk, ask_id)
    return message_from(message_row(session, found), minimum) if found else None
