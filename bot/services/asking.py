"""The leader asks the team: the form's defaults, keeping the ask before the ack, and
recording how posting it went (bot/senders/team_asks.py posts it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.domain.commands import AskTeamInSlack
from bot.domain.forms import AskForm
from bot.domain.payloads import AskFormTarget
from bot.domain.question_bank import Asked
from bot.domain.team_ask_rules import (
    PULSE_QUESTION,
    AskKind,
    close_problem,
    closing_instant,
    default_close,
)
from bot.services.asks import AskMessage, message_from
from bot.services.context import Context
from bot.services.deps import Deps
from bot.services.questions import ask, remember_for_logging
from bot.services.zones import caller_tz, leader_tz
from bot.store.leaders import leader_zone
from bot.store.log import own_entry
from bot.store.models import AskStatus, Entry, TeamAsk, TeamAskPerson
from bot.store.team_asks import (
    ask_awaits_zone,
    ask_of_entry,
    claim_unposted,
    mark_posted,
    mark_unposted,
    message_row,
    people_asked,
)
from bot.vocabulary.habits import Habit
from bot.vocabulary.refusals import Reason, Refusal

# Question references of asks that are not from the bank.
OWN_WORDS_REF = "own-words"
PULSE_REF = "pulse"
# How long a process has to post an ask before another takes over.
POST_LEASE = timedelta(minutes=2)


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


# -- the leader's zone, for the close ---------------------------------------------------------


def default_closing(ctx: Context) -> datetime:
    """The end of the caller's next working day, in their zone."""
    return default_close(ctx.now, caller_tz(ctx))


def zone_known(ctx: Context) -> bool:
    """Whether Slack has told us the caller's zone yet."""
    with ctx.transaction(writes=False) as session:
        leader_id = ctx.leader_id(session.connection())
        return leader_id is not None and leader_zone(session, leader_id) is not None


def close_awaits_zone(deps: Deps, ask_id: int) -> bool:
    """Whether this ask's default close still waits for Slack to say the leader's zone.

    Asked of the ask, not of the leader: another ask's look-up may have learnt the zone
    since this one was planned, and then this one has already moved (services/schedules.py
    `_remember_zone`).
    """
    with deps.database.transaction(writes=False) as session:
        return ask_awaits_zone(session, ask_id)


# -- the form -----------------------------------------------------------------------------------


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
    with ctx.transaction(writes=False) as session:
        entry = own_entry(session, ctx.leader_id(session.connection()), entry_id)
        found = ask_of_entry(session, entry.id) if entry else None
        if found is None:
            return None
        return AskPrefill(found.channel_id, people_asked(session, found.id), found.anonymous)


@dataclass(frozen=True)
class AskFormOpening:
    """What the ask form opens with."""

    asked: Asked
    # The conversation a follow-up goes back to, and where it was asked.
    parent: int | None
    prefill: AskPrefill | None
    closes_on: date
    zone_known: bool


def ask_form_for(ctx: Context, ref: str, parent: int | None) -> AskFormOpening | Refusal:
    """The ask form for question `ref`, now what the caller acts on; refused for a stale one."""
    with ctx.connection():
        asked = remember_for_logging(ctx, ref)
        if isinstance(asked, Refusal):
            return asked
        prefill = prefill_from_entry(ctx, parent)
        return AskFormOpening(asked, parent, prefill, default_closing(ctx).date(), zone_known(ctx))


# -- keeping and posting it -------------------------------------------------------------------


def ask_from_command(ctx: Context, parsed: AskTeamInSlack) -> AskMessage:
    """`/ask-team ask …` or `pulse …`: keep the ask, with the defaults."""
    with ctx.transaction():
        return start_ask(ctx, request_from_command(ctx, parsed))


def ask_from_form(ctx: Context, target: AskFormTarget, form: AskForm) -> AskMessage | Refusal:
    """The ask form sent: keep the ask, or refuse the closing day it cannot have."""
    with ctx.transaction():
        closes_at = closing_instant(form.closes_on, caller_tz(ctx))
        problem = close_problem(closes_at, ctx.now)
        if problem is not None:
            return problem
        pulse = target.ref == PULSE_REF
        request = AskRequest(
            kind=AskKind.PULSE if pulse else AskKind.QUESTION,
            ref=target.ref,
            text=PULSE_QUESTION if pulse else form.question,
            habit=target.habit,
            channel_id=form.channel,
            people=form.people,
            anonymous=form.anonymous,
            closes_at=closes_at,
            parent_entry_id=target.parent,
        )
        return start_ask(ctx, request)


def start_ask(ctx: Context, request: AskRequest) -> AskMessage:
    """Keep the ask (and its conversation in the caller's log) before anything is posted."""
    with ctx.transaction() as session:
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
        return message_from(message_row(session, team_ask), ctx.deps.anonymous_minimum)


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
        mark_posted(session, ask_id, message_ts, dms, shown_close)


def record_unposted(deps: Deps, ask_id: int) -> None:
    """Slack would not let the bot post there; the leader is told how to fix it."""
    with deps.database.transaction() as session:
        mark_unposted(session, ask_id)


def retry_posting(ctx: Context, ask_id: int) -> AskMessage | Refusal:
    """Post the caller's own unposted ask again (after they invited the bot)."""
    with ctx.transaction() as session:
        leader_id = ctx.leader_id(session.connection())
        found = session.get(TeamAsk, ask_id)
        # Posted meanwhile (another press, or the pass) counts as gone: nothing to retry.
        if found is None or found.leader_id != leader_id or found.status != AskStatus.UNPOSTED:
            return Refusal(Reason.GONE)
        if found.closes_at <= ctx.now:
            return Refusal(Reason.CLOSED)
        found.status = AskStatus.POSTING
        found.lease_until = ctx.now + POST_LEASE
        session.flush()
        return message_from(message_row(session, found), ctx.deps.anonymous_minimum)


def claim_asks_to_post(deps: Deps, now: datetime) -> list[int]:
    """Asks a stopped process left unposted; this process posts them now."""
    with deps.database.connection() as connection:
        return claim_unposted(connection, now, POST_LEASE)
