"""Whatever a leader types, or a tampered client sends, they get a clear answer and nothing breaks.

Hundreds of commands made, from a fixed seed, of the words the bot knows, the syntax it
parses (filters, mentions, dates, times) and text that trips parsers and search engines:
quotes, operators, wildcards, backslashes, other scripts, emoji, zero-width and right-to-left
marks, and overlong runs. Then every button and form of the app, pressed and submitted with
values and metadata no message of ours ever carried.
"""

from __future__ import annotations

import json
import logging
import random
from datetime import timedelta

import pytest

from bot.blocks.notices import SOMETHING_WENT_WRONG
from bot.playground.seed import seed_entries
from bot.vocabulary import ids
from tests.support.flows import their_entries
from tests.support.harness import LEADER, OTHER_LEADER, Harness

# What a command starts with, mostly one the bot knows, so the parsers behind it are reached.
FIRST_WORDS = [
    *("", "history", "search", "find", "schedule", "settings", "pause", "resume", "stop", "log"),
    *("add", "promises", "trend", "heartbeat chart", "export", "help", "follow-up", "vision"),
    *("our questions", "forget", "morale", "questions", "follow through", "hist0ry", "?"),
]
WORDS = [
    *("heartbeat", "vision", "people", "questions", "follow-through", "morale", "until", "me"),
    *("habit:", "habit:vision", "habit:nope", "person:", "person:@ana", "person:<@U0ANA|ana>"),
    *("since:", "since:2026-01-01", "until:2026-13-40", "since:yesterday", "for", "2 weeks"),
    *("9:00", "25:61", "8:30am", "weekdays", "mon-fri", "mon,wed,fri", "daily", "every"),
    *("<@U0ANA>", "<#C0CHAN|general>", "<!here>", "<https://example.com|x>", "&amp;", "&lt;"),
    *("budget", "hir", "%", "%%", "_", "*", "'", "''", '"', '\\"', "\\", "(", ")", "&", "|"),
    *("!", ":*", "<->", "NEAR(a b)", "AND", "OR", "NOT", "^", "~", "-", "--", "+", "?"),
    *("команда", "東京オフィス", "مرحبا", "שלום", "café", "ÉCOLE", "🙂", "👩‍👩‍👧"),
    *("\u200b", "\u202e", "\ufeff", "\t", "１２：００", "x" * 300, "9" * 40),
]


def random_command(rng: random.Random) -> str:
    first = rng.choice(FIRST_WORDS) if rng.random() < 0.8 else rng.choice(WORDS)
    return " ".join([first, *(rng.choice(WORDS) for _ in range(rng.randint(0, 5)))])


def test_any_text_gets_an_answer_and_never_an_error(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    rng = random.Random(20261126)
    caplog.set_level(logging.ERROR)

    for _ in range(200):
        typed = random_command(rng)
        response = harness.slack.command(typed)

        assert response.status == 200, typed
        body = response.json if response.text else {}
        assert SOMETHING_WENT_WRONG not in json.dumps(body), typed
        if body:
            assert body["response_type"] == "ephemeral", typed
            assert body["blocks"], typed
    harness.settle()

    errors = [record for record in caplog.records if record.name.startswith(("bot", "slack_bolt"))]
    assert not errors, [record.getMessage() for record in errors]


BUTTONS = [
    value
    for name, value in vars(ids).items()
    if name.isupper() and not name.endswith(("_BLOCK", "_CALLBACK")) and isinstance(value, str)
]
FORMS = [ids.LOG_CALLBACK, ids.SCHEDULE_CALLBACK, ids.PROMISE_KEPT_CALLBACK, "no_such_form"]
TAMPERED = [
    *("", "0", "-1", "1", "2", "3", "999999999999999999999", "1.5", "1e9", "abc", "null", "[]"),
    *("{", "{}", '{"q": "vision-01", "p": 1}', '{"q": 1}', '{"q": "vision-01", "p": "x"}'),
    *("vision-01", "vision-01/9", "../../etc", "any", "heartbeat", "me", "U0OTHER", "home"),
    *('{"e": 1, "h": {"words": "%"}}', '{"c": ["2026-01-01T00:00:00", 1]}', "x" * 2500),
]


def test_tampered_buttons_and_forms_get_an_answer_and_touch_nothing_of_anyone_else(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    now = harness.clock()
    theirs = [("vision", f"their answer {n}", [], now - timedelta(days=n)) for n in range(3)]
    seed_entries(harness.app.deps, OTHER_LEADER, theirs, promise="their promise")
    seed_entries(harness.app.deps, LEADER, [("people", "my answer", [], now)], promise="mine")
    others_before = their_entries(harness)
    rng = random.Random(7)
    caplog.set_level(logging.ERROR)

    for _ in range(150):
        action = rng.choice(BUTTONS)
        response = harness.slack.click(
            action,
            rng.choice(TAMPERED),
            block_id=rng.choice(["entry", "promises", "question_actions", "x"]),
        )
        assert response.status == 200, action
    for _ in range(60):
        form = rng.choice(FORMS)
        view = {"callback_id": form, "private_metadata": rng.choice(TAMPERED), "blocks": []}
        response = harness.slack.submit(view, {})
        assert response.status == 200, form
        assert SOMETHING_WENT_WRONG not in response.text, form
    harness.settle()

    assert their_entries(harness) == others_before
    errors = [r for r in caplog.records if r.name.startswith(("bot", "slack_bolt"))]
    assert not errors, [record.getMessage() for record in errors]
