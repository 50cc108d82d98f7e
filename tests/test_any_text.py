"""Whatever a leader types after `/ask-team`, they get a clear, valid answer and nothing breaks.

Hundreds of commands made, from a fixed seed, of the words the bot knows, the syntax it
parses (filters, mentions, dates, times) and text that trips parsers and search engines:
quotes, operators, wildcards, backslashes, other scripts, emoji, zero-width and right-to-left
marks, and overlong runs.
"""

from __future__ import annotations

import json
import logging
import random

import pytest

from bot.blocks.notices import SOMETHING_WENT_WRONG
from tests.conftest import Harness

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
