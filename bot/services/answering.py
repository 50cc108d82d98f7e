"""A team member answers an ask: opening the form, sending, changing or withdrawing their
answer; and the channel message's count that follows the answers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.domain.forms import TeamAnswerForm
from bot.domain.team_ask_rules import COUNT_UPDATE_EVERY, AskKind, answerer_key
from bot.services.asks import AskMessage, message_for, message_from
from bot.services.context import Context
from bot.services.deps import Deps
from bot.store.models import AskStatus, TeamAnswer, TeamAsk
from bot.store.team_answers import answer_by, delete_answer
from bot.store.team_asks import (
    answer_count,
    ask_to_answer,
    asker_user_id,
    claim_count_update,
    message_row,
    messages_to_redraw,
    set_count_shown,
    was_asked_by_dm,
)
from bot.vocabulary.refusals import Reason, Refusal


@dataclass(frozen=True)
class AnswerInvite:
    """What the answer form shows: the ask, and the caller's own answer so far, if any."""

    message: AskMessage
    channel_id: str
    text: str | None
    score: int | None
    # Whether the caller's answer so far carries their name.
    named: bool = False


@dataclass(frozen=True)
class AnswerTaken:
    """The ask after the caller's answer was kept or withdrawn, and whether one was there."""

    message: AskMessage
    replaced: bool


def _gate(session: Session, ctx: Context, ask_id: int, channel_id: str) -> TeamAsk | Refusal:
    """The ask, if the caller was asked it here and it still takes answers; read with the
    share lock `ask_to_answer` takes, which the closing pass's claim waits for."""
    found = ask_to_answer(session, ask_id)
    if found is None:
        return Refusal(Reason.GONE)
    if found.team_id != ctx.team_id:
        return Refusal(Reason.NOT_ASKED)
    if found.channel_id is not None:
        if channel_id != found.channel_id:
            return Refusal(Reason.NOT_ASKED)
    elif not was_asked_by_dm(session, ask_id, ctx.user_id):
        return Refusal(Reason.NOT_ASKED)
    if asker_user_id(session, found) == ctx.user_id:
        return Refusal(Reason.OWN_QUESTION)
    if found.status not in (AskStatus.OPEN, AskStatus.POSTING) or found.closes_at <= ctx.now:
        return Refusal(Reason.CLOSED)
    return found


def _key(ctx: Context, ask_id: int) -> str:
    return answerer_key(ctx.deps.answer_secret, ask_id, ctx.team_id, ctx.user_id)


def _own_answer(session: Session, ctx: Context, ask_id: int) -> TeamAnswer | None:
    return answer_by(session, ask_id, _key(ctx, ask_id))


def answer_invite(ctx: Context, ask_id: int, channel_id: str) -> AnswerInvite | Refusal:
    """The answer form for the caller, or why they cannot answer."""
    with ctx.transaction(writes=False) as session:
        found = _gate(session, ctx, ask_id, channel_id)
        if isinstance(found, Refusal):
            return found
        mine = _own_answer(session, ctx, ask_id)
        return AnswerInvite(
            message_from(message_row(session, found), ctx.deps.anonymous_minimum),
            channel_id,
            mine.text if mine else None,
            mine.score if mine else None,
            mine is not None and mine.user_id is not None,
        )


def save_team_answer(
    ctx: Context,
    ask_id: int,
    channel_id: str,
    read_form: Callable[[AskKind], TeamAnswerForm | list[Refusal]],
) -> AnswerTaken | Refusal | list[Refusal]:
    """Keep the caller's answer, as `read_form` reads it for the ask's kind; a second one from
    them replaces the first. In an anonymous ask it carries their name only if they chose.
    A form with mistakes comes back as its refusals, and nothing is saved."""
    with ctx.transaction() as session:
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
        return AnswerTaken(
            message_from(message_row(session, found), ctx.deps.anonymous_minimum), mine is not None
        )


def withdraw_team_answer(ctx: Context, ask_id: int, channel_id: str) -> AnswerTaken | Refusal:
    """Delete the caller's answer, while the ask is open."""
    with ctx.transaction() as session:
        found = _gate(session, ctx, ask_id, channel_id)
        if isinstance(found, Refusal):
            return found
        withdrawn = delete_answer(session, ask_id, _key(ctx, ask_id))
        return AnswerTaken(
            message_from(message_row(session, found), ctx.deps.anonymous_minimum), withdrawn
        )


def withdraw_and_show(
    ctx: Context, ask_id: int, channel_id: str
) -> tuple[AnswerTaken | Refusal, AskMessage | None]:
    """Withdraw the caller's answer; with the ask's message to show, whatever the outcome."""
    with ctx.transaction():
        taken = withdraw_team_answer(ctx, ask_id, channel_id)
        message = taken.message if isinstance(taken, AnswerTaken) else message_for(ctx, ask_id)
        return taken, message


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
        return message_from(message_row(session, found), deps.anonymous_minimum) if found else None


# Redrawn a few at a time by each pass; the rest by the next.
REDRAW_BATCH = 20


def moved_closes(deps: Deps) -> list[int]:
    """Open asks whose messages show a close that has moved since (see `MUST_REDRAW`)."""
    with deps.database.connection(writes=False) as connection:
        return messages_to_redraw(connection, REDRAW_BATCH)


def record_count_shown(deps: Deps, ask_id: int, count: int) -> None:
    """The ask's message now shows `count` answers."""
    with deps.database.transaction() as session:
        set_count_shown(session, ask_id, count)
