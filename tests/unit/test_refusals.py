"""Every refusal has words: a form's mistakes read as the sentence under its input, and a
reason with no input of its own reads the same wherever it is shown."""

from __future__ import annotations

from typing import Any

from bot.blocks.refusals import words
from bot.domain.forms import (
    parse_ask_form,
    parse_log_form,
    parse_promise_kept_form,
    parse_reply_form,
    parse_schedule_form,
    parse_team_answer_form,
)
from bot.vocabulary import ids
from bot.vocabulary.refusals import Reason, Refusal


def form_errors(parsed: object) -> dict[str, str]:
    assert isinstance(parsed, list), f"expected refusals, got {parsed!r}"
    return {refusal.field or "": words(refusal) for refusal in parsed}


def typed(block_id: str, action_id: str, **state: Any) -> dict[str, Any]:
    return {block_id: {action_id: state}}


def test_an_empty_log_form_asks_for_the_answer() -> None:
    assert form_errors(parse_log_form({})) == {
        ids.LOG_ANSWER_BLOCK: "Write what the team said; even one sentence is worth keeping."
    }


def test_a_long_answer_says_how_long_and_the_limit() -> None:
    values = typed(ids.LOG_ANSWER_BLOCK, ids.LOG_ANSWER_ACTION, value="a" * 3001)

    assert form_errors(parse_log_form(values))[ids.LOG_ANSWER_BLOCK] == (
        "That is 3,001 characters; the limit is 3,000. "
        "Trim it a little: everything you typed is still here."
    )


def test_a_channel_and_people_both_picked_are_refused_under_the_people() -> None:
    values = {
        **typed(ids.ASK_CHANNEL_BLOCK, ids.ASK_CHANNEL_ACTION, selected_conversation="C0123ABCD"),
        **typed(ids.ASK_PEOPLE_BLOCK, ids.ASK_PEOPLE_ACTION, selected_users=["U0123ABCD"]),
    }

    errors = form_errors(parse_ask_form(values))

    assert errors[ids.ASK_PEOPLE_BLOCK] == "Ask a channel or people, not both: clear one of them."


def test_every_parser_words_every_mistake_of_an_empty_or_garbled_form() -> None:
    garbled = {
        **typed(ids.LOG_PEOPLE_BLOCK, ids.LOG_PEOPLE_ACTION, selected_users="U1"),
        **typed(ids.LOG_HEARTBEAT_BLOCK, ids.LOG_HEARTBEAT_ACTION, selected_option={"value": 9}),
        **typed(ids.LOG_DUE_BLOCK, ids.LOG_DUE_ACTION, selected_date="soon"),
        **typed(ids.ASK_CHANNEL_BLOCK, ids.ASK_CHANNEL_ACTION, selected_conversation="general"),
        **typed(ids.ASK_PEOPLE_BLOCK, ids.ASK_PEOPLE_ACTION, selected_users=["U1", 5]),
        **typed(ids.TEAM_REPLY_BLOCK, ids.TEAM_REPLY_ACTION, value="a" * 3001),
    }
    for values in ({}, garbled, "not a form"):
        for parsed in (
            parse_log_form(values),
            parse_schedule_form(values),
            parse_promise_kept_form(values),
            parse_ask_form(values),
            parse_team_answer_form(values, pulse=True),
            parse_team_answer_form(values, pulse=False),
            parse_reply_form(values),
        ):
            assert all(form_errors(parsed).values())


def test_a_reason_without_an_input_reads_the_same_under_any() -> None:
    closed = "Answers to this question have closed. Thank you all the same!"

    assert words(Refusal(Reason.CLOSED)) == closed
    assert words(Refusal(Reason.CLOSED, ids.TEAM_ANSWER_TEXT_BLOCK)) == closed


def test_every_reason_has_words() -> None:
    unworded = []
    for reason in Reason:
        try:
            words(Refusal(reason, _a_field_of(reason), length=1, limit=1))
        except KeyError:
            unworded.append(reason)

    assert not unworded


def _a_field_of(reason: Reason) -> str | None:
    # The one reason only ever refused under an input: the picker it was not offered by.
    return ids.LOG_PEOPLE_BLOCK if reason is Reason.NOT_OFFERED else None
