"""The rule a workspace's pace follows, with times passed in: lower after a 429, higher after
a quiet stretch, within the floor and the ceiling; the burst in proportion."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.pace_rules import (
    EVIDENCE,
    FLOOR_PER_MINUTE,
    Took,
    achieved,
    after_429,
    after_quiet,
    burst_for,
    starting_pace,
)

CEILING = 300.0

# -- what Slack took ---------------------------------------------------------------------------


def test_what_slack_took_is_counted_beyond_the_burst_its_bucket_began_with() -> None:
    # Sends every 0.2 s to a workspace allowing 2 a second, bursts of 10: Slack took the
    # first 16 (the last at 3.0 s) and refused the one at 3.2 s. Beyond the burst, it had a
    # token for 6 sends in 3.0 s and not for 7 in 3.2 s: between 120 and 131 a minute.
    took = achieved(16, 3.0, 3.2, spent_burst=10)
    assert took is not None
    assert took.at_least == 120.0
    assert took.under == pytest.approx(7 / 3.2 * 60)
    assert took.sends == 6


def test_a_window_starting_at_a_429_allows_for_the_part_token_left_then() -> None:
    # Slack's bucket held under a token at the 429 that began the window, so the 9 it took
    # since prove only 8 of its own refill.
    took = achieved(9, 4.5, 4.75, start_empty=True)
    assert took is not None
    assert took.at_least == pytest.approx(8 / 4.5 * 60)
    assert took.under == pytest.approx(10 / 4.75 * 60)


def test_the_true_rate_lies_between_the_bounds() -> None:
    for refused_at in (3.2, 3.25, 3.39):
        took = achieved(16, 3.0, refused_at, spent_burst=10)
        assert took is not None
        assert took.at_least <= 120.0 < took.under


def test_no_send_past_the_burst_or_no_time_measures_nothing() -> None:
    assert achieved(10, 0.5, 0.55, spent_burst=10) is None
    assert achieved(5, 0.0, 0.0) is None
    assert achieved(8, 1.0, 1.1, spent_burst=10) is None, "Slack's burst is smaller than ours"


def test_a_few_sends_are_counted_as_such() -> None:
    took = achieved(11, 2.3, 2.4, spent_burst=10)
    assert took is not None
    assert took.sends == 1 < EVIDENCE


# -- after a 429 -------------------------------------------------------------------------------


def measured(per_minute: float) -> Took:
    """A window with sends enough to measure by, Slack's rate `per_minute`."""
    return Took(per_minute, per_minute, EVIDENCE)


def test_a_429_lowers_the_pace_under_what_slack_was_taking() -> None:
    lowered = after_429(200.0, measured(120.0))

    assert lowered < 120.0
    assert lowered > 100.0, "a margin, not a collapse"


def test_a_429_lowers_the_pace_even_when_slack_seemed_to_take_more() -> None:
    assert after_429(120.0, measured(400.0)) < 120.0


def test_a_measured_limit_far_under_the_pace_is_trusted() -> None:
    assert after_429(300.0, measured(60.0)) == pytest.approx(57.0)


def test_the_middle_of_the_bounds_is_taken() -> None:
    assert after_429(300.0, Took(100.0, 140.0, 6)) == pytest.approx(114.0)


def test_a_few_sends_cap_the_pace_at_the_bound_slacks_rate_is_under() -> None:
    # One send past the burst: Slack takes under 100 a minute, perhaps far under.
    assert after_429(200.0, Took(40.0, 100.0, 1)) == pytest.approx(95.0)
    assert after_429(100.0, Took(80.0, 120.0, 1)) == pytest.approx(95.0), "under the pace too"
    assert after_429(300.0, Took(1.0, 10.0, 1)) == 75.0, "at most quartered on so little"


def test_a_429_with_nothing_measured_halves_the_pace() -> None:
    assert after_429(300.0, None) == 150.0


def test_429_after_429_never_takes_the_pace_below_the_floor() -> None:
    pace = CEILING
    for _ in range(50):
        pace = after_429(pace, None)

    assert pace == FLOOR_PER_MINUTE
    assert after_429(pace, measured(0.5)) == FLOOR_PER_MINUTE


def test_a_pace_already_under_the_floor_is_not_raised_by_a_429() -> None:
    assert after_429(2.0, measured(0.5)) == 2.0
    assert after_429(2.0, None) == 2.0


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


windows = st.one_of(
    st.none(),
    st.builds(
        lambda low, width, sends: Took(low, low + width, sends),
        st.floats(0, 10_000),
        st.floats(0, 10_000),
        st.integers(1, 50),
    ),
)


@given(
    st.lists(
        st.one_of(
            st.tuples(st.just("429"), windows),
            st.tuples(st.just("quiet"), st.floats(0, 7200)),
        ),
        max_size=40,
    )
)
def test_whatever_slack_answers_the_pace_stays_between_the_floor_and_the_ceiling(
    answers: list[tuple[str, Took | float | None]],
) -> None:
    pace = starting_pace(None, CEILING)
    for kind, answer in answers:
        if kind == "429":
            assert not isinstance(answer, float)
            lowered = after_429(pace, answer)
            assert lowered < pace or pace <= FLOOR_PER_MINUTE
            pace = lowered
        else:
            assert isinstance(answer, float)
            raised = after_quiet(pace, quiet_seconds=answer, ceiling=CEILING)
            assert raised >= pace
            pace = raised
        assert FLOOR_PER_MINUTE <= pace <= CEILING
        assert 1 <= burst_for(pace, CEILING, 20) <= 20
