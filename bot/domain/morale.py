"""When a falling heartbeat is worth a morale alert, and which question to bring to it. Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.domain.heartbeat import LOW, LOW_IN_A_ROW
from bot.domain.question_bank import Question

# A pulse this much below the channel's previous one is a drop worth a DM, not noise.
PULSE_DROP = 0.8


def pulse_dropped(previous: float | None, current: float | None) -> bool:
    """Whether a pulse's average fell by PULSE_DROP or more on the channel's previous one."""
    return previous is not None and current is not None and previous - current >= PULSE_DROP - 1e-9


def low_run_begins(latest: Sequence[int | None]) -> bool:
    """Whether the newest reading (first) makes LOW_IN_A_ROW low ones in a row, and the one
    before them was not low: one alert per run, however long it lasts."""
    run = latest[:LOW_IN_A_ROW]
    if len(run) < LOW_IN_A_ROW or not all(beat is not None and beat <= LOW for beat in run):
        return False
    before = latest[LOW_IN_A_ROW : LOW_IN_A_ROW + 1]
    return not before or before[0] is None or before[0] > LOW


def question_for_a_fall(questions: Sequence[Question], shown: Mapping[str, int]) -> Question | None:
    """The falling-mood question this leader was shown least, the bank's order breaking ties."""
    falling = [question for question in questions if question.for_falling_mood]
    return min(falling, key=lambda question: shown.get(question.id, 0)) if falling else None
