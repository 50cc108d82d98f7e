"""What a leader does in Slack, step by step, that many tests begin with: log an answer, open
the Log answers modal or the Home tab, seed a log; and what a test then reads back."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.playground.seed import seed_entries
from bot.playground.slack_driver import User, event_callback, log_values
from bot.store.models import Entry
from tests.support.blocks import Showing, press, question_of
from tests.support.harness import LEADER, Harness


def open_log_modal(harness: Harness, habit: str = "heartbeat") -> tuple[str, dict[str, Any]]:
    """Get a question and press Log answers: the question, and the modal we asked Slack to open."""
    card = harness.slack.command(habit).json["blocks"]
    assert press(harness, card, "Log answers").status == 200
    (call,) = harness.fake.wait_for("views.open")
    return question_of(card), call.params["view"]


def log(harness: Harness, answer: str, user: User = LEADER, promise: str | None = None) -> None:
    """Log `answer` through Slack, and let the confirming DM and the refreshed Home go out."""
    modals = len(harness.fake.calls_to("views.open"))
    card = harness.slack.command("vision", user=user).json["blocks"]
    press(harness, card, "Log answers", user=user)
    view = harness.fake.wait_for("views.open", modals + 1)[-1]
    values = log_values(answer, ["U0ALICE"], "4", promise)
    harness.slack.submit(view.params["view"], values, user=user)
    harness.settle()


def open_home(harness: Harness, user: User = LEADER) -> dict[str, Any]:
    harness.settle()
    published = len(harness.fake.calls_to("views.publish"))
    opened = {"type": "app_home_opened", "user": user.user_id, "tab": "home", "channel": "D0DM"}
    event = event_callback(user.team_id, f"EvHome{published}", opened)
    assert (
        harness.slack.post(json.dumps(event).encode(), content_type="application/json").status
        == 200
    )
    call = harness.fake.wait_for("views.publish", published + 1)[-1]
    assert call.params["user_id"] == user.user_id
    return dict(call.params["view"])


def seed(harness: Harness, user: User, rows: list[tuple[str, str, list[str], int]]) -> list[int]:
    """(habit, answer, people, days ago) entries for `user`; their ids, in order."""
    now = harness.clock()
    dated = [
        (habit, answer, people, now - timedelta(days=ago)) for habit, answer, people, ago in rows
    ]
    return seed_entries(harness.app.deps, user, dated, promise="a promise")


def answers_on(blocks: list[dict[str, Any]]) -> list[str]:
    """The answer text of each entry on a history page, top to bottom."""
    texts = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    return [t for t in texts if t.startswith("answer ")]


def their_entries(harness: Harness) -> list[tuple[Any, ...]]:
    """The other leader's entries, as much of them as a tampered click could change."""
    with harness.app.deps.database.transaction(writes=False) as session:
        entries = session.scalars(select(Entry).order_by(Entry.id))
        return [
            (e.id, e.answer, e.promise, e.promise_kept_at)
            for e in entries
            if e.answer.startswith("their")
        ]


def outcome_values(outcome: str, channel: str | None = None) -> dict[str, Any]:
    """The Done form's state as Slack sends it: what was done, and maybe a channel to tell."""
    return {
        "outcome": {"outcome_text": {"type": "plain_text_input", "value": outcome}},
        "share": {
            "share_channel": {"type": "conversations_select", "selected_conversation": channel}
        },
    }


def press_done(harness: Harness, showing: Showing, promise: str) -> dict[str, Any]:
    """Press Done beside `promise`; the modal Slack was asked to open."""
    press(harness, showing, "Done", beside=promise)
    harness.settle()
    return dict(harness.fake.calls_to("views.open")[-1].params["view"])


def promise_values(promise: str, due: str | None = None, *, tell: bool = True) -> dict[str, Any]:
    """The Promise something form's state as Slack sends it."""
    told = [{"value": "tell", "text": {"type": "plain_text", "text": "Tell the team"}}]
    return {
        "promise_what": {"promise_what_text": {"type": "plain_text_input", "value": promise}},
        "promise_by": {"promise_by_date": {"type": "datepicker", "selected_date": due}},
        "promise_tell": {
            "promise_tell_team": {"type": "checkboxes", "selected_options": told if tell else []}
        },
    }
