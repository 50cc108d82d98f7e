"""Browsing the log: combinable filters, editing and deleting entries, follow-up chains."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from bot.domain.history_filters import HistoryQuery
from bot.domain.payloads import encode_entry_action, encode_log_metadata
from bot.playground.slack_driver import log_values
from bot.store.models import Entry
from tests.support.blocks import button, headline, press, section_with, text_of
from tests.support.flows import answers_on, seed
from tests.support.harness import LEADER, OTHER_LEADER, Harness


def test_filters_combine(harness: Harness) -> None:
    seed(
        harness,
        LEADER,
        [
            ("vision", "answer old vision with ana", ["U0ANA"], 40),
            ("vision", "answer new vision with ana", ["U0ANA"], 2),
            ("vision", "answer new vision with bob", ["U0BOB"], 2),
            ("heartbeat", "answer new heartbeat with ana", ["U0ANA"], 1),
        ],
    )
    since = (harness.clock() - timedelta(days=10)).date().isoformat()

    found = answers_on(
        harness.slack.command(f"history habit:vision person:<@U0ANA|ana> since:{since}").json[
            "blocks"
        ]
    )
    by_person = answers_on(harness.slack.command("history <@U0ANA>").json["blocks"])
    until = answers_on(harness.slack.command(f"history until:{since} ana").json["blocks"])

    assert found == ["answer new vision with ana"]
    assert by_person == [
        "answer new heartbeat with ana",
        "answer new vision with ana",
        "answer old vision with ana",
    ]
    assert until == ["answer old vision with ana"]


def test_filters_show_in_the_heading_and_survive_paging(harness: Harness) -> None:
    seed(harness, LEADER, [("people", f"answer {n}", ["U0ANA"], n) for n in range(7)])

    blocks = harness.slack.command("history person:<@U0ANA|ana> habit:people").json["blocks"]
    assert "with <@U0ANA>" in headline(blocks), "the heading names the filters"
    press(harness, blocks, "Older →")

    (page,) = harness.fake.wait_for("response_url")
    assert answers_on(page.params["blocks"]) == ["answer 5", "answer 6"]


def test_a_bad_filter_gets_an_example(harness: Harness) -> None:
    text = text_of(harness.slack.command("history since:last-week").json)

    assert "since:2026-01-31" in text


def test_delete_removes_the_entry_and_redraws_the_page(harness: Harness) -> None:
    seed(harness, LEADER, [("vision", "answer keep", [], 2), ("vision", "answer drop", [], 1)])
    blocks = harness.slack.command("history vision").json["blocks"]
    delete = button(blocks, "Delete", beside="answer drop")
    assert delete["confirm"]["confirm"]["text"] == "Delete"

    press(harness, blocks, "Delete", beside="answer drop")

    (page,) = harness.fake.wait_for("response_url")
    assert page.params["replace_original"] is True
    assert answers_on(page.params["blocks"]) == ["answer keep"]


def test_edit_opens_the_form_filled_in_and_saves_changes(harness: Harness) -> None:
    seed(harness, LEADER, [("vision", "answer first draft", ["U0ANA"], 1)])
    blocks = harness.slack.command("history").json["blocks"]

    press(harness, blocks, "Edit", beside="answer first draft")

    (opened,) = harness.fake.wait_for("views.open")
    view = opened.params["view"]
    assert view["title"]["text"] == "Edit entry"
    answer_input = section_with(view, "What did the team say?")
    assert answer_input["element"]["initial_value"] == "answer first draft"
    response = harness.slack.submit(view, log_values("answer second draft", ["U0BOB"], "5", None))
    assert response.status == 200
    harness.settle()
    with harness.app.deps.database.transaction(writes=False) as session:
        entry = session.scalars(select(Entry)).one()
        assert entry.answer == "answer second draft"
        assert [p.user_id for p in entry.people] == ["U0BOB"]
        assert entry.heartbeat == 5
        assert entry.promise is None


def test_ask_a_follow_up_on_an_entry_links_the_answer_to_it(harness: Harness) -> None:
    (parent_id,) = seed(harness, LEADER, [("vision", "answer the first conversation", [], 1)])
    blocks = harness.slack.command("history").json["blocks"]

    press(harness, blocks, "Ask a follow-up", beside="answer the first conversation")
    (card,) = harness.fake.wait_for("response_url")
    assert "Follow-up to" in json.dumps(card.params["blocks"])
    press(harness, card, "Log answers")
    (opened,) = harness.fake.wait_for("views.open")
    harness.slack.submit(opened.params["view"], log_values("answer the follow-up"))
    harness.settle()

    with harness.app.deps.database.transaction(writes=False) as session:
        child = session.scalars(select(Entry).where(Entry.answer == "answer the follow-up")).one()
        assert child.parent_id == parent_id
    # History reads as a thread: the conversation, its follow-up beneath it.
    threaded = harness.slack.command("history").json["blocks"]
    assert answers_on(threaded) == ["answer the first conversation"]
    thread = section_with(threaded, "*Follow-ups*")
    assert "answer the follow-up" in text_of([thread])
    # Filtered, every matching entry stands on its own, the follow-up marked as one.
    flat = harness.slack.command("history habit:vision").json["blocks"]
    assert answers_on(flat) == ["answer the follow-up", "answer the first conversation"]
    assert "a follow-up" in json.dumps(flat)


def test_no_leader_can_touch_another_leaders_entries(harness: Harness) -> None:
    (theirs,) = seed(harness, OTHER_LEADER, [("vision", "answer private", [], 1)])
    forged = encode_entry_action(theirs, HistoryQuery())

    for action_id in ("entry_delete", "entry_edit", "entry_follow_up"):
        harness.slack.click(action_id, forged, user=LEADER, block_id="entry")
    calls = harness.fake.wait_for("response_url", 3)
    assert all("older message" in text_of(call) for call in calls)
    assert not harness.fake.calls_to("views.open")

    # A modal forged to edit their entry, or to link a follow-up to it, is refused or unlinked.
    edit = {"callback_id": "log_answers", "private_metadata": encode_log_metadata(entry_id=theirs)}
    refused = harness.slack.submit(edit, log_values("overwrite"), user=LEADER)
    assert refused.json["response_action"] == "errors"
    link = {
        "callback_id": "log_answers",
        "private_metadata": encode_log_metadata("vision-01", parent=theirs),
    }
    assert harness.slack.submit(link, log_values("my own answer"), user=LEADER).status == 200
    harness.settle()

    with harness.app.deps.database.transaction(writes=False) as session:
        entries = {e.answer: e for e in session.scalars(select(Entry))}
    assert entries["answer private"].leader_id != entries["my own answer"].leader_id
    assert entries["my own answer"].parent_id is None
    assert "overwrite" not in entries
