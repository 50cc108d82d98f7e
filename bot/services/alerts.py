"""Follow the heartbeat: one DM when the team's mood falls, with a question to ask about it.

A pulse that closes well below the channel's previous one, or the leader's own heartbeat low
three times in a row, is told once: the claim in `morale_alerts` is taken in the same
transaction that decides it, so several processes (or a retried request) send one alert.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Connection

from bot.domain.morale import low_run_begins, pulse_dropped, question_for_a_fall
from bot.domain.question_bank import Asked, QuestionBank
from bot.services.closing import Closing
from bot.services.context import Context
from bot.services.deps import Deps
from bot.store.alerts import claim_alert, latest_readings, set_alerts, wants_alerts
from bot.store.models import TeamAsk
from bot.store.question_views import times_shown
from bot.vocabulary.habits import Habit


@dataclass(frozen=True)
class MoraleAlert:
    """What fell, since when, and the question to bring to the team about it."""

    leader_user_id: str
    since: datetime
    question: Asked | None
    # A pulse: its channel, the previous average and this one.
    channel_id: str | None = None
    before: float | None = None
    after: float | None = None
    # The leader's own low run, newest first.
    readings: tuple[int, ...] = ()


def _question(connection: Connection, bank: QuestionBank, leader_id: int) -> Asked | None:
    shown = {qid: count for _, qid, count in times_shown(connection, leader_id, Habit.HEARTBEAT)}
    question = question_for_a_fall(bank.for_habit(Habit.HEARTBEAT), shown)
    return Asked(ref=question.id, question=question) if question else None


def alert_after_reading(
    ctx: Context, connection: Connection, leader_id: int, entry_id: int
) -> MoraleAlert | None:
    """Within the transaction that logged entry `entry_id`: the alert it makes, if its reading
    begins a low run and the leader wants alerts."""
    readings = latest_readings(connection, leader_id)
    if not low_run_begins([beat for beat, _ in readings]):
        return None
    if not wants_alerts(connection, leader_id):
        return None
    if not claim_alert(connection, leader_id, f"heartbeat:{entry_id}", ctx.now):
        return None
    run = readings[:3]
    return MoraleAlert(
        ctx.user_id,
        since=run[-1][1],
        question=_question(connection, ctx.bank(connection), leader_id),
        readings=tuple(beat for beat, _ in run),
    )


def alert_after_pulse(deps: Deps, closing: Closing, now: datetime) -> MoraleAlert | None:
    """The alert a closing pulse makes, claimed; None if it did not fall far enough, its
    answers are held back, the leader turned alerts off, or it was already sent."""
    pulse = closing.conversation.pulse
    current = pulse.average if pulse is not None else None
    if closing.previous_since is None or not pulse_dropped(closing.previous_average, current):
        return None
    message = closing.message
    with deps.database.transaction() as session:
        connection = session.connection()
        ask = session.get(TeamAsk, message.ask_id)
        if ask is None or not wants_alerts(connection, ask.leader_id):
            return None
        if not claim_alert(connection, ask.leader_id, f"pulse:{ask.id}", now):
            return None
        return MoraleAlert(
            message.leader_user_id,
            since=closing.previous_since,
            question=_question(connection, deps.bank_for(connection, ask.team_id), ask.leader_id),
            channel_id=message.channel_id,
            before=closing.previous_average,
            after=current,
        )


def turn_alerts(ctx: Context, on: bool) -> None:
    """The caller turns their morale alerts on or off."""
    with ctx.connection() as connection:
        set_alerts(connection, ctx.ensure_leader_id(connection), on)
