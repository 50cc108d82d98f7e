"""Putting the pieces together for a running process: settings, database, bank, app."""

from __future__ import annotations

import logging
from datetime import timedelta

from slack_bolt import App
from slack_sdk.errors import SlackApiError

from bot.app import create_app
from bot.config import Settings
from bot.deps import Deps
from bot.prompts import QuestionBank
from bot.scheduler import start_clock
from bot.services.nudges import NudgeDispatcher, NudgePolicy
from bot.slack_client import web_client
from bot.store import migrate
from bot.store.database import Database


class SchemaNotReadyError(RuntimeError):
    """The database is not at the schema this code needs."""


def configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


def ensure_schema(database: Database) -> None:
    """Migrate a brand-new SQLite file; refuse to run on any other database that lags behind."""
    if migrate.is_current(database):
        return
    if database.is_sqlite and migrate.is_empty(database):
        migrate.upgrade(database)
        return
    current = migrate.current_revision(database) or "none"
    raise SchemaNotReadyError(
        f"The database schema is at revision {current}, this version needs "
        f"{migrate.head_revision(database)}. Run `ask-team migrate` first."
    )


class SlackUnreachableError(RuntimeError):
    """Slack refused a token, or could not be reached to check it."""


def token_refused(setting: str, error: SlackApiError, advice: str) -> SlackUnreachableError:
    """The one-line error for a token Slack refused: which setting, Slack's reason, what to do."""
    reason = error.response.get("error", "refused") if error.response else "refused"
    return SlackUnreachableError(f"Slack refused {setting} ({reason}). {advice}")


def nudge_dispatcher(settings: Settings, database: Database, bank: QuestionBank) -> NudgeDispatcher:
    policy = NudgePolicy(
        grace=timedelta(hours=settings.nudge_grace_hours),
        concurrency=settings.nudge_concurrency,
    )
    return NudgeDispatcher(database, bank, web_client(settings), policy)


def build_app(settings: Settings, *, with_clock: bool = False) -> App:
    """Load the question bank, check the schema and create the Bolt app.

    With `with_clock` (and SCHEDULER on), also start the every-minute nudge pass.
    """
    database = Database(settings.database_url)
    ensure_schema(database)
    deps = Deps(database=database, bank=QuestionBank.load())
    try:
        app = create_app(settings, deps)
    except SlackApiError as error:
        raise token_refused(
            "SLACK_BOT_TOKEN",
            error,
            "Copy the Bot User OAuth Token again from your app's OAuth & Permissions page.",
        ) from None
    except OSError as error:
        raise SlackUnreachableError(
            f"Could not reach Slack at {settings.slack_api_url} to check the bot token: {error}"
        ) from None
    if with_clock and settings.scheduler_enabled:
        start_clock(nudge_dispatcher(settings, database, deps.bank))
    return app
