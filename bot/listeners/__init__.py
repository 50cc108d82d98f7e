"""Bolt listeners, one module per Slack surface. `register_all` wires them onto an App."""

from __future__ import annotations

from slack_bolt import App

from bot.deps import Deps
from bot.listeners import actions, commands, views


def register_all(app: App, deps: Deps) -> None:
    commands.register(app, deps)
    views.register(app, deps)
    # Last: it ends with a catch-all for buttons from messages we no longer understand.
    actions.register(app, deps)
