"""Bolt listeners, one module per Slack surface. `register_all` wires them onto an App."""

from __future__ import annotations

from slack_bolt import App

from bot.deps import Deps
from bot.listeners import (
    actions,
    commands,
    errors,
    fallbacks,
    home,
    schedule,
    views,
    workspace_questions,
    your_data,
)
from bot.listeners.outbox import Outbox

# What the app answers, as manifest.yml must declare it (tests/test_manifest.py checks both ways).
SLASH_COMMANDS = frozenset({commands.COMMAND})
BOT_EVENTS = frozenset({"user_change", "app_home_opened", *your_data.UNINSTALL_EVENTS})
SHORTCUT_CALLBACKS: frozenset[str] = frozenset()


def register_all(app: App, deps: Deps, outbox: Outbox) -> None:
    commands.register(app, deps, outbox)
    views.register(app, deps, outbox)
    schedule.register(app, deps, outbox)
    your_data.register(app, deps, outbox)
    home.register(app, deps, outbox)
    workspace_questions.register(app, deps, outbox)
    # Last: it ends with a catch-all for buttons from messages we no longer understand.
    actions.register(app, deps, outbox)
    fallbacks.register(app)
    errors.register(app, outbox)
