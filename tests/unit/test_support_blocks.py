"""The finders tests use read Block Kit as a person does: what shows, in order, and no more."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.blocks import (
    button,
    buttons,
    headline,
    line_under,
    lines_under,
    question_of,
    section_with,
    text_of,
)


def mrkdwn(text: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": text}


def a_button(label: str, value: str, **extra: Any) -> dict[str, Any]:
    text = {"type": "plain_text", "text": label}
    return {"type": "button", "text": text, "action_id": label, "value": value, **extra}


SURE = {
    "title": {"type": "plain_text", "text": "Delete this entry?"},
    "text": {"type": "plain_text", "text": "Gone for good."},
    "confirm": {"type": "plain_text", "text": "Delete"},
    "deny": {"type": "plain_text", "text": "Keep it"},
}
PAGE: list[dict[str, Any]] = [
    {"type": "header", "text": {"type": "plain_text", "text": "Your answers"}},
    {"type": "divider"},
    {"type": "section", "text": mrkdwn("*What is in the way?*")},
    {"type": "context", "elements": [mrkdwn("Follow the vision")]},
    {"type": "section", "text": mrkdwn("answer one"), "accessory": a_button("Done", "1")},
    {"type": "section", "text": mrkdwn("answer two")},
    {"type": "context", "elements": [mrkdwn("a detail")]},
    {
        "type": "actions",
        "block_id": "entry_2",
        "elements": [
            a_button("Edit", "2"),
            a_button("Delete", "2", confirm=SURE),
            {
                "type": "static_select",
                "placeholder": {"type": "plain_text", "text": "Move to"},
                "options": [{"text": {"type": "plain_text", "text": "Archive"}, "value": "a"}],
            },
        ],
    },
    {"type": "actions", "elements": [a_button("Edit", "3")]},
]


def test_text_of_is_what_shows_top_to_bottom_and_nothing_hidden() -> None:
    shown = text_of({"blocks": PAGE})

    assert shown.index("Your answers") < shown.index("answer one") < shown.index("answer two")
    assert "Move to" in shown
    assert "Archive" not in shown, "a menu's choices show once it is opened"
    assert "Gone for good" not in shown, "a confirmation shows once the button is pressed"


def test_the_headline_is_the_first_thing_read() -> None:
    assert headline(PAGE) == "Your answers"
    assert headline(PAGE[1:]) == "*What is in the way?*", "a divider says nothing"


def test_sections_and_lines_are_found_by_their_words() -> None:
    assert section_with(PAGE, "answer two") is PAGE[5]
    assert line_under(PAGE, "What is in the way") == "Follow the vision"
    assert lines_under(PAGE, "a detail")[:2] == ["Edit\nDelete\nMove to", "Edit"]
    assert question_of(PAGE) == "What is in the way?"
    with pytest.raises(AssertionError, match="no block says"):
        section_with(PAGE, "answer three")


def test_buttons_are_found_by_label_and_by_what_they_go_with() -> None:
    assert list(buttons(PAGE)) == ["Done", "Edit", "Delete"]
    assert button(PAGE, "Done")["value"] == "1"
    assert button(PAGE, "Done", beside="answer one")["value"] == "1"
    assert button(PAGE, "Delete", beside="answer two")["value"] == "2"
    with pytest.raises(AssertionError, match="2 buttons 'Edit'"):
        button(PAGE, "Edit")
    with pytest.raises(AssertionError, match="no button 'Edit' beside 'answer one'"):
        button(PAGE, "Edit", beside="answer one")
