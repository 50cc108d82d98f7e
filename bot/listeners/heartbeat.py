"""The team heartbeat by week, as a chart by DM: `/ask-team heartbeat chart` (also `trend`,
routed here by bot/listeners/commands.py) and the question card's Heartbeat trend button."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.blocks import as_dicts
from bot.blocks.charts import heartbeat_chart_png, labels_for_weeks
from bot.blocks.notices import notice
from bot.blocks.your_data import on_its_way
from bot.domain import heartbeat
from bot.domain.interactions import Click
from bot.listeners.replies import button
from bot.senders.after_ack import AfterAckSender, Delivery, Respond, UploadFile
from bot.services.context import Context
from bot.services.home import heartbeat_by_week
from bot.vocabulary import ids

NOTHING_YET = (
    "No heartbeats logged yet. Pick one (1-5) when you log answers and the trend shows here."
)


def answer_heartbeat_chart(
    ack: Ack, ctx: Context, command: dict[str, Any], sender: AfterAckSender
) -> None:
    """Say the reading now; the chart follows by DM."""
    reading, chart = heartbeat_trend(ctx, command.get("channel_id"))
    ack(response_type="ephemeral", text=reading.text, blocks=reading.blocks)
    sender.reply(command, chart)


def heartbeat_trend(ctx: Context, channel_id: str | None) -> tuple[Respond, list[Delivery]]:
    """The trend in words, to show at once, and the chart to DM (none if nothing is logged);
    `channel_id` is where it was asked for, which the words say the chart comes to."""
    weeks, team_weeks = heartbeat_by_week(ctx)
    if not any(week.answers for week in weeks) and not any(w.answers for w in team_weeks):
        return _reading(NOTHING_YET), []
    reading = heartbeat.reading(weeks)
    labels = labels_for_weeks(ctx.now, len(weeks))
    chart = UploadFile(
        user_id=ctx.user_id,
        filename=f"heartbeat-{ctx.now:%Y-%m-%d}.png",
        content=lambda: heartbeat_chart_png(weeks, labels, team_weeks),
        comment=f"Team heartbeat, last {len(weeks)} weeks. {reading}",
        failure_note=(
            f"{reading} I could not share the chart in our DM just now: Slack refused "
            "the file. Please ask again in a minute."
        ),
    )
    return _reading(f"{reading} {on_its_way('The chart', channel_id)}."), [chart]


def _reading(text: str) -> Respond:
    # Beside the question card, never in its place: the card stays to be answered.
    return Respond(text, as_dicts(notice(text, ":heartbeat:")), replace_original=False)


def register(app: App, sender: AfterAckSender) -> None:
    def trend_pressed(ctx: Context, click: Click) -> list[Delivery]:
        reading, chart = heartbeat_trend(ctx, click.channel_id)
        return [reading, *chart]

    button(app, sender, ids.QUESTION_HEARTBEAT_TREND, trend_pressed)
