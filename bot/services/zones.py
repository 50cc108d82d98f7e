"""The caller's time zone, and so their today: what a close, a due day or an overdue mark
is measured against."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.services.context import Context
from bot.store.leaders import leader_zone
from bot.store.schedules import schedule_zone


def leader_tz(session: Session, leader_id: int | None) -> str:
    """The leader's zone as Slack last said, or their schedule's, or UTC."""
    if leader_id is None:
        return "UTC"
    return leader_zone(session, leader_id) or schedule_zone(session, leader_id) or "UTC"


def caller_tz(ctx: Context) -> str:
    """The caller's zone, as `leader_tz` finds it."""
    with ctx.transaction(writes=False) as session:
        return leader_tz(session, ctx.leader_id(session.connection()))


def caller_today(ctx: Context) -> date:
    """The day it is now where the caller is."""
    return ctx.now.astimezone(ZoneInfo(caller_tz(ctx))).date()


def past_due(ctx: Context, due: date | None, kept: date | None) -> bool:
    """Whether `due`, newly given to a promise, is a day already over where the caller is (a
    day kept from before may be, being merely overdue)."""
    return due is not None and due != kept and due < caller_today(ctx)
