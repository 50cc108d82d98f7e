"""APScheduler as a clock only: one job, every minute, asking the database who is due."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.senders.nudges import NudgeDispatcher
from bot.senders.reminders import Reminders
from bot.senders.team_asks import AskCloser
from bot.senders.token_refresh import TokenRefresher
from bot.store.models import utcnow

JOB_ID = "dispatch-due-nudges"
logger = logging.getLogger(__name__)


def start_clock(
    dispatcher: NudgeDispatcher,
    now: Callable[[], datetime] = utcnow,
    closer: AskCloser | None = None,
    refresher: TokenRefresher | None = None,
    reminders: Reminders | None = None,
) -> BackgroundScheduler:
    """Run a nudge pass (then the asks' closing pass, the reminder pass and the token refresh
    pass) at second 0 of every minute in a background thread, at `now()`."""
    scheduler = BackgroundScheduler(timezone="UTC", daemon=True)
    scheduler.add_job(
        lambda: _tick(dispatcher, now, closer, refresher, reminders),
        CronTrigger(second=0, timezone="UTC"),
        id=JOB_ID,
        name="nudge pass",
        replace_existing=True,
        # A late or missed tick runs once, not once per minute missed: the pass catches up.
        coalesce=True,
        max_instances=1,
        misfire_grace_time=50,
    )
    scheduler.start()
    return scheduler


def _tick(
    dispatcher: NudgeDispatcher,
    now: Callable[[], datetime],
    closer: AskCloser | None,
    refresher: TokenRefresher | None,
    reminders: Reminders | None = None,
) -> None:
    try:
        report = dispatcher.run_pass(now())
        if report.claimed or report.missed:
            outcomes = ", ".join(
                f"{count} {name}" for name, count in sorted(report.outcomes.items())
            )
            logger.info(
                "nudge pass: %d claimed (%s), %d missed",
                report.claimed,
                outcomes or "none sent",
                report.missed,
            )
    except Exception:
        logger.exception("nudge pass failed; the next tick will try again")
    # After the nudges, which are due at a minute; a closing can wait for them.
    if closer is not None:
        close_asks(closer, now())
    if reminders is not None:
        send_reminders(reminders, now())
    # Last: tokens are refreshed an hour ahead, so the sends above never need to wait for it.
    if refresher is not None:
        refresh_tokens(refresher, now())


def close_asks(closer: AskCloser, now: datetime) -> None:
    """One closing pass; a failure is logged and the next tick tries again."""
    try:
        report = closer.run_pass(now)
        if report.posted or report.closed or report.failed:
            logger.info(
                "asks pass: %d posted, %d closed, %d to retry",
                report.posted,
                report.closed,
                report.failed,
            )
    except Exception:
        logger.exception("asks pass failed; the next tick will try again")


def send_reminders(reminders: Reminders, now: datetime) -> None:
    """One reminder pass; a failure is logged and the next tick tries again."""
    try:
        report = reminders.run_pass(now)
        if report.promises or report.people or report.to_retry:
            logger.info(
                "reminder pass: %d promises, %d people reminded, %d to retry",
                report.promises,
                report.people,
                report.to_retry,
            )
    except Exception:
        logger.exception("reminder pass failed; the next tick will try again")


def refresh_tokens(refresher: TokenRefresher, now: datetime) -> None:
    """One token refresh pass; a failure is logged and the next tick tries again."""
    try:
        refresher.run_pass(now)
    except Exception:
        logger.exception("token refresh pass failed; the next tick will try again")
