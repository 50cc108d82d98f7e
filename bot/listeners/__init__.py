"""Bolt listeners, one module per feature; each says which Slack surfaces it handles.

`register_all` wires them onto an App: the caller middleware first, the catch-alls for
what no feature claims last, and one error policy for everything.
"""

from __future__ import annotations

from slack_bolt import App

from bot.listeners import (
    alerts,
    caller,
    commands,
    errors,
    fallbacks,
    heartbeat,
    home,
    log,
    nudges,
    own_questions,
    promises,
    questions,
    reminders,
    team_asks,
    your_data,
)
from bot.senders.after_ack import AfterAckSender
from bot.services.deps import Deps

# What the app answers, as manifest.yml must declare it (tests/test_manifest.py checks both ways).
SLASH_COMMANDS = frozenset({commands.COMMAND})
BOT_EVENTS = frozenset({"user_change", "app_home_opened", *your_data.UNINSTALL_EVENTS})
SHORTCUT_CALLBACKS: frozenset[str] = frozenset()


def register_all(app: App, deps: Deps, sender: AfterAckSender) -> None:
    caller.register(app, deps, sender)
    commands.register(app, sender)
    questions.register(app, sender)
    log.register(app, sender)
    heartbeat.register(app, sender)
    nudges.register(app, sender)
    home.register(app, sender)
    your_data.register(app, deps, sender)
    own_questions.register(app, sender)
    team_asks.register(app, deps, sender)
    promises.register(app, sender)
    reminders.register(app, sender)
    alerts.register(app, sender)
    # Last: catch-alls for buttons, forms and events no feature claims.
    fallbacks.register(app, sender)
    errors.register(app, sender)
