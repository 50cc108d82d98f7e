"""Daily nudges from the leader's side: schedule commands, the settings modal, the nudge's
Snooze and Skip buttons, and following the leader's time zone when they change it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks import as_dicts, ids
from bot.blocks.notices import notice
from bot.blocks.nudge import skipped_blocks, snoozed_blocks
from bot.blocks.schedule import describe_rule, schedule_modal, schedule_saved_view
from bot.commands import PauseNudges, ResumeNudges, SetSchedule, StopNudges
from bot.deps import Deps
from bot.forms import parse_schedule_form
from bot.habits import Habit
from bot.listeners.home_tab import home_for
from bot.listeners.identity import Caller, caller_of
from bot.listeners.outbox import OpenModal, Outbox, Respond
from bot.scheduling import (
    INDEFINITELY,
    ScheduleError,
    describe_instant,
    parse_pause,
    parse_rule,
    zone,
)
from bot.services import schedules
from bot.services.leaders import find_leader_id, leader_id_for
from bot.store.models import Nudge, Schedule

logger = logging.getLogger(__name__)

NO_SCHEDULE = "You have no daily question yet. Start one with `/ask-team schedule 9:00 weekdays`."
SNOOZE = timedelta(hours=1)

ScheduleCommand = SetSchedule | PauseNudges | ResumeNudges | StopNudges


def leader_timezone(client: WebClient, user_id: str, fallback: str | None) -> str:
    """The user's IANA zone from `users.info`, else `fallback`, else UTC."""
    try:
        user = client.users_info(user=user_id).get("user") or {}
        tz = user.get("tz")
        if isinstance(tz, str) and zone(tz).key == tz:
            return tz
    except SlackApiError as error:
        logger.warning("users.info failed: %s", error.response.get("error"))
    except OSError:
        logger.warning("users.info unreachable", exc_info=True)
    return fallback or "UTC"


def next_words(schedule: Schedule, now: datetime) -> str:
    if schedule.next_due_at is None:
        return "none until you resume (`/ask-team resume`)"
    return describe_instant(schedule.next_due_at, zone(schedule.tz), now)


def answer_schedule_command(
    ack: Ack,
    caller: Caller,
    parsed: ScheduleCommand,
    command: dict[str, Any],
    client: WebClient,
    deps: Deps,
    outbox: Outbox,
) -> None:
    """Reply to schedule, pause, resume and stop, always saying when the next nudge is."""
    now = deps.clock()

    def reply(text: str, emoji: str = ":alarm_clock:") -> None:
        ack(response_type="ephemeral", text=text, blocks=as_dicts(notice(text, emoji)))

    if not isinstance(parsed, SetSchedule):
        _change_schedule(caller, parsed, deps, now, reply)
        outbox.send([home_for(deps, caller)])
        return
    if not parsed.when.strip():
        ack()
        outbox.send([OpenModal(command["trigger_id"], settings_modal(caller, client, deps))])
        return
    try:
        rule = parse_rule(parsed.when)
    except ScheduleError as error:
        reply(str(error), ":warning:")
        return
    with deps.database.transaction(writes=False) as session:
        known_id = find_leader_id(session.connection(), caller.team_id, caller.user_id)
        previous = schedules.get_schedule(session, known_id) if known_id is not None else None
        previous_tz = previous.tz if previous else None
    # Outside any transaction: this is a Web API call, and SQLite's writer must not wait on it.
    tz = leader_timezone(client, caller.user_id, previous_tz)
    with deps.database.transaction() as session:
        new_id = leader_id_for(session.connection(), caller.team_id, caller.user_id, now)
        subscribed = schedules.subscribe(session, new_id, rule, tz, now)
        reply(
            f"You'll get a question to ask your team {describe_rule(rule, tz)}. "
            f"Next: {next_words(subscribed, now)}."
        )
    outbox.send([home_for(deps, caller)])


def _change_schedule(
    caller: Caller,
    parsed: PauseNudges | ResumeNudges | StopNudges,
    deps: Deps,
    now: datetime,
    reply: Callable[..., None],
) -> None:
    with deps.database.transaction() as session:
        leader_id = find_leader_id(session.connection(), caller.team_id, caller.user_id)
        existing = schedules.get_schedule(session, leader_id) if leader_id is not None else None
        if existing is None or leader_id is None:
            if isinstance(parsed, StopNudges):
                reply("You have no daily question to stop.", ":information_source:")
            else:
                reply(NO_SCHEDULE, ":information_source:")
            return
        if isinstance(parsed, StopNudges):
            schedules.stop(session, leader_id)
            reply(
                "Stopped your daily question. `/ask-team schedule 9:00 weekdays` starts it again.",
                ":wave:",
            )
        elif isinstance(parsed, ResumeNudges):
            resumed = schedules.resume(session, leader_id, now)
            assert resumed is not None
            reply(f"Resumed. Next: {next_words(resumed, now)}.", ":arrow_forward:")
        else:
            today = now.astimezone(zone(existing.tz)).date()
            try:
                resume_on = parse_pause(parsed.how_long, today)
            except ScheduleError as error:
                reply(str(error), ":warning:")
                return
            paused = schedules.pause(session, leader_id, resume_on, now)
            assert paused is not None
            until = (
                "until you resume (`/ask-team resume`)"
                if resume_on == INDEFINITELY
                else f"until {resume_on:%A %Y-%m-%d}"
            )
            reply(f"Paused {until}. Next: {next_words(paused, now)}.", ":double_vertical_bar:")


def settings_modal(caller: Caller, client: WebClient, deps: Deps) -> dict[str, Any]:
    """The schedule settings modal for this leader, filled in with what they have now."""
    now = deps.clock()
    with deps.database.transaction(writes=False) as session:
        leader_id = find_leader_id(session.connection(), caller.team_id, caller.user_id)
        existing = schedules.get_schedule(session, leader_id) if leader_id is not None else None
        if existing is not None:
            plan = schedules.plan_of(existing)
            status = (
                f"*Now:* {describe_rule(plan.rule, plan.tz)}.\n*Next:* {next_words(existing, now)}."
            )
            return schedule_modal(plan.rule, plan.habits, plan.tz, status).to_dict()
    tz = leader_timezone(client, caller.user_id, None)
    status = "You have no daily question yet. Pick a time and days, then Save."
    return schedule_modal(None, tuple(Habit), tz, status).to_dict()


def register(app: App, deps: Deps, outbox: Outbox) -> None:
    def schedule_settings_submitted(
        ack: Ack, view: dict[str, Any], context: BoltContext, client: WebClient
    ) -> None:
        caller = caller_of(context)
        parsed = parse_schedule_form(view.get("state", {}).get("values"))
        if isinstance(parsed, dict):
            ack(response_action="errors", errors=parsed)
            return
        if caller is None:
            ack(response_action="errors", errors={ids.SCHEDULE_TIME_BLOCK: "Please try again."})
            return
        rule, habits = parsed.rule, parsed.habits
        now = deps.clock()
        with deps.database.transaction(writes=False) as session:
            known_id = find_leader_id(session.connection(), caller.team_id, caller.user_id)
            existing = schedules.get_schedule(session, known_id) if known_id else None
            known_tz = existing.tz if existing else None
        tz = known_tz or leader_timezone(client, caller.user_id, None)
        with deps.database.transaction() as session:
            leader_id = leader_id_for(session.connection(), caller.team_id, caller.user_id, now)
            schedule = schedules.subscribe(session, leader_id, rule, tz, now, habits=habits)
            summary = (
                f"You'll get a question {describe_rule(rule, tz)}. "
                f"Next: {next_words(schedule, now)}."
            )
        ack(response_action="update", view=schedule_saved_view(summary).to_dict())
        outbox.send([home_for(deps, caller)])

    app.view(ids.SCHEDULE_CALLBACK)(schedule_settings_submitted)

    def nudge_button(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext
    ) -> None:
        ack()
        caller = caller_of(context)
        value = action.get("value")
        nudge_id = int(value) if isinstance(value, str) and value.isdigit() else None
        deliveries = []
        try:
            reply = (
                _snooze_or_skip(deps, caller, nudge_id, action.get("action_id") == ids.NUDGE_SKIP)
                if caller is not None and nudge_id is not None
                else None
            )
        except Exception:
            logger.exception("nudge button failed")
            reply = None
        if reply is None:
            text = "That nudge is no longer yours to change. Run `/ask-team` for a question."
            deliveries.append(Respond(text, as_dicts(notice(text)), replace_original=False))
        else:
            deliveries.append(reply)
        outbox.reply(body, list(deliveries))

    app.action(ids.NUDGE_SNOOZE)(nudge_button)
    app.action(ids.NUDGE_SKIP)(nudge_button)

    def user_change(event: dict[str, Any], context: BoltContext) -> None:
        user = event.get("user") or {}
        team_id = context.team_id or user.get("team_id")
        tz, user_id = user.get("tz"), user.get("id")
        if not (isinstance(tz, str) and isinstance(user_id, str) and team_id):
            return
        if zone(tz).key != tz:
            return
        with deps.database.transaction() as session:
            leader_id = find_leader_id(session.connection(), team_id, user_id)
            if leader_id is not None:
                schedules.change_timezone(session, leader_id, tz, deps.clock())

    app.event("user_change")(user_change)


def _snooze_or_skip(deps: Deps, caller: Caller, nudge_id: int, skip: bool) -> Respond | None:
    """Snooze or skip the caller's own nudge; None if it is not theirs or already settled."""
    now = deps.clock()
    with deps.database.transaction() as session:
        leader_id = find_leader_id(session.connection(), caller.team_id, caller.user_id)
        nudge = session.get(Nudge, nudge_id)
        # The id came from a button: it must name a nudge of the person who pressed it.
        if nudge is None or leader_id is None or nudge.leader_id != leader_id:
            return None
        if nudge.status not in ("sent", "snoozed"):
            return None
        schedule = schedules.get_schedule(session, leader_id)
        tz = zone(schedule.tz if schedule else None)
        asked = deps.bank_for(session.connection(), caller.team_id).resolve(
            nudge.question_ref or ""
        )
        if skip:
            nudge.status, nudge.snoozed_until = "skipped", None
            upcoming = next_words(schedule, now) if schedule else None
            return Respond("Skipped today.", as_dicts(skipped_blocks(upcoming)))
        nudge.status, nudge.snoozed_until = "snoozed", now + SNOOZE
        until = describe_instant(now + SNOOZE, tz, now)
        question = asked.text if asked else "today's question"
        return Respond(f"Snoozed until {until}.", as_dicts(snoozed_blocks(question, until)))
