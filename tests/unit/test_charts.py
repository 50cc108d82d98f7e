"""The heartbeat chart renders on a server with no display, from several threads at once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from bot.blocks.charts import heartbeat_chart_png, labels_for_weeks
from bot.domain.heartbeat import WeekPulse

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_charts_drawn_at_the_same_time_are_each_whole() -> None:
    def draw(n: int) -> bytes:
        weeks = [
            WeekPulse(average=None if w == n % 12 else 1 + (w + n) % 5, answers=w)
            for w in range(12)
        ]
        return heartbeat_chart_png(weeks, [f"w{w}" for w in range(12)])

    with ThreadPoolExecutor(max_workers=8) as pool:
        pngs = list(pool.map(draw, range(16)))

    assert all(png.startswith(PNG_SIGNATURE) and png.endswith(b"IEND\xaeB`\x82") for png in pngs)
    assert len(set(pngs)) == 16, "each chart drew its own data"


def test_each_week_is_labelled_with_its_day_this_week_last() -> None:
    now = datetime(2026, 3, 15, 9, 0, tzinfo=UTC)

    assert labels_for_weeks(now, 3) == ["01 Mar", "08 Mar", "15 Mar"]


def test_the_teams_own_pulse_is_a_second_labelled_line() -> None:
    weeks = [WeekPulse(3.0, 2)] * 12
    team = [WeekPulse(None, 0)] * 6 + [WeekPulse(4.2, 5)] * 6
    with_team = heartbeat_chart_png(weeks, [f"w{w}" for w in range(12)], team)
    alone = heartbeat_chart_png(weeks, [f"w{w}" for w in range(12)])
    assert with_team.startswith(b"\x89PNG")
    assert with_team != alone
