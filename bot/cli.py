"""`ask-team` on the command line: run, serve, socket, migrate."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bot.config import ConfigError, Settings
from bot.prompts import PromptError
from bot.runtime import (
    SchemaNotReadyError,
    SlackUnreachableError,
    build_app,
    configure_logging,
)
from bot.store import migrate
from bot.store.database import Database


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ask-team", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser(
        "run", help="migrate, then Socket Mode if SLACK_APP_TOKEN is set, else serve"
    )
    commands.add_parser("serve", help="serve HTTP (POST /slack/events) on $PORT with gunicorn")
    commands.add_parser("socket", help="connect to Slack over Socket Mode (needs SLACK_APP_TOKEN)")
    commands.add_parser("migrate", help="upgrade the database schema to the latest revision")
    args = parser.parse_args(argv)

    try:
        settings = Settings.from_env(require_slack=args.command != "migrate")
        configure_logging(settings)
        if args.command == "migrate":
            return _migrate(settings)
        if args.command == "run":
            _migrate(settings)
            return _socket(settings) if settings.slack_app_token else _serve(settings)
        if args.command == "socket":
            return _socket(settings)
        return _serve(settings)
    except (ConfigError, PromptError, SchemaNotReadyError, SlackUnreachableError) as error:
        print(f"ask-team: {error}", file=sys.stderr)
        return 2


def _migrate(settings: Settings) -> int:
    database = Database(settings.database_url)
    migrate.upgrade(database)
    print(f"ask-team: database is at revision {migrate.current_revision(database)}")
    database.dispose()
    return 0


def _serve(settings: Settings) -> int:
    from bot.web import serve_with_gunicorn, wsgi_app

    # Fail here, before forking workers, if settings, prompts or schema are wrong.
    build_app(settings)
    print(f"ask-team: serving POST /slack/events on port {settings.port}", file=sys.stderr)
    serve_with_gunicorn(
        lambda: wsgi_app(build_app(settings)),
        port=settings.port,
        workers=settings.web_concurrency,
        threads=settings.web_threads,
    )
    return 0


def _socket(settings: Settings) -> int:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    if not settings.slack_app_token:
        raise ConfigError("SLACK_APP_TOKEN is needed for Socket Mode (an xapp- app-level token)")
    app = build_app(settings)
    print("ask-team: connected over Socket Mode; press Ctrl+C to stop", file=sys.stderr)
    SocketModeHandler(app, settings.slack_app_token).start()  # type: ignore[no-untyped-call]
    return 0
