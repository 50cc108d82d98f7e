"""Putting the pieces together for a running process: settings, database, bank, app."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from slack_bolt import App
from slack_sdk.errors import SlackApiError

from bot.app.bolt_app import create_app
from bot.app.clock import start_clock
from bot.domain.question_bank import QuestionBank
from bot.senders.nudges import NudgeDispatcher, NudgePolicy
from bot.senders.pacing import Budget
from bot.senders.reminders import Reminders
from bot.senders.team_asks import AskCloser
from bot.senders.token_refresh import TokenRefresher
from bot.services.deps import Deps
from bot.store import migrate
from bot.store.database import Database
from bot.store.installations import WorkspaceInstalls
from bot.store.models import utcnow
from bot.store.paces import StoredPaces
from bot.store.slack_client import InstalledWorkspaces, OneWorkspace, WorkspaceClients, web_client
from bot.store.token_cipher import TokenCipher
from bot.vocabulary.config import Settings
from bot.vocabulary.log_format import formatter
from bot.vocabulary.slack_errors import TOKEN_REFUSALS

logger = logging.getLogger(__name__)


class SchemaNotReadyError(RuntimeError):
    """The database is not at the schema this code needs."""


# Libraries whose DEBUG lines carry request and response bodies: what teams said, and tokens.
# (SQLAlchemy's engine logs nothing unless asked, and hides parameters: see Database.)
PAYLOAD_LOGGERS = ("slack_sdk", "slack_bolt", "urllib3")
# Alembic says which dialect and DDL mode it assumes on every run, which helps nobody running
# the bot; `ask-team migrate` prints the revision it reached instead. APScheduler announces
# its one job at every start. LOG_LEVEL=DEBUG shows both; their warnings always show.
CHATTY_LOGGERS = ("alembic", "apscheduler")


def configure_logging(settings: Settings) -> None:
    """Our lines at LOG_LEVEL; never the payload-carrying DEBUG lines of the libraries."""
    handler = logging.StreamHandler()
    handler.setFormatter(formatter(settings.log_format))
    logging.basicConfig(level=settings.log_level, handlers=[handler])
    floor = max(logging.getLevelName(settings.log_level), logging.INFO)
    for name in PAYLOAD_LOGGERS:
        logging.getLogger(name).setLevel(floor)
    # A logger's own level is what filters (the root's does not apply to children), so raise
    # it to at least LOG_LEVEL too.
    level = logging.getLevelName(settings.log_level)
    chatty = level if level <= logging.DEBUG else max(level, logging.WARNING)
    for name in CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(chatty)


def open_database(settings: Settings) -> Database:
    """The database of DATABASE_URL, known to accept connections (or one clear error)."""
    database = Database(settings.database_url)
    try:
        database.check_reachable()
    except BaseException:
        database.dispose()
        raise
    return database


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


def workspace_installs(settings: Settings, database: Database) -> WorkspaceInstalls:
    """Workspaces' installs (OAuth mode), their tokens opened with TOKEN_ENCRYPTION_KEY."""
    return WorkspaceInstalls(database, TokenCipher(settings.token_encryption_key or ""))


def workspace_clients(settings: Settings, database: Database) -> WorkspaceClients:
    """Each workspace's Web API client: SLACK_BOT_TOKEN's, or its install's (OAuth mode)."""
    if settings.oauth:
        return InstalledWorkspaces(settings, workspace_installs(settings, database))
    return OneWorkspace.from_settings(settings)


def token_refresher(settings: Settings, database: Database) -> TokenRefresher | None:
    """The pass that refreshes rotating tokens ahead of expiry; None outside OAuth mode."""
    if not settings.oauth:
        return None
    return TokenRefresher(
        workspace_installs(settings, database),
        web_client(settings, token=""),
        settings.slack_client_id or "",
        settings.slack_client_secret or "",
    )


def learning_budget(
    settings: Settings, database: Database, clock: Callable[[], datetime]
) -> Budget:
    """NUDGE_RATE_PER_MINUTE as the ceiling, each workspace's pace learned from Slack's 429s
    and kept in the database, so the next pass, another process or a restart starts there."""
    return Budget(
        settings.nudge_rate_per_minute,
        settings.nudge_burst,
        memory=StoredPaces(database, clock),
    )


def nudge_dispatcher(settings: Settings, database: Database, bank: QuestionBank) -> NudgeDispatcher:
    policy = NudgePolicy(
        grace=timedelta(hours=settings.nudge_grace_hours),
        concurrency=settings.nudge_concurrency,
        budget=learning_budget(settings, database, utcnow),
    )
    return NudgeDispatcher(database, bank, workspace_clients(settings, database), policy)


def deps_for(settings: Settings, database: Database, bank: QuestionBank) -> Deps:
    """What use cases need, with the settings' answer key and anonymity minimum."""
    return Deps(
        database=database,
        bank=bank,
        answer_secret=settings.answer_key,
        anonymous_minimum=settings.anonymous_minimum,
    )


def ask_closer(settings: Settings, deps: Deps) -> AskCloser:
    """The pass that posts asks left behind and closes asks that are due."""
    return AskCloser(deps, workspace_clients(settings, deps.database))


def reminder_pass(settings: Settings, deps: Deps) -> Reminders:
    """The pass that reminds leaders of their promises and people of questions unanswered."""
    return Reminders(
        deps,
        workspace_clients(settings, deps.database),
        learning_budget(settings, deps.database, deps.clock),
        settings.nudge_concurrency,
    )


def check_bot_token(settings: Settings) -> None:
    """Ask Slack once, at start, whether the bot token works.

    A refused token or an unreachable Slack stops the start with one line; a Slack outage
    (5xx, `internal_error`, rate limits) is logged and the bot starts anyway, since the
    commands it answers from the database work without Slack and its sends retry.
    """
    try:
        with _quiet("slack_sdk"):
            web_client(settings).auth_test()
    except SlackApiError as error:
        reason = error.response.get("error") if error.response else None
        if reason in TOKEN_REFUSALS:
            raise token_refused(
                "SLACK_BOT_TOKEN",
                error,
                "Copy the Bot User OAuth Token again from your app's OAuth & Permissions page.",
            ) from None
        status = error.response.status_code if error.response else "?"
        logger.warning(
            "could not check SLACK_BOT_TOKEN now (Slack answered %s %s); starting anyway",
            status,
            reason or "an error",
        )
    except OSError as error:
        raise SlackUnreachableError(
            f"Could not reach Slack at {settings.slack_api_url} to check SLACK_BOT_TOKEN "
            f"({type(error).__name__}). Check the network, or SLACK_API_URL if you set it."
        ) from None


@contextmanager
def _quiet(name: str) -> Iterator[None]:
    """Hold back a library's log lines for a moment whose outcome we report ourselves.

    slack_sdk logs each failed attempt and retry of auth.test (six lines when Slack cannot be
    reached) before `check_bot_token` says the one thing that matters. Only used at start,
    before any other thread logs through the same logger.
    """
    target = logging.getLogger(name)
    level = target.level
    target.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        target.setLevel(level)


def preflight(settings: Settings) -> QuestionBank:
    """Everything that can fail at start, checked once, leaving no connection open.

    Run before gunicorn forks its workers: they inherit memory, and with it anything open
    here, so the database is disposed of again before returning.
    """
    bank = QuestionBank.load()
    database = open_database(settings)
    try:
        ensure_schema(database)
        if settings.oauth:
            check_encryption_key(settings, database)
    finally:
        database.dispose()
    if not settings.oauth:
        check_bot_token(settings)
    return bank


def check_encryption_key(settings: Settings, database: Database) -> None:
    """TOKEN_ENCRYPTION_KEY makes a cipher and opens the tokens already stored, or one line."""
    workspace_installs(settings, database).check_key()


def build_app(
    settings: Settings, bank: QuestionBank, *, with_clock: bool = False
) -> tuple[App, Database]:
    """The Bolt app and its database, with no remote call: safe in a freshly forked worker.

    With `with_clock` (and SCHEDULER on), also start the every-minute nudge pass.
    """
    database = Database(settings.database_url)
    deps = deps_for(settings, database, bank)
    app = create_app(settings, deps)
    if with_clock and settings.scheduler_enabled:
        start_clock(
            nudge_dispatcher(settings, database, bank),
            closer=ask_closer(settings, deps),
            reminders=reminder_pass(settings, deps),
            refresher=token_refresher(settings, database),
        )
    return app, database
