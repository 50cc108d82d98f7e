"""Daily nudges from the leader's side: schedule commands, the settings modal, the nudge's
Snooze and Skip buttons, and following the leader's time zone when they change it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.blocks import as_dicts
from bot.blocks.notices import notice
from bot.blocks.nudge import skipped_blocks, snoozed_blocks
from bot.blocks.schedule import describe_rule, schedule_modal, schedule_saved_view
from bot.commands import PauseNudges, ResumeNudges, SetSchedule, StopNudges
from bot.deps import Deps
from bot.forms import parse_schedule_form
from bot.habits import Habit
from bot.listeners.home_tab import home_for
from bot.listeners.identity import Caller, caller_of
from bot.listeners.outbox import AfterAck, Delivery, DirectMessage, OpenModal, Outbox, Respond
from bot.payloads import parse_id
from bot.scheduling import (
    INDEFINITELY,
    ScheduleError,
    describe_instant,
    known_zone,
    parse_pause,
    parse_rule,
    zone,
)
from bot.services import schedules
from bot.services.leaders import find_leader_id, leader_id_for
from bot.slack_client import fetch_zone
from bot.store.models import Nudge, Schedule
from bot.vocabulary import ids

logger = logging.getLogger(__name__)

NO_SCHEDULE = "You have no daily question yet. Start one with `/ask-team schedule 9:00 weekdays`."
ZONE_UNKNOWN = (
    "Your schedule is saved. Slack has not told me your time zone yet; I'll keep asking and "
    "plan your first nudge as soon as it does (the Home tab shows it)."
)
SNOOZE = timedelta(hours=1)

ScheduleCommand = SetSchedule | PauseNudges | ResumeNudges | StopNudges


def next_words(schedule: Schedule, now: datetime) -> str:
    if schedule.next_due_at is None:
        if schedules.zone_pending(schedule):
            return "as soon as Slack tells me your time zone"
        return "none until you resume (`/ask-team resume`)"
    return describe_instant(schedule.next_due_at, zone(schedule.tz), now)


def saved_words(schedule: Schedule, tz: str | None, now: datetime) -> str:
    rule = schedules.plan_of(schedule).rule
    return (
        f"You'll get a question to ask your team {describe_rule(rule, tz)}. "
        f"Next: {next_words(schedule, now)}."
    )


def learn_zone_after_ack(
    deps: Deps, caller: Caller, leader_id: int, tell: Callable[[str], list[Delivery]]
) -> AfterAck:
    """Ask Slack for the leader's zone after the ack, plan their nudge in it, and `tell` them.

    If Slack cannot say now, the nudge pass keeps asking (`NudgeDispatcher`), so nothing the
    leader set is lost; they hear when the schedule is planned via Home.
    """

    def run(client: WebClient) -> list[Delivery]:
        tz = fetch_zone(client, caller.user_id)
        if tz is None:
            return tell(ZONE_UNKNOWN)
        now = deps.clock()
        with deps.database.transaction() as session:
            planned = schedules.learn_zone(session, leader_id, tz, now)
            words = saved_words(planned, tz, now) if planned is not None else None
        return [*(tell(words) if words else []), home_for(deps, caller)]

    return AfterAck(run)


def answer_schedule_command(
    ack: Ack,
    caller: Caller,
    parsed: ScheduleCommand,
    command: dict[str, Any],
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
        modal, learn = settings_modal(caller, deps)
        outbox.reply(command, [OpenModal(command["trigger_id"], modal), *learn])
        return
    try:
        rule = parse_rule(parsed.when)
    except ScheduleError as error:
        reply(str(error), ":warning:")
        return
    with deps.database.transaction() as session:
        leader_id = leader_id_for(session.connection(), caller.team_id, caller.user_id, now)
        tz = schedules.leader_zone(session, leader_id)
        subscribed = schedules.subscribe(session, leader_id, rule, tz, now)
        reply(saved_words(subscribed, tz, now))
    if tz is not None:
        outbox.send([home_for(deps, caller)])
        return

    def tell(text: str) -> list[Delivery]:
        return [Respond(text, as_dicts(notice(text, ":alarm_clock:")), replace_original=False)]

    outbox.reply(command, [learn_zone_after_ack(deps, caller, leader_id, tell)])


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


def settings_modal(caller: Caller, deps: Deps) -> tuple[dict[str, Any], list[Delivery]]:
    """The schedule settings modal for this leader, filled in with what they have now, and
    (when we do not know their zone yet) the work that asks Slack for it after the ack."""
    now = deps.clock()
    with deps.database.transaction() as session:
        leader_id = leader_id_for(session.connection(), caller.team_id, caller.user_id, now)
        tz = schedules.leader_zone(session, leader_id)
        existing = schedules.get_schedule(session, leader_id)
        if existing is not None:
            plan = schedules.plan_of(existing)
            status = f"*Now:* {describe_rule(plan.rule, tz)}.\n*Next:* {next_words(existing, now)}."
            modal = schedule_modal(plan.rule, plan.habits, tz, status).to_dict()
        else:
            status = "You have no daily question yet. Pick a time and days, then Save."
            modal = schedule_modal(None, tuple(Habit), tz, status).to_dict()
    learn: list[Delivery] = []
    if tz is None:
        learn.append(learn_zone_after_ack(deps, caller, leader_id, lambda _text: []))
    return modal, learn


def register(app: App, deps: Deps, outbox: Outbox) -> None:
    def schedule_settings_submitted(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
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
        with deps.database.transaction() as session:
            leader_id = leader_id_for(session.connection(), caller.team_id, caller.user_id, now)
            tz = schedules.leader_zone(session, leader_id)
            schedule = schedules.subscribe(session, leader_id, rule, tz, now, habits=habits)
            summary = saved_words(schedule, tz, now)
        ack(response_action="update", view=schedule_saved_view(summary).to_dict())
        if tz is not None:
            outbox.send([home_for(deps, caller)])
            return

        def tell(text: str) -> list[Delivery]:
            return [DirectMessage(caller.user_id, text, as_dicts(notice(text, ":alarm_clock:")))]

        outbox.send([learn_zone_after_ack(deps, caller, leader_id, tell)])

    app.view(ids.SCHEDULE_CALLBACK)(schedule_settings_submitted)

    def nudge_button(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext
    ) -> None:
        ack()
        caller = caller_of(context)
        value = action.get("value")
        nudge_id = parse_id(value)
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
        user = event.get("user")
        if not isinstance(user, dict):
            return
        team_id = context.team_id or user.get("team_id")
        tz, user_id = known_zone(user.get("tz")), user.get("id")
        if not (tz and isinstance(user_id, str) and isinstance(team_id, str)):
            return
        with deps.database.transaction() as session:
            leader_id = find_leader_id(session.connection(), team_id, user_id)
            if leader_id is not None:
                schedules.learn_zone(session, leader_id, tz, deps.clock())

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
