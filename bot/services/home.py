"""What the App Home shows a leader, gathered from the database in a handful of queries."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.domain.heartbeat import CHART_WEEKS, HOME_WEEKS, WeekPulse
from bot.domain.nudge_rules import describe_instant, zone
from bot.domain.question_bank import Asked, QuestionBank
from bot.domain.team_ask_rules import MIN_GROUP, AskKind
from bot.services.context import Context
from bot.services.leaders import last_question_ref
from bot.services.promises import open_promises
from bot.services.team_conversations import TeamConversation, team_conversations
from bot.store.models import Entry, QuestionView, Schedule, TeamAsk
from bot.vocabulary.habits import Habit

RECENT = 5
OPEN_PROMISES_SHOWN = 10
BALANCE_DAYS = 30


@dataclass(frozen=True)
class HomeData:
    next_nudge: str | None
    current: Asked | None
    recent: Sequence[Entry]
    weeks: Sequence[WeekPulse]  # oldest first, the current week last
    open_promises: Sequence[Entry]
    open_promise_count: int
    asked_per_habit: dict[Habit, int]
    # The team's own pulse (`/ask-team pulse`), beside the leader's readings in `weeks`.
    team_weeks: Sequence[WeekPulse] = ()
    # Team conversations among `recent`, by entry id.
    team: Mapping[int, TeamConversation] = field(default_factory=dict)


def gather_home(
    session: Session,
    bank: QuestionBank,
    leader_id: int | None,
    now: datetime,
    minimum: int = MIN_GROUP,
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
    recent = session.scalars(
        select(Entry)
        .where(Entry.leader_id == leader_id)
        .order_by(Entry.created_at.desc(), Entry.id.desc())
        .limit(RECENT)
    ).all()
    promised, promised_count = open_promises(session, leader_id, OPEN_PROMISES_SHOWN)
    return HomeData(
        next_nudge=next_nudge,
        current=bank.resolve(ref) if ref else None,
        recent=recent,
        weeks=weekly_heartbeat(session, leader_id, now),
        open_promises=promised,
        open_promise_count=promised_count,
        asked_per_habit=_asked_per_habit(session, leader_id, now),
        team_weeks=weekly_team_pulse(session, leader_id, now, HOME_WEEKS, minimum),
        team=team_conversations(session, [entry.id for entry in recent], minimum),
    )


def weekly_heartbeat(
    session: Session, leader_id: int, now: datetime, weeks: int = HOME_WEEKS
) -> list[WeekPulse]:
    """Average heartbeat of each of the last `weeks` 7-day spans, oldest first."""
    since = now - timedelta(weeks=weeks)
    rows = session.execute(
        select(Entry.created_at, Entry.heartbeat).where(
            Entry.leader_id == leader_id,
            Entry.created_at > since,
            Entry.heartbeat.is_not(None),
        )
    ).all()
    buckets: list[list[int]] = [[] for _ in range(weeks)]
    for created_at, heartbeat in rows:
        if heartbeat is None:
            continue
        weeks_ago = min(weeks - 1, max(0, (now - created_at).days // 7))
        buckets[weeks - 1 - weeks_ago].append(heartbeat)
    return [
        WeekPulse(sum(values) / len(values) if values else None, len(values)) for values in buckets
    ]


def weekly_team_pulse(
    session: Session, leader_id: int, now: datetime, weeks: int, minimum: int
) -> list[WeekPulse]:
    """The team's own pulse scores by week, from pulses whose answers the leader may read."""
    since = now - timedelta(weeks=weeks)
    asks = session.scalars(
        select(TeamAsk).where(
            TeamAsk.leader_id == leader_id,
            TeamAsk.kind == AskKind.PULSE.value,
            TeamAsk.created_at > since,
        )
    ).all()
    buckets: list[list[int]] = [[] for _ in range(weeks)]
    for conversation in team_conversations(session, [a.entry_id for a in asks], minimum).values():
        for answer in conversation.answers:
            if answer.score is None:
                continue
            weeks_ago = min(weeks - 1, max(0, (now - answer.at).days // 7))
            buckets[weeks - 1 - weeks_ago].append(answer.score)
    return [
        WeekPulse(sum(values) / len(values) if values else None, len(values)) for values in buckets
    ]


def _asked_per_habit(session: Session, leader_id: int, now: datetime) -> dict[Habit, int]:
    rows = session.execute(
        select(QuestionView.habit, func.count())
        .where(
            QuestionView.leader_id == leader_id,
            QuestionView.last_shown_at >= now - timedelta(days=BALANCE_DAYS),
        )
        .group_by(QuestionView.habit)
    ).all()
    counts = dict.fromkeys(Habit, 0)
    for habit, count in rows:
        if habit in Habit._value2member_map_:
            counts[Habit(habit)] = count
    return counts


# -- use cases ------------------------------------------------------------------------------


def home_of(ctx: Context) -> HomeData:
    """Everything the caller's Home tab shows, as it stands now."""
    with ctx.deps.database.transaction(writes=False) as session:
        connection = session.connection()
        return gather_home(
            session,
            ctx.bank(connection),
            ctx.leader_id(connection),
            ctx.now,
            ctx.deps.anonymous_minimum,
        )


def heartbeat_by_week(ctx: Context) -> tuple[list[WeekPulse], list[WeekPulse]]:
    """The caller's weekly heartbeat for the chart, oldest first, and the team's own pulse;
    none if they are new."""
    with ctx.deps.database.transaction(writes=False) as session:
        leader_id = ctx.leader_id(session.connection())
        if leader_id is None:
            return [], []
        return (
            weekly_heartbeat(session, leader_id, ctx.now, CHART_WEEKS),
            weekly_team_pulse(session, leader_id, ctx.now, CHART_WEEKS, ctx.deps.anonymous_minimum),
        )
