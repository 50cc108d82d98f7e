"""The heartbeat chart: average heartbeat per week, with how many answers each point rests on."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.domain import heartbeat
from bot.domain.heartbeat import WeekPulse

if TYPE_CHECKING:
    # Only its type: matplotlib is imported when a chart is drawn (see heartbeat_chart_png).
    from matplotlib.axes import Axes


def labels_for_weeks(now: datetime, weeks: int) -> list[str]:
    """The day each of the last `weeks` weeks is labelled with, oldest first, this week last."""
    return [(now - timedelta(weeks=weeks - 1 - n)).strftime("%d %b") for n in range(weeks)]


def heartbeat_chart_png(
    weeks: Sequence[WeekPulse],
    week_labels: Sequence[str],
    team_weeks: Sequence[WeekPulse] = (),
) -> bytes:
    """A PNG line chart of `weeks` (oldest first); weeks with no answers leave a gap.

    `team_weeks`, the team's own pulse, is a second line in another colour and style, with a
    legend, so nobody mistakes one for the other.
    """
    # Imported here: matplotlib costs each process ~40 MB and ~0.6 s, and charts are rare.
    # A bare Figure, not pyplot: no global state, so sender threads may draw at once.
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 3.6), dpi=110)
    axes = figure.subplots()
    xs = list(range(len(weeks)))
    _plot_weeks(axes, xs, weeks, team_weeks)
    axes.set_ylim(heartbeat.LOWEST - 0.5, heartbeat.HIGHEST + 0.5)
    axes.set_yticks(
        list(heartbeat.SCALE), [f"{n} {name.lower()}" for n, name in heartbeat.SCALE.items()]
    )
    axes.set_xticks(xs, list(week_labels), fontsize=8)
    axes.set_title("Team heartbeat by week (numbers: answers logged)", fontsize=10)
    axes.grid(axis="y", alpha=0.3)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _plot_weeks(
    axes: Axes, xs: list[int], weeks: Sequence[WeekPulse], team_weeks: Sequence[WeekPulse]
) -> None:
    """The leader's line, each point labelled with its answers, and the team's pulse if any."""
    ys = [week.average for week in weeks]
    axes.plot(
        xs,
        [float("nan") if y is None else y for y in ys],
        marker="o",
        color="#c1121f",
        linewidth=2,
        label="Your reading, when you log",
    )
    if any(week.average is not None for week in team_weeks):
        axes.plot(
            xs,
            [float("nan") if w.average is None else w.average for w in team_weeks],
            marker="s",
            linestyle="--",
            color="#1d3557",
            linewidth=2,
            label="The team's own pulse (anonymous)",
        )
        axes.legend(loc="lower left", fontsize=8, frameon=False)
    for x, week in zip(xs, weeks, strict=True):
        if week.average is not None:
            axes.annotate(
                f"{week.answers}",
                (x, week.average),
                textcoords="offset points",
                xytext=(0, 8),
                ha="center",
                fontsize=8,
                color="#555555",
            )
