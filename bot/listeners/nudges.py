"""Daily nudges from the leader's side: the schedule commands, the settings modal, the nudge's
Snooze and Skip buttons, and following the leader's time zone when they change it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.blocks import as_dicts
from bot.blocks.notices import notice
from bot.blocks.nudge import nudge_blocks, nudge_text, skipped_blocks, snoozed_blocks
from bot.blocks.refusals import words
from bot.blocks.schedule_settings import (
    next_words,
    paused_words,
    resumed_words,
    saved_words,
    schedule_saved_view,
    settings_modal_view,
)
from bot.domain.commands import PauseNudges, ResumeNudges, SetSchedule, StopNudges
from bot.domain.forms import parse_schedule_form
from bot.domain.interactions import Click, Submission, click_of
from bot.domain.nudge_rules import ScheduleError, describe_instant, known_zone, parse_rule, zone
from bot.domain.payloads import parse_id
from bot.listeners.caller import context_of
from bot.listeners.replies import button, form, form_errors, reject
from bot.senders.after_ack import (
    AfterAck,
    AfterAckSender,
    Delivery,
    DirectMessage,
    OpenModal,
    Respond,
)
from bot.senders.home import home_for
from bot.services.context import Context
from bot.services.nudges import another_question, skip, snooze
from bot.services.schedules import (
    follow_zone,
    pause_nudges,
    resume_nudges,
    schedule_settings,
    set_schedule,
    stop_nudges,
)
from bot.store.slack_client import fetch_zone
from bot.vocabulary import ids
from bot.vocabulary.refusals import Reason, Refusal

NOTHING_TO_STOP = "You have no daily question to stop."
STOPPED = "Stopped your daily question. `/ask-team schedule 9:00 weekdays` starts it again."
ZONE_UNKNOWN = (
    "Your schedule is saved. Slack has not told me your time zone yet; I'll keep asking and "
    "plan your first nudge as soon as it does (the Home tab shows it)."
)

ScheduleCommand = SetSchedule | PauseNudges | ResumeNudges | StopNudges
# How the leader hears, after the ack, what their schedule now is.
Tell = Callable[[str], list[Delivery]]
# Answers the command in its ack: (text, emoji).
Reply = Callable[[str, str], None]


def learn_zone_after_ack(ctx: Context, tell: Tell) -> AfterAck:
    """Ask Slack for the caller's zone after the ack, plan their nudge in it, and `tell` them.

    If Slack cannot say now, the nudge pass keeps asking (`NudgeDispatcher`), so nothing the
    leader set is lost; they hear when the schedule is planned via Home.
    """

    def run(client: WebClient) -> list[Delivery]:
        tz = fetch_zone(client, ctx.user_id)
        if tz is None:
            return tell(ZONE_UNKNOWN)
        # Planned from when Slack answered, not from when the request came in.
        now = ctx.deps.clock()
        planned = follow_zone(replace(ctx, now=now), tz)
        words = saved_words(planned, now) if planned is not None else None
        return [*(tell(words) if words else []), home_for(ctx)]

    return AfterAck(run)


def answer_schedule_command(
    ack: Ack,
    ctx: Context,
    parsed: ScheduleCommand,
    command: dict[str, Any],
    sender: AfterAckSender,
) -> None:
    """Reply to schedule, pause, resume and stop, always saying when the next nudge is."""

    def reply(text: str, emoji: str = ":alarm_clock:") -> None:
        ack(response_type="ephemeral", text=text, blocks=as_dicts(notice(text, emoji)))

    if not isinstance(parsed, SetSchedule):
        _change_schedule(ctx, parsed, reply)
        sender.send([home_for(ctx)], team_id=ctx.team_id)
        return
    if not parsed.when.strip():
        ack()
        modal, learn = open_settings(ctx)
        sender.reply(command, [OpenModal(command["trigger_id"], modal), *learn])
        return
    try:
        rule = parse_rule(parsed.when)
    except ScheduleError as error:
        reply(str(error), ":warning:")
        return
    plan = set_schedule(ctx, rule)
    reply(saved_words(plan, ctx.now))
    if plan.slack_zone is not None:
        sender.send([home_for(ctx)], team_id=ctx.team_id)
        return

    # One reply, brought up to date in place once Slack has said the leader's zone.
    def tell(text: str) -> list[Delivery]:
        return [Respond(text, as_dicts(notice(text, ":alarm_clock:")), replace_original=True)]

    sender.reply(command, [learn_zone_after_ack(ctx, tell)])


def _change_schedule(
    ctx: Context,
    parsed: PauseNudges | ResumeNudges | StopNudges,
    reply: Reply,
) -> None:
    if isinstance(parsed, StopNudges):
        if stop_nudges(ctx):
            reply(STOPPED, ":wave:")
        else:
            reply(NOTHING_TO_STOP, ":information_source:")
    elif isinstance(parsed, ResumeNudges):
        resumed = resume_nudges(ctx)
        if isinstance(resumed, Refusal):
            reply(words(resumed), ":information_source:")
        else:
            reply(resumed_words(resumed.plan, resumed.paused_because, ctx.now), ":arrow_forward:")
    else:
        try:
            paused = pause_nudges(ctx, parsed.how_long)
        except ScheduleError as error:
            reply(str(error), ":warning:")
            return
        if isinstance(paused, Refusal):
            reply(words(paused), ":information_source:")
        else:
            reply(paused_words(paused, ctx.now), ":double_vertical_bar:")


def open_settings(ctx: Context) -> tuple[dict[str, Any], list[Delivery]]:
    """The schedule settings modal for the caller, filled in with what they have now, and
    (when we do not know their zone yet) the work that asks Slack for it after the ack."""
    current = schedule_settings(ctx)
    modal = settings_modal_view(current, ctx.now).to_dict()
    learn: list[Delivery] = []
    if current.slack_zone is None:
        learn.append(learn_zone_after_ack(ctx, lambda _text: []))
    return modal, learn


def register(app: App, sender: AfterAckSender) -> None:
    def schedule_settings_submitted(ack: Ack, ctx: Context, submission: Submission) -> None:
        parsed = parse_schedule_form(submission.values)
        if isinstance(parsed, list):
            reject(ack, form_errors(parsed, ids.SCHEDULE_TIME_BLOCK))
            return
        plan = set_schedule(ctx, parsed.rule, parsed.habits, parsed.alerts)
        ack(
            response_action="update", view=schedule_saved_view(saved_words(plan, ctx.now)).to_dict()
        )
        if plan.slack_zone is not None:
            sender.send([home_for(ctx)], team_id=ctx.team_id)
            return
        user_id = ctx.user_id

        def tell(text: str) -> list[Delivery]:
            return [DirectMessage(user_id, text, as_dicts(notice(text, ":alarm_clock:")))]

        sender.send([learn_zone_after_ack(ctx, tell)], team_id=ctx.team_id)

    form(
        app,
        ids.SCHEDULE_CALLBACK,
        schedule_settings_submitted,
        no_caller=form_errors(Refusal(Reason.OUT_OF_DATE), ids.SCHEDULE_TIME_BLOCK),
    )

    def nudge_button(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext
    ) -> None:
        ack()
        ctx = context_of(context)
        click = click_of(body, action)
        nudge_id = parse_id(click.value)
        answer = (
            _snooze_or_skip(ctx, nudge_id, click.action_id == ids.NUDGE_SKIP)
            if ctx is not None and nudge_id is not None
            else Refusal(Reason.SETTLED)
        )
        if isinstance(answer, Refusal):
            said = words(answer)
            answer = Respond(said, as_dicts(notice(said)), replace_original=False)
        sender.reply(body, [answer])

    app.action(ids.NUDGE_SNOOZE)(nudge_button)
    app.action(ids.NUDGE_SKIP)(nudge_button)
    button(app, sender, ids.NUDGE_ANOTHER, _another_question)

    def user_change(event: dict[str, Any], context: BoltContext) -> None:
        ctx = context_of(context)
        user = event.get("user")
        if ctx is None or not isinstance(user, dict):
            return
        tz = known_zone(user.get("tz"))
        # Bolt takes the caller from this same `user`; the zone must be about them.
        if tz and user.get("id") == ctx.user_id:
            follow_zone(ctx, tz)

    app.event("user_change")(user_change)


def _another_question(ctx: Context, click: Click) -> list[Delivery]:
    """Another question in the nudge itself, which keeps its Snooze and Skip."""
    nudge_id = parse_id(click.value)
    swapped = another_question(ctx, nudge_id) if nudge_id is not None else Refusal(Reason.SETTLED)
    if nudge_id is None or isinstance(swapped, Refusal):
        said = words(swapped if isinstance(swapped, Refusal) else Refusal(Reason.SETTLED))
        return [Respond(said, as_dicts(notice(said)), replace_original=False)]
    plan = swapped.plan
    upcoming = next_words(plan, ctx.now) if plan is not None and plan.next_due_at else None
    blocks = nudge_blocks(swapped.asked, nudge_id, "Another one.", upcoming)
    return [Respond(nudge_text(swapped.asked), as_dicts(blocks))]


def _snooze_or_skip(ctx: Context, nudge_id: int, skip_today: bool) -> Respond | Refusal:
    """Snooze or skip the caller's own nudge; refused if it is not theirs or already settled."""
    if skip_today:
        skipped = skip(ctx, nudge_id)
        if isinstance(skipped, Refusal):
            return skipped
        upcoming = next_words(skipped.plan, ctx.now) if skipped.plan else None
        return Respond("Skipped today.", as_dicts(skipped_blocks(upcoming)))
    snoozed = snooze(ctx, nudge_id)
    if isinstance(snoozed, Refusal):
        return snoozed
    until = describe_instant(snoozed.until, zone(snoozed.tz), ctx.now)
    question = snoozed.question or "today's question"
    return Respond(f"Snoozed until {until}.", as_dicts(snoozed_blocks(question, until)))
