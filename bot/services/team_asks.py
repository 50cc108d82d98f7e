"""Asking the team in Slack: the leader's ask, the team's answers, and closing it.

The ask is a conversation in the leader's log (an `Entry` with no words of the leader's
yet), so the team's answers read beneath its question in history, search, Home and the
export, beside whatever the leader logs themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.domain.commands import AskTeamInSlack
from bot.domain.forms import TeamAnswerForm
from bot.domain.team_ask_rules import (
    COUNT_UPDATE_EVERY,
    PULSE_QUESTION,
    AskKind,
    answerer_key,
    default_close,
)
from bot.services.context import Context
from bot.services.deps import Deps
from bot.services.journal import own_entry
from bot.services.questions import ask
from bot.services.schedules import leader_zone
from bot.services.team_conversations import TeamConversation, conversation_of_ask
from bot.store.models import (
    AskStatus,
    Entry,
    Leader,
    Schedule,
    TeamAnswer,
    TeamAsk,
    TeamAskPerson,
)
from bot.store.team_asks import (
    MUST_REDRAW,
    answer_count,
    claim_count_update,
    claim_due_closings,
    claim_unposted,
    messages_to_redraw,
)
from bot.vocabulary.habits import Habit

# Question references of asks that are not from the bank.
OWN_WORDS_REF = "own-words"
PULSE_REF = "pulse"
# How long a process has to post an ask, or to send its summary, before another takes over.
POST_LEASE = timedelta(minutes=2)
CLOSE_LEASE = timedelta(minutes=5)


@dataclass(frozen=True)
class AskRequest:
    """What the leader asked for, validated."""

    kind: AskKind
    ref: str
    text: str
    habit: Habit
    channel_id: str | None
    people: tuple[str, ...]
    anonymous: bool
    closes_at: datetime
    parent_entry_id: int | None = None
    # Whether `closes_at` is the default close, which follows the leader's zone once known.
    default_close: bool = False


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

    @property
    def is_open(self) -> bool:
        return self.status in (AskStatus.OPEN, AskStatus.POSTING)


def _message(session: Session, ask: TeamAsk, minimum: int) -> AskMessage:
    entry = session.get(Entry, ask.entry_id)
    leader_user = session.scalar(select(Leader.user_id).where(Leader.id == ask.leader_id))
    people = tuple(
        session.scalars(
            select(TeamAskPerson.user_id)
            .where(TeamAskPerson.ask_id == ask.id)
            .order_by(TeamAskPerson.user_id)
        )
    )
    return AskMessage(
        ask_id=ask.id,
        team_id=ask.team_id,
        leader_user_id=leader_user or "",
        kind=AskKind(ask.kind),
        question=entry.question_text if entry else "",
        anonymous=ask.anonymous,
        minimum=minimum,
        channel_id=ask.channel_id,
        people=people,
        message_ts=ask.message_ts,
        closes_at=ask.closes_at,
        answered=answer_count(session.connection(), ask.id),
        status=ask.status,
    )


# -- the leader asks --------------------------------------------------------------------------


def request_from_command(ctx: Context, parsed: AskTeamInSlack) -> AskRequest:
    """An ask typed as `/ask-team ask …` or `pulse …`, with its question drawn if none given."""
    if parsed.pulse:
        kind, ref, text, habit = AskKind.PULSE, PULSE_REF, PULSE_QUESTION, Habit.HEARTBEAT
    elif parsed.question:
        kind, ref, text, habit = AskKind.QUESTION, OWN_WORDS_REF, parsed.question, Habit.QUESTIONS
    else:
        asked = ask(ctx, parsed.habit)
        kind, ref, text, habit = AskKind.QUESTION, asked.ref, asked.text, asked.habit
    anonymous = parsed.pulse if parsed.anonymous is None else parsed.anonymous
    return AskRequest(
        kind=kind,
        ref=ref,
        text=text,
        habit=habit,
        channel_id=parsed.channel,
        people=parsed.people,
        anonymous=anonymous,
        closes_at=default_closing(ctx),
        default_close=True,
    )


def leader_tz(session: Session, leader_id: int | None) -> str:
    """The leader's zone as Slack last said, or their schedule's, or UTC."""
    if leader_id is None:
        return "UTC"
    tz = leader_zone(session, leader_id) or session.scalar(
        select(Schedule.tz).where(Schedule.leader_id == leader_id)
    )
    return tz or "UTC"


def default_closing(ctx: Context) -> datetime:
    """The end of the caller's next working day, in their zone."""
    return default_close(ctx.now, caller_tz(ctx))


def zone_known(ctx: Context) -> bool:
    """Whether Slack has told us the caller's zone yet."""
    with ctx.deps.database.transaction(writes=False) as session:
        leader_id = ctx.leader_id(session.connection())
        return leader_id is not None and leader_zone(session, leader_id) is not None


def close_awaits_zone(deps: Deps, ask_id: int) -> bool:
    """Whether this ask's default close still waits for Slack to say the leader's zone.

    Asked of the ask, not of the leader: another ask's look-up may have learnt the zone
    since this one was planned, and then this one has already moved (services/schedules.py
    `remember_zone`).
    """
    with deps.database.transaction(writes=False) as session:
        return bool(session.scalar(select(TeamAsk.close_awaits_zone).where(TeamAsk.id == ask_id)))


def caller_tz(ctx: Context) -> str:
    with ctx.deps.database.transaction(writes=False) as session:
        return leader_tz(session, ctx.leader_id(session.connection()))


@dataclass(frozen=True)
class AskPrefill:
    """Where a follow-up to a team conversation goes back to."""

    channel_id: str | None
    people: tuple[str, ...]
    anonymous: bool


def prefill_from_entry(ctx: Context, entry_id: int | None) -> AskPrefill | None:
    """The channel or people of the caller's own team conversation `entry_id`, if it is one."""
    if entry_id is None:
        return None
    with ctx.deps.database.transaction(writes=False) as session:
        entry = own_entry(session, ctx.leader_id(session.connection()), entry_id)
        found = (
            session.scalar(select(TeamAsk).where(TeamAsk.entry_id == entry.id)) if entry else None
        )
        if found is None:
            return None
        people = tuple(
            session.scalars(select(TeamAskPerson.user_id).where(TeamAskPerson.ask_id == found.id))
        )
        return AskPrefill(found.channel_id, people, found.anonymous)


def start_ask(ctx: Context, request: AskRequest) -> AskMessage:
    """Keep the ask (and its conversation in the caller's log) before anything is posted."""
    with ctx.deps.database.transaction() as session:
        leader_id = ctx.ensure_leader_id(session.connection())
        parent = (
            own_entry(session, leader_id, request.parent_entry_id)
            if request.parent_entry_id
            else None
        )
        if parent is not None and parent.parent_id is not None:
            parent = own_entry(session, leader_id, parent.parent_id) or parent
        entry = Entry(
            leader_id=leader_id,
            question_ref=request.ref,
            question_text=request.text,
            habit=request.habit.value,
            answer="",
            created_at=ctx.now,
            parent_id=parent.id if parent else None,
        )
        session.add(entry)
        session.flush()
        closes_at = request.closes_at
        if request.default_close:
            # Planned again in the transaction that keeps it: the zone may have come since.
            closes_at = default_close(ctx.now, leader_tz(session, leader_id))
        team_ask = TeamAsk(
            leader_id=leader_id,
            entry_id=entry.id,
            team_id=ctx.team_id,
            kind=request.kind.value,
            anonymous=request.anonymous,
            channel_id=request.channel_id,
            closes_at=closes_at,
            close_awaits_zone=request.default_close and leader_zone(session, leader_id) is None,
            status=AskStatus.POSTING,
            # This process posts it right after the ack; the pass takes over if it dies.
            lease_until=ctx.now + POST_LEASE,
            count_shown=0,
            created_at=ctx.now,
        )
        session.add(team_ask)
        session.flush()
        session.add_all(
            TeamAskPerson(ask_id=team_ask.id, user_id=user_id) for user_id in request.people
        )
        session.flush()
        return _message(session, team_ask, ctx.deps.anonymous_minimum)


def message_of(deps: Deps, ask_id: int) -> AskMessage | None:
    with deps.database.transaction(writes=False) as session:
        found = session.get(TeamAsk, ask_id)
        return _message(session, found, deps.anonymous_minimum) if found else None


def record_posted(
    deps: Deps,
    ask_id: int,
    message_ts: str | None,
    dms: dict[str, tuple[str, str]],
    shown_close: datetime,
) -> None:
    """The ask is out: its channel message, or each person's DM (user -> channel, ts), which
    say answers close at `shown_close`."""
    with deps.database.transaction() as session:
        session.execute(
            update(TeamAsk)
            .where(TeamAsk.id == ask_id, TeamAsk.status == AskStatus.POSTING)
            .values(
                status=AskStatus.OPEN,
                message_ts=message_ts,
                lease_until=None,
                # The leader's zone came while it was being posted: the close moved under it.
                count_shown=case(
                    (TeamAsk.closes_at != shown_close, MUST_REDRAW), else_=TeamAsk.count_shown
                ),
            )
        )
        for user_id, (channel, ts) in dms.items():
            session.execute(
                update(TeamAskPerson)
                .where(TeamAskPerson.ask_id == ask_id, TeamAskPerson.user_id == user_id)
                .values(dm_channel=channel, message_ts=ts)
            )


def record_unposted(deps: Deps, ask_id: int) -> None:
    """Slack would not let the bot post there; the leader is told how to fix it."""
    with deps.database.transaction() as session:
        session.execute(
            update(TeamAsk)
            .where(TeamAsk.id == ask_id, TeamAsk.status == AskStatus.POSTING)
            .values(status=AskStatus.UNPOSTED, lease_until=None)
        )


def retry_posting(ctx: Context, ask_id: int) -> AskMessage | None:
    """Post the caller's own unposted ask again (after they invited the bot)."""
    with ctx.deps.database.transaction() as session:
        leader_id = ctx.leader_id(session.connection())
        found = session.get(TeamAsk, ask_id)
        if (
            found is None
            or found.leader_id != leader_id
            or found.status != AskStatus.UNPOSTED
            or found.closes_at <= ctx.now
        ):
            return None
        found.status = AskStatus.POSTING
        found.lease_until = ctx.now + POST_LEASE
        session.flush()
        return _message(session, found, ctx.deps.anonymous_minimum)


def claim_asks_to_post(deps: Deps, now: datetime) -> list[int]:
    """Asks a stopped process left unposted; this process posts them now."""
    with deps.database.connection() as connection:
        return claim_unposted(connection, now, POST_LEASE)


# -- the team answers -------------------------------------------------------------------------


class Refusal(StrEnum):
    """Why a click or an answer is not taken."""

    GONE = "gone"
    NOT_ASKED = "not asked"
    OWN_QUESTION = "own question"
    CLOSED = "closed"


@dataclass(frozen=True)
class AnswerInvite:
    """What the answer form shows: the ask, and the caller's own answer so far, if any."""

    message: AskMessage
    channel_id: str
    text: str | None
    score: int | None
    # Whether the caller's answer so far carries their name.
    named: bool = False


def _gate(session: Session, ctx: Context, ask_id: int, channel_id: str) -> TeamAsk | Refusal:
    """The ask, if the caller was asked it here and it still takes answers.

    Read with a share lock on PostgreSQL: the closing pass's claim waits for an answer being
    saved, so no answer lands after its summary was read.
    """
    found = session.get(TeamAsk, ask_id, with_for_update={"read": True})
    if found is None:
        return Refusal.GONE
    if found.team_id != ctx.team_id:
        return Refusal.NOT_ASKED
    if found.channel_id is not None:
        if channel_id != found.channel_id:
            return Refusal.NOT_ASKED
    elif session.get(TeamAskPerson, (ask_id, ctx.user_id)) is None:
        return Refusal.NOT_ASKED
    leader_user = session.scalar(select(Leader.user_id).where(Leader.id == found.leader_id))
    if leader_user == ctx.user_id:
        return Refusal.OWN_QUESTION
    if found.status not in (AskStatus.OPEN, AskStatus.POSTING) or found.closes_at <= ctx.now:
        return Refusal.CLOSED
    return found


def _key(ctx: Context, ask_id: int) -> str:
    return answerer_key(ctx.deps.answer_secret, ask_id, ctx.team_id, ctx.user_id)


def _own_answer(session: Session, ctx: Context, ask_id: int) -> TeamAnswer | None:
    return session.scalar(
        select(TeamAnswer).where(
            TeamAnswer.ask_id == ask_id, TeamAnswer.answerer_key == _key(ctx, ask_id)
        )
    )


def answer_invite(ctx: Context, ask_id: int, channel_id: str) -> AnswerInvite | Refusal:
    """The answer form for the caller, or why they cannot answer."""
    with ctx.deps.database.transaction(writes=False) as session:
        found = _gate(session, ctx, ask_id, channel_id)
        if isinstance(found, Refusal):
            return found
        mine = _own_answer(session, ctx, ask_id)
        return AnswerInvite(
            _message(session, found, ctx.deps.anonymous_minimum),
            channel_id,
            mine.text if mine else None,
            mine.score if mine else None,
            mine is not None and mine.user_id is not None,
        )


@dataclass(frozen=True)
class AnswerTaken:
    message: AskMessage
    replaced: bool


def save_team_answer(
    ctx: Context,
    ask_id: int,
    channel_id: str,
    read_form: Callable[[AskKind], TeamAnswerForm | dict[str, str]],
) -> AnswerTaken | Refusal | dict[str, str]:
    """Keep the caller's answer, as `read_form` reads it for the ask's kind; a second one from
    them replaces the first. In an anonymous ask it carries their name only if they chose.
    A form with mistakes comes back as its errors, and nothing is saved."""
    with ctx.deps.database.transaction() as session:
        found = _gate(session, ctx, ask_id, channel_id)
        if isinstance(found, Refusal):
            return found
        form = read_form(AskKind(found.kind))
        if not isinstance(form, TeamAnswerForm):
            return form
        mine = _own_answer(session, ctx, ask_id)
        # A name once given stays: the leader may have read the answer with it already.
        named_before = mine is not None and mine.user_id is not None
        author = ctx.user_id if form.add_name or named_before or not found.anonymous else None
        if mine is None:
            try:
                with session.begin_nested():
                    session.add(
                        TeamAnswer(
                            ask_id=ask_id,
                            answerer_key=_key(ctx, ask_id),
                            user_id=author,
                            text=form.text,
                            score=form.score,
                            created_at=ctx.now,
                            updated_at=ctx.now,
                        )
                    )
            except IntegrityError:
                # The same person pressed Send twice at once: the first is in; this replaces it.
                mine = _own_answer(session, ctx, ask_id)
        if mine is not None:
            mine.text, mine.score = form.text, form.score
            mine.user_id = mine.user_id or author
            mine.updated_at = ctx.now
        session.flush()
        return AnswerTaken(_message(session, found, ctx.deps.anonymous_minimum), mine is not None)


def withdraw_team_answer(ctx: Context, ask_id: int, channel_id: str) -> AnswerTaken | Refusal:
    """Delete the caller's answer, while the ask is open."""
    with ctx.deps.database.transaction() as session:
        found = _gate(session, ctx, ask_id, channel_id)
        if isinstance(found, Refusal):
            return found
        result = session.execute(
            delete(TeamAnswer).where(
                TeamAnswer.ask_id == ask_id, TeamAnswer.answerer_key == _key(ctx, ask_id)
            )
        )
        withdrawn = bool(result.rowcount)  # type: ignore[attr-defined]
        return AnswerTaken(_message(session, found, ctx.deps.anonymous_minimum), withdrawn)


# -- the channel message's count ----------------------------------------------------------------


def count_to_show(deps: Deps, ask_id: int, now: datetime) -> AskMessage | timedelta | None:
    """The message to update now; or how long until it may be; or None if it is up to date.

    Read first, without the write lock: most answers arrive inside the window, and a claim
    attempted for each would queue them behind one another on SQLite.
    """
    with deps.database.transaction(writes=False) as session:
        found = session.get(TeamAsk, ask_id)
        if found is None or found.status != AskStatus.OPEN or found.message_ts is None:
            return None
        if found.count_shown == answer_count(session.connection(), ask_id):
            return None
        last = found.count_updated_at
        if last is not None and last + COUNT_UPDATE_EVERY > now:
            return last + COUNT_UPDATE_EVERY - now
    with deps.database.transaction() as session:
        if not claim_count_update(session.connection(), ask_id, now, COUNT_UPDATE_EVERY):
            return COUNT_UPDATE_EVERY  # another process just did; look again after it
        found = session.get(TeamAsk, ask_id)
        return _message(session, found, deps.anonymous_minimum) if found else None


# Redrawn a few at a time by each pass; the rest by the next.
REDRAW_BATCH = 20


def moved_closes(deps: Deps) -> list[int]:
    """Open asks whose messages show a close that has moved since (see `MUST_REDRAW`)."""
    with deps.database.connection(writes=False) as connection:
        return messages_to_redraw(connection, REDRAW_BATCH)


def record_count_shown(deps: Deps, ask_id: int, count: int) -> None:
    with deps.database.transaction() as session:
        session.execute(update(TeamAsk).where(TeamAsk.id == ask_id).values(count_shown=count))


# -- closing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Closing:
    """An ask whose answers closed: the team's message and the leader's summary."""

    message: AskMessage
    conversation: TeamConversation
    # The pulse average the last time this leader asked the same people, for comparison.
    previous_average: float | None


def claim_closings(deps: Deps, now: datetime) -> list[int]:
    """A batch of asks due to close, this process's to close now."""
    with deps.database.connection() as connection:
        return claim_due_closings(connection, now, CLOSE_LEASE)


def closing_of(deps: Deps, ask_id: int) -> Closing | None:
    with deps.database.transaction(writes=False) as session:
        found = session.get(TeamAsk, ask_id)
        if found is None:
            return None
        conversation = conversation_of_ask(session, found, deps.anonymous_minimum)
        return Closing(
            _message(session, found, deps.anonymous_minimum),
            conversation,
            _previous_average(session, found, deps.anonymous_minimum)
            if conversation.pulse
            else None,
        )


def _previous_average(session: Session, current: TeamAsk, minimum: int) -> float | None:
    if current.channel_id is None:
        return None  # people asked by DM differ from one pulse to the next
    earlier = session.scalars(
        select(TeamAsk)
        .where(
            TeamAsk.leader_id == current.leader_id,
            TeamAsk.kind == AskKind.PULSE.value,
            TeamAsk.status == AskStatus.CLOSED,
            TeamAsk.channel_id.is_not_distinct_from(current.channel_id),
            TeamAsk.closes_at < current.closes_at,
        )
        .order_by(TeamAsk.closes_at.desc())
        .limit(5)
    )
    for ask_row in earlier:
        pulse = conversation_of_ask(session, ask_row, minimum).pulse
        if pulse is not None and pulse.average is not None:
            return pulse.average
    return None


def finish_closing(deps: Deps, ask_id: int, now: datetime) -> None:
    with deps.database.transaction() as session:
        session.execute(
            update(TeamAsk)
            .where(TeamAsk.id == ask_id, TeamAsk.status == AskStatus.CLOSING)
            .values(status=AskStatus.CLOSED, closed_at=now, lease_until=None)
        )


# -- the leader replies -----------------------------------------------------------------------


@dataclass(frozen=True)
class ReplyTarget:
    channel: str
    thread_ts: str


def reply_targets(ctx: Context, ask_id: int) -> list[ReplyTarget] | None:
    """Where "Reply to the team" posts: the channel thread, or each DM; None if not theirs."""
    with ctx.deps.database.transaction(writes=False) as session:
        found = session.get(TeamAsk, ask_id)
        if found is None or found.leader_id != ctx.leader_id(session.connection()):
            return None
        if found.channel_id is not None:
            if found.message_ts is None:
                return []
            return [ReplyTarget(found.channel_id, found.message_ts)]
        return _dm_messages(session, ask_id)


def _dm_messages(session: Session, ask_id: int) -> list[ReplyTarget]:
    rows = session.execute(
        select(TeamAskPerson.dm_channel, TeamAskPerson.message_ts).where(
            TeamAskPerson.ask_id == ask_id
        )
    )
    return [ReplyTarget(channel, ts) for channel, ts in rows if channel and ts]


def dm_messages(deps: Deps, ask_id: int) -> list[ReplyTarget]:
    """The DMs that asked each person, to close or reply under."""
    with deps.database.transaction(writes=False) as session:
        return _dm_messages(session, ask_id)


# -- a team member's own data -------------------------------------------------------------------


def named_answers_of(session: Session, team_id: str, user_id: str) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(TeamAnswer)
            .join(TeamAsk, TeamAsk.id == TeamAnswer.ask_id)
            .where(TeamAsk.team_id == team_id, TeamAnswer.user_id == user_id)
        )
        or 0
    )


def forget_named_answers(session: Session, team_id: str, user_id: str) -> int:
    """Delete every named answer this person gave in this workspace; how many."""
    asks_here = select(TeamAsk.id).where(TeamAsk.team_id == team_id)
    result = session.execute(
        delete(TeamAnswer).where(TeamAnswer.user_id == user_id, TeamAnswer.ask_id.in_(asks_here))
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
