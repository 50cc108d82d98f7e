"""The Bolt app factory."""

from __future__ import annotations

import logging

from slack_bolt import App

from bot.config import Settings
from bot.deps import Deps
from bot.listeners import register_all
from bot.listeners.outbox import Outbox
from bot.slack_client import web_client


class _IgnoreTokenNotice(logging.Filter):
    # Bolt also reads SLACK_BOT_TOKEN from the environment and then notes that the client we
    # pass wins; that is what we want, so the note is only noise in operators' logs.
    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


def create_app(settings: Settings, deps: Deps, *, outbox: Outbox | None = None) -> App:
    """A Bolt app wired to our listeners, talking to Slack (or a stand-in) at SLACK_API_URL.

    It calls nothing remote: the token is checked once per start (`runtime.check_bot_token`),
    so a worker restarted while Slack is down still boots.
    """
    client = web_client(settings)
    app = App(
        client=client,
        signing_secret=settings.slack_signing_secret,
        # Run listeners in the request thread and answer as soon as they return, instead of
        # Bolt's default of a worker thread whose ack() is polled every 10 ms. Our listeners
        # take a millisecond or two; Web API calls that can wait go to the Outbox.
        process_before_response=True,
        token_verification_enabled=False,
        logger=_bolt_logger(),
    )
    register_all(app, deps, outbox or Outbox(client))
    return app


def _bolt_logger() -> logging.Logger:
    logger = logging.getLogger("slack_bolt")
    if not any(isinstance(f, _IgnoreTokenNotice) for f in logger.filters):
        logger.addFilter(_IgnoreTokenNotice())
    return logger
