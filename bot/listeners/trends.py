"""`/ask-team heartbeat chart` and the Heartbeat trend button: the team heartbeat by week,
as a chart by DM."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from slack_bolt import Ack

from bot import heartbeat
from bot.blocks import as_dicts
from bot.blocks.notices import notice
from bot.charts import heartbeat_chart_png
from bot.deps import Deps
from bot.listeners.identity import Caller
from bot.listeners.outbox import Delivery, Outbox, Respond, UploadFile
from bot.services.home import weekly_heartbeat
from bot.services.leaders import find_leader_id


def answer_heartbeat_chart(
    ack: Ack, caller: Caller, command: dict[str, Any], deps: Deps, outbox: Outbox
) -> None:
    """Say the reading now; the chart follows by DM."""
    reading, chart = heartbeat_trend(caller, deps)
    ack(response_type="ephemeral", text=reading.text, blocks=reading.blocks)
    outbox.reply(command, chart)


def heartbeat_trend(caller: Caller, deps: Deps) -> tuple[Respond, list[Delivery]]:
    """The trend in words, to show at once, and the chart to DM (none if nothing is logged)."""
    now = deps.clock()
    with deps.database.transaction(writes=False) as session:
        leader_id = find_leader_id(session.connection(), caller.team_id, caller.user_id)
        weeks = (
            weekly_heartbeat(session, leader_id, now, heartbeat.CHART_WEEKS) if leader_id else []
        )
    chart: list[Delivery] = []
    if not any(week.answers for week in weeks):
        text = (
            "No heartbeats logged yet. Pick one (1-5) when you log answers "
            "and the trend shows here."
        )
    else:
        reading = heartbeat.reading(weeks)
        labels = [
            (now - timedelta(weeks=heartbeat.CHART_WEEKS - 1 - n)).strftime("%d %b")
            for n in range(heartbeat.CHART_WEEKS)
        ]
        text = f"{reading} The chart is on its way to your DM with me."
        chart.append(
            UploadFile(
                user_id=caller.user_id,
                filename=f"heartbeat-{now:%Y-%m-%d}.png",
                content=lambda: heartbeat_chart_png(weeks, labels),
                comment=f"Team heartbeat, last {heartbeat.CHART_WEEKS} weeks. {reading}",
                failure_note=(
                    f"{reading} I could not share the chart in our DM just now: Slack refused "
                    "the file. Please ask again in a minute."
                ),
            )
        )
    return Respond(text, as_dicts(notice(text, ":heartbeat:")), replace_original=False), chart
