"""The team heartbeat, in one place: the 1-5 scale and its words, the weekly pulse, the trend
in words and as a sparkline, and when it is low enough to ask about. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# What each point of the scale means to the leader choosing it.
SCALE = {
    1: "Struggling",
    2: "Low",
    3: "Steady",
    4: "Good",
    5: "Energised",
}
LOWEST, HIGHEST = min(SCALE), max(SCALE)
# How the Home tab follows the heartbeat, and how far back the chart looks.
HOME_WEEKS = 8
CHART_WEEKS = 12
# Three readings this low in a row make the next nudge a heartbeat question.
LOW = 2
LOW_IN_A_ROW = 3
SPARKS = "▁▂▃▄▅▆▇█"
# A change in the weekly average smaller than this reads as steady.
NOTICEABLE_CHANGE = 0.25


def label(value: int) -> str:
    """ "3 · Steady": a point of the scale as the leader picks and reads it."""
    return f"{value} · {SCALE[value]}"


def scale_in_words() -> str:
    """ "1 = struggling … 5 = energised": the ends of the scale, for a hint or an axis."""
    return f"{LOWEST} = {SCALE[LOWEST].lower()} … {HIGHEST} = {SCALE[HIGHEST].lower()}"


def parse(value: object) -> int | None:
    """A point of the scale from a form's option value, or None if it is not one we offer."""
    if isinstance(value, str) and value in {str(point) for point in SCALE}:
        return int(value)
    return None


@dataclass(frozen=True)
class WeekPulse:
    """The average heartbeat of one week and how many answers it rests on."""

    average: float | None
    answers: int


def is_low_run(latest: Sequence[int | None]) -> bool:
    """True when the last LOW_IN_A_ROW readings (newest first) are all LOW or under."""
    return len(latest) >= LOW_IN_A_ROW and all(
        beat is not None and beat <= LOW for beat in latest[:LOW_IN_A_ROW]
    )


def reading(weeks: Sequence[WeekPulse]) -> str:
    """The trend in words, from the weeks that have answers."""
    averages = [week.average for week in weeks if week.average is not None]
    if not averages:
        return "Pick a heartbeat when you log answers to see the trend here."
    if len(averages) < 2:
        return "One week with a heartbeat so far: the trend shows from the next one."
    last, previous = averages[-1], averages[-2]
    if len(averages) >= 3 and averages[-3] > previous > last:
        return "Down two weeks in a row: ask a heartbeat question."
    if last - previous > NOTICEABLE_CHANGE:
        return "Up on the week before."
    if previous - last > NOTICEABLE_CHANGE:
        return "Down on the week before: worth a heartbeat question."
    return "Steady."


def sparkline(weeks: Sequence[WeekPulse]) -> str:
    """One character per week: ▁ for a struggling team up to █ for an energised one, · for none."""
    steps = len(SPARKS) - 1
    return "".join(
        "·"
        if week.average is None
        else SPARKS[round((week.average - LOWEST) / (HIGHEST - LOWEST) * steps)]
        for week in weeks
    )
