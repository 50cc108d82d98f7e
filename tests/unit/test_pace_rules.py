"""The rule a workspace's pace follows, with times passed in: lower after a 429, higher after
a quiet stretch, within the floor and the ceiling; the burst in proportion."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.pace_rules import (
    FLOOR_PER_MINUTE,
    achieved,
    after_429,
    after_quiet,
    burst_for,
    starting_pace,
)

CEILING = 300.0

# -- what Slack took ---------------------------------------------------------------------------


def test_what_slack_took_is_counted_beyond_the_burst_both_buckets_began_with() -> None:
    # 10 of the 16 sends were the burst; 6 more, and half the refused one, in 3.25 seconds.
    assert achieved(16, 3.25, spent_burst=10) == pytest.approx(120.0)


def test_a_window_starting_at_a_429_counts_every_send() -> None:
    assert achieved(9, 4.75) == pytest.approx(120.0)


def test_a_few_sends_or_no_time_measure_nothing() -> None:
    assert achieved(12, 1.0, spent_burst=10) is None
    assert achieved(3, 1.0) is None
    assert achieved(5, 0.0) is None
    assert achieved(8, 1.0, spent_burst=10) is None, "Slack's burst is smaller than ours"


# -- after a 429 -------------------------------------------------------------------------------


def test_a_429_lowers_the_pace_under_what_slack_was_taking() -> None:
    lowered = after_429(200.0, achieved=120.0)

    assert lowered < 120.0
    assert lowered > 100.0, "a margin, not a collapse"


def test_a_429_lowers_the_pace_even_when_slack_seemed_to_take_more() -> None:
    assert after_429(120.0, achieved=400.0) < 120.0


def test_a_measured_limit_far_under_the_pace_is_trusted() -> None:
    assert after_429(300.0, achieved=60.0) == pytest.approx(54.0)


def test_a_429_with_nothing_measured_halves_the_pace() -> None:
    assert after_429(300.0, achieved=None) == 150.0


def test_429_after_429_never_takes_the_pace_below_the_floor() -> None:
    pace = CEILING
    for _ in range(50):
        pace = after_429(pace, achieved=None)

    assert pace == FLOOR_PER_MINUTE
    assert after_429(pace, achieved=0.5) == FLOOR_PER_MINUTE


def test_a_pace_already_under_the_floor_is_not_raised_by_a_429() -> None:
    assert after_429(2.0, achieved=0.5) == 2.0
    assert after_429(2.0, achieved=None) == 2.0


# -- after a quiet stretch ---------------------------------------------------------------------


def test_a_quiet_stretch_raises_the_pace() -> None:
    assert after_quiet(100.0, quiet_seconds=60.0, ceiling=CEILING) > 100.0


def test_no_quiet_time_changes_nothing() -> None:
    assert after_quiet(100.0, quiet_seconds=0.0, ceiling=CEILING) == 100.0


def test_the_pace_rises_slowly_so_a_429_is_not_met_again_at_once() -> None:
    assert after_quiet(100.0, quiet_seconds=60.0, ceiling=CEILING) <= 115.0


def test_a_long_quiet_reaches_the_ceiling_and_never_passes_it() -> None:
    assert after_quiet(100.0, quiet_seconds=24 * 3600.0, ceiling=CEILING) == CEILING
    assert after_quiet(299.0, quiet_seconds=600.0, ceiling=CEILING) == CEILING


def test_one_long_stretch_or_several_short_ones_raise_alike() -> None:
    pace = 100.0
    for _ in range(4):
        pace = after_quiet(pace, quiet_seconds=15.0, ceiling=CEILING)

    assert pace == pytest.approx(after_quiet(100.0, quiet_seconds=60.0, ceiling=CEILING))


# -- the burst, and where a workspace starts ---------------------------------------------------


def test_the_burst_scales_with_the_pace() -> None:
    assert burst_for(CEILING, CEILING, 20) == 20
    assert burst_for(60.0, CEILING, 20) == 4
    assert burst_for(FLOOR_PER_MINUTE, CEILING, 20) == 1


def test_a_workspace_starts_from_what_was_learned_within_the_floor_and_the_ceiling() -> None:
    assert starting_pace(None, CEILING) == CEILING
    assert starting_pace(90.0, CEILING) == 90.0
    assert starting_pace(900.0, CEILING) == CEILING
    assert starting_pace(0.0, CEILING) == FLOOR_PER_MINUTE
    assert starting_pace(float("nan"), CEILING) == CEILING


@given(
    st.lists(
        st.one_of(
            st.tuples(st.just("429"), st.one_of(st.none(), st.floats(0, 10_000))),
            st.tuples(st.just("quiet"), st.floats(0, 7200)),
        ),
        max_size=40,
    )
)
def test_whatever_slack_answers_the_pace_stays_between_the_floor_and_the_ceiling(
    answers: list[tuple[str, float | None]],
) -> None:
    pace = starting_pace(None, CEILING)
    for kind, amount in answers:
        if kind == "429":
            lowered = after_429(pace, achieved=amount)
            assert lowered < pace or pace <= FLOOR_PER_MINUTE
            pace = lowered
        else:
            raised = after_quiet(pace, quiet_seconds=amount or 0.0, ceiling=CEILING)
            assert raised >= pace
            pace = raised
        assert FLOOR_PER_MINUTE <= pace <= CEILING
        assert 1 <= burst_for(pace, CEILING, 20) <= 20
