"""Themes across a team's short answers (bot/domain/themes.py): what lands together, under
which label, and what is left out."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.theme_taxonomy import TAXONOMY
from bot.domain.themes import Theme, group_into_themes, stem, tokens_of


def labelled(answers: list[str], min_size: int = 1) -> dict[str, tuple[int, ...]]:
    return {theme.label: theme.answers for theme in group_into_themes(answers, min_size=min_size)}


def test_answers_about_meetings_land_in_one_theme_labelled_meetings() -> None:
    answers = [
        "too many meetings on mondays",
        "our standup always runs long",
        "my calendar is back to back calls",
    ]

    assert group_into_themes(answers) == [Theme("Meetings", (0, 1, 2))]


def test_answers_about_different_things_land_in_different_themes() -> None:
    answers = [
        "CI is flaky again",
        "way too many meetings",
        "the build pipeline is so slow",
        "feeling burned out lately",
        "can we cancel the weekly sync",
    ]

    assert labelled(answers) == {"Meetings": (1, 4), "Tools": (0, 2), "Wellbeing": (3,)}


def test_emoji_of_celebration_point_to_recognition() -> None:
    answers = ["shipped it :tada: :tada:", "🎉 for the support crew", "big wins this month 🙌"]

    assert labelled(answers) == {"Recognition": (0, 1, 2)}


def test_slack_shorthand_and_word_forms_count_as_the_words() -> None:
    answers = ["2 mtgs before 10am", "meetings meetings meetings", "MEETING overload :sob:"]

    assert labelled(answers)["Meetings"] == (0, 1, 2)


def test_a_theme_with_fewer_answers_than_min_size_is_not_shown() -> None:
    answers = [
        "too many meetings",
        "standups drag on",
        "pointless recurring calls",
        "CI is flaky again",
    ]

    assert labelled(answers, min_size=3) == {"Meetings": (0, 1, 2)}
    assert labelled(answers, min_size=5) == {}


def test_an_empty_list_gives_no_themes() -> None:
    assert group_into_themes([]) == []
    assert group_into_themes([], min_size=3) == []


def test_the_largest_theme_comes_first_then_by_label() -> None:
    answers = [
        "flaky tests",
        "too many meetings",
        "the vpn keeps dropping",
        "nobody says thanks",
        "jira is slow",
        "the standup is too long",
    ]

    themes = group_into_themes(answers)

    assert [theme.label for theme in themes] == ["Tools", "Meetings", "Recognition"]


def test_answers_that_fit_no_theme_but_share_a_word_are_grouped_under_it() -> None:
    answers = [
        "never any parking spots left after 9",
        "the parking garage closes at 6",
        "coffee machine is broken",
    ]

    assert labelled(answers) == {"Parking": (0, 1)}


def test_an_answer_that_fits_nothing_and_shares_nothing_is_in_no_theme() -> None:
    answers = ["all good here", "nothing to add tbh", "👍", "   ", ""]

    assert group_into_themes(answers) == []


def test_everyday_words_and_emoji_do_not_make_a_theme_of_their_own() -> None:
    answers = ["i think it is fine", "i think things are ok :sob:", "really nothing :sob:"]

    assert group_into_themes(answers) == []


def test_non_english_and_emoji_only_answers_do_not_crash() -> None:
    answers = [
        "zu viele Besprechungen",
        "会議が多すぎる",
        "трудно сосредоточиться",
        ":tada: :tada:",
        "🔥🔥🔥",
        "¯\\_(ツ)_/¯",
        "\u200b",
        "too many meetings",
    ]

    themes = group_into_themes(answers)

    assert Theme("Meetings", (7,)) in themes


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=80), max_size=40), st.integers(min_value=0, max_value=5))
def test_every_answer_is_in_at_most_one_theme(answers: list[str], min_size: int) -> None:
    themes = group_into_themes(answers, min_size=min_size)

    placed = [index for theme in themes for index in theme.answers]
    assert len(placed) == len(set(placed))
    assert all(0 <= index < len(answers) for index in placed)
    assert all(len(theme.answers) >= max(min_size, 1) for theme in themes)
    assert all(list(theme.answers) == sorted(theme.answers) for theme in themes)
    assert len({theme.label for theme in themes}) == len(themes)


def test_the_same_answers_always_give_the_same_themes() -> None:
    answers = ["deadlines are unrealistic", "too many bugs in prod", "we need to hire"] * 3

    assert group_into_themes(answers) == group_into_themes(list(answers))


def test_contractions_and_emoji_codes_are_read_as_words() -> None:
    assert tokens_of("We're out of the loop, can't :raised_hands:") == [
        "we",
        "are",
        "out",
        "of",
        "the",
        "loop",
        "cannot",
        ":raised_hands:",
    ]


def test_a_word_and_its_plural_or_ing_form_share_a_stem() -> None:
    assert stem("meetings") == stem("meeting") == "meet"
    assert stem("priorities") == stem("priority")
    assert stem("planning") == stem("plan")
    assert stem("news") != stem("new")


def test_every_theme_of_the_taxonomy_has_a_label_a_description_and_cues() -> None:
    labels = [theme.label for theme in TAXONOMY]

    assert len(labels) == len(set(labels)) >= 15
    for theme in TAXONOMY:
        assert theme.description.endswith(".")
        assert theme.strong
        assert len(theme.strong) + len(theme.words) + len(theme.phrases) >= 10, theme.label
