"""Closing an ask: claiming the asks due, what the leader's summary says, and where the
leader's "Reply to the team" goes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.services.asks import AskMessage, message_for, message_from
from bot.services.context import Context
from bot.services.deps import Deps
from bot.services.team_conversations import TeamConversation, conversation_of
from bot.services.themes import ThemeShown, themes_of
from bot.store.models import TeamAsk
from bot.store.team_answers import answers_to_asks
from bot.store.team_asks import (
    claim_due_closings,
    earlier_pulses,
    mark_closed,
    message_row,
    posted_dms,
)
from bot.vocabulary.refusals import Reason, Refusal

# How long a process has to send an ask's summary before another takes over.
CLOSE_LEASE = timedelta(minutes=5)
# A summary compares with the latest of this many earlier pulses that has an average.
PULSES_LOOKED_BACK = 5


@dataclass(frozen=True)
class Closing:
    """An ask whose answers closed: the team's message and the leader's summary."""

    message: AskMessage
    conversation: TeamConversation
    # The pulse average the last time this leader asked the same people, for comparison.
    previous_average: float | None
    # How many people asked by DM were reminded before the close.
    reminded: int = 0
    # When the pulse `previous_average` comes from closed.
    previous_since: datetime | None = None
    # What the written answers add up to, when there are enough of them.
    themes: tuple[ThemeShown, ...] = ()


def claim_closings(deps: Deps, now: datetime) -> list[int]:
    """A batch of asks due to close, this process's to close now."""
    with deps.database.connection() as connection:
        return claim_due_closings(connection, now, CLOSE_LEASE)


def closing_of(deps: Deps, ask_id: int) -> Closing | None:
    """What closing ask `ask_id` says to the team and to the leader; None if it is gone."""
    with deps.database.transaction(writes=False) as session:
        found = session.get(TeamAsk, ask_id)
        if found is None:
            return None
        (asked,) = answers_to_asks(session, [found])
        conversation = conversation_of(asked, deps.anonymous_minimum)
        previous, since = (
            _previous_average(session, found, deps.anonymous_minimum)
            if conversation.pulse
            else (None, None)
        )
        return Closing(
            message_from(message_row(session, found), deps.anonymous_minimum),
            conversation,
            previous,
            found.reminded_count,
            since,
            themes_of([answer.text for answer in conversation.answers], deps.anonymous_minimum),
        )


def _previous_average(
    session: Session, current: TeamAsk, minimum: int
) -> tuple[float | None, datetime | None]:
    """The latest earlier pulse's average in the same channel, and when it closed."""
    if current.channel_id is None:
        return None, None  # people asked by DM differ from one pulse to the next
    earlier = earlier_pulses(session, current, PULSES_LOOKED_BACK)
    for asked in answers_to_asks(session, earlier):
        pulse = conversation_of(asked, minimum).pulse
        if pulse is not None and pulse.average is not None:
            return pulse.average, asked.ask.closed_at or asked.ask.closes_at
    return None, None


def finish_closing(deps: Deps, ask_id: int, now: datetime) -> None:
    """The summary is sent: the ask is closed for good."""
    with deps.database.transaction() as session:
        mark_closed(session, ask_id, now)


# -- the leader replies -----------------------------------------------------------------------


@dataclass(frozen=True)
class ReplyTarget:
    """A message the ask was posted as, to reply under."""

    channel: str
    thread_ts: str


def reply_targets(ctx: Context, ask_id: int) -> list[ReplyTarget] | Refusal:
    """Where "Reply to the team" posts: the thread, or each DM; refused if not theirs/unposted."""
    with ctx.transaction(writes=False) as session:
        found = session.get(TeamAsk, ask_id)
        if found is None or found.leader_id != ctx.leader_id(session.connection()):
            return Refusal(Reason.GONE)
        if found.channel_id is not None:
            ts = found.message_ts
            targets = [ReplyTarget(found.channel_id, ts)] if ts is not None else []
        else:
            targets = _dm_messages(session, ask_id)
        return targets or Refusal(Reason.NOT_POSTED)


def reply_form_for(ctx: Context, ask_id: int) -> AskMessage | Refusal:
    """The ask's message, which "Reply to the team" opens on; refused as `reply_targets` is."""
    with ctx.transaction(writes=False):
        targets = reply_targets(ctx, ask_id)
        if isinstance(targets, Refusal):
            return targets
        return message_for(ctx, ask_id) or Refusal(Reason.GONE)


def _dm_messages(session: Session, ask_id: int) -> list[ReplyTarget]:
    return [
        ReplyTarget(channel, ts) for channel, ts in posted_dms(session, ask_id) if channel and ts
    ]


def dm_messages(deps: Deps, ask_id: int) -> list[ReplyTarget]:
    """The DMs that asked each person, to close or reply under."""
    with deps.database.transaction(writes=False) as session:
        return _dm_messages(session, ask_id)
