"""What the App Home shows a leader, gathered from the database in a handful of queries."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from bot.domain.heartbeat import CHART_WEEKS, HOME_WEEKS, WeekPulse
from bot.domain.nudge_rules import describe_instant, zone
from bot.domain.question_bank import Asked, QuestionBank
from bot.services.context import Context
from bot.services.entries import EntryView
from bot.services.team_conversations import (
    TeamConversation,
    conversation_of,
    conversations_by_entry,
)
from bot.services.zones import caller_today
from bot.store.leaders import last_question_ref
from bot.store.log import heartbeats_since, recent_entries
from bot.store.models import Schedule
from bot.store.promises import open_promises
from bot.store.question_views import questions_shown_per_habit
from bot.store.team_answers import answers_to_asks, answers_to_entries, pulses_since
from bot.vocabulary.habits import Habit

RECENT = 5
OPEN_PROMISES_SHOWN = 10
BALANCE_DAYS = 30


@dataclass(frozen=True)
class HomeData:
    next_nudge: str | None
    current: Asked | None
    recent: Sequence[EntryView]
    weeks: Sequence[WeekPulse]  # oldest first, the current week last
    open_promises: Sequence[EntryView]
    open_promise_count: int
    asked_per_habit: dict[Habit, int]
    # The team's own pulse (`/ask-team pulse`), beside the leader's readings in `weeks`.
    team_weeks: Sequence[WeekPulse] = ()
    # Team conversations among `recent`, by entry id.
    team: Mapping[int, TeamConversation] = field(default_factory=dict)
    # The caller's day now, against which a promise's day is overdue.
    today: date | None = None


def _gather_home(
    session: Session, bank: QuestionBank, leader_id: int | None, now: datetime, minimum: int
) -> HomeData:
    """Everything the Home tab shows; a leader who never used the bot gets an empty one."""
    if leader_id is None:
        empty = [WeekPulse(None, 0)] * HOME_WEEKS
        return HomeData(None, None, [], empty, [], 0, dict.fromkeys(Habit, 0), empty)
    schedule = session.get(Schedule, leader_id)
    next_nudge = (
        describe_instant(schedule.next_due_at, zone(schedule.tz), now)
        if schedule and schedule.next_due_at
        else None
    )
    ref = last_question_ref(session.connection(), leader_id)
    recent = recent_entries(session, leader_id, RECENT)
    promised, promised_count = open_promises(session, leader_id, OPEN_PROMISES_SHOWN)
    shown = questions_shown_per_habit(session, leader_id, now - timedelta(days=BALANCE_DAYS))
    return HomeData(
        next_nudge=next_nudge,
        current=bank.resolve(ref) if ref else None,
        recent=[EntryView.of(entry) for entry in recent],
        weeks=_weekly_heartbeat(session, leader_id, now, HOME_WEEKS),
        open_promises=[EntryView.of(entry) for entry in promised],
        open_promise_count=promised_count,
        asked_per_habit={habit: shown.get(habit.value, 0) for habit in Habit},
        team_weeks=_weekly_team_pulse(session, leader_id, now, HOME_WEEKS, minimum),
        team=conversations_by_entry(
            answers_to_entries(session, [entry.id for entry in recent]), minimum
        ),
    )


def _weekly_heartbeat(
    session: Session, leader_id: int, now: datetime, weeks: int
) -> list[WeekPulse]:
    """Average heartbeat of each of the last `weeks` 7-day spans, oldest first."""
    return _by_week(heartbeats_since(session, leader_id, now - timedelta(weeks=weeks)), now, weeks)


def _weekly_team_pulse(
    session: Session, leader_id: int, now: datetime, weeks: int, minimum: int
) -> list[WeekPulse]:
    """The team's own pulse scores by week, from pulses whose answers the leader may read."""
    asks = pulses_since(session, leader_id, now - timedelta(weeks=weeks))
    scores = [
        (answer.at, answer.score)
        for asked in answers_to_asks(session, asks)
        for answer in conversation_of(asked, minimum).answers
        if answer.score is not None
    ]
    return _by_week(scores, now, weeks)


def _by_week(scores: Iterable[tuple[datetime, int]], now: datetime, weeks: int) -> list[WeekPulse]:
    """The average of the scores in each of the last `weeks` 7-day spans, oldest first."""
    buckets: list[list[int]] = [[] for _ in range(weeks)]
    for at, score in scores:
        weeks_ago = min(weeks - 1, max(0, (now - at).days // 7))
        buckets[weeks - 1 - weeks_ago].append(score)
    return [
        WeekPulse(sum(values) / len(values) if values else None, len(values)) for values in buckets
    ]


# -- use cases ------------------------------------------------------------------------------


def home_of(ctx: Context) -> HomeData:
    """Everything the caller's Home tab shows, as it stands now."""
    with ctx.transaction(writes=False) as session:
        connection = session.connection()
        home = _gather_home(
            session,
            ctx.bank(connection),
            ctx.leader_id(connection),
            ctx.now,
            ctx.deps.anonymous_minimum,
        )
        return replace(home, today=caller_today(ctx))


def heartbeat_by_week(ctx: Context) -> tuple[list[WeekPulse], list[WeekPulse]]:
    """The caller's weekly heartbeat for the chart, oldest first, and the team's own pulse;
    none if they are new."""
    with ctx.transaction(writes=False) as session:
        leader_id = ctx.leader_id(session.connection())
        if leader_id is None:
            return [], []
        return (
            _weekly_heartbeat(session, leader_id, ctx.now, CHART_WEEKS),
            _weekly_team_pulse(
                session, leader_id, ctx.now, CHART_WEEKS, ctx.deps.anonymous_minimum
            ),
        )
