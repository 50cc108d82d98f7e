"""`ask-team` on the command line: the commands of `CLI_COMMANDS`, each with its own --help."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from importlib import resources
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING

from slack_sdk.errors import SlackApiError

from bot.app.runtime import (
    SchemaNotReadyError,
    SlackUnreachableError,
    ask_closer,
    build_app,
    configure_logging,
    deps_for,
    ensure_schema,
    nudge_dispatcher,
    open_database,
    preflight,
    reminder_pass,
    token_refresher,
    token_refused,
    workspace_installs,
)
from bot.app.server import PortUnavailableError
from bot.domain.question_bank import PromptError, QuestionBank
from bot.domain.themes import group_into_themes
from bot.services.context import Caller, Context
from bot.services.lifecycle import export_of
from bot.store import migrate
from bot.store.database import DatabaseUnavailableError, is_in_memory
from bot.store.models import utcnow
from bot.store.token_cipher import TokenKeyError, new_key
from bot.vocabulary.config import ConfigError, Settings, normalize_database_url

if TYPE_CHECKING:
    from wsgiref.types import WSGIApplication


# One line each in `ask-team --help`; the descriptions below say more under `COMMAND --help`.
SETTINGS_EPILOG = (
    "Settings come from the environment, or from .env in the current directory: "
    "DATABASE_URL (default sqlite:///ask_team.db), SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET "
    "(serve, socket, run, send-due), SLACK_APP_TOKEN (socket), or SLACK_CLIENT_ID, "
    "SLACK_CLIENT_SECRET and TOKEN_ENCRYPTION_KEY for many workspaces, HOST, PORT, LOG_LEVEL, "
    "LOG_FORMAT and more; "
    "see the README's Configuration. Every problem at start is one line on stderr, exit code 2."
)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        dry_run = args.command == "send-due" and args.dry_run
        if args.command in ("run", "playground"):
            settings = Settings.from_env(require_slack=False)
            if args.command == "playground" or not has_slack_credentials(settings):
                return _playground(settings, args.command == "run", args.database_url)
        # A preview and an export read the database only, so they run without Slack tokens.
        if args.command == "new-key":
            print(new_key())
            return 0
        if args.command == "manifest":
            sys.stdout.write(app_manifest())
            return 0
        if args.command == "themes":
            return _themes(args.file)
        settings = Settings.from_env(
            require_slack=args.command not in ("migrate", "export", "rotate-key") and not dry_run
        )
        if args.command in PERSISTING_COMMANDS:
            _refuse_in_memory(settings, args.command)
        configure_logging(settings)
        if args.command == "migrate":
            return _migrate(settings)
        if args.command == "run":
            _migrate(settings)
            return _socket(settings) if settings.slack_app_token else _serve(settings)
        if args.command == "socket":
            return _socket(settings)
        if args.command == "export":
            return _export(settings, args.team, args.user, args.output)
        if args.command == "rotate-key":
            return _rotate_key(settings)
        if args.command == "send-due":
            return _send_due(settings, args.at or utcnow(), dry_run=dry_run)
        return _serve(settings)
    except (
        ConfigError,
        PromptError,
        SchemaNotReadyError,
        SlackUnreachableError,
        DatabaseUnavailableError,
        PortUnavailableError,
        TokenKeyError,
    ) as error:
        # Each of these says what is wrong and what to do; a traceback would bury that.
        print(f"ask-team: {error}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ask-team", description=_description(), epilog=SETTINGS_EPILOG
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {package_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, summary, description in CLI_COMMANDS:
        commands.add_parser(name, help=summary, description=description, epilog=SETTINGS_EPILOG)
    send_due = commands.choices["send-due"]
    send_due.add_argument(
        "--at", type=_instant, metavar="ISO-TIME", help="pretend it is this time (default: now)"
    )
    send_due.add_argument(
        "--dry-run",
        action="store_true",
        help="list who would be nudged; send and claim nothing (needs no Slack token)",
    )
    export = commands.choices["export"]
    export.add_argument("--team", required=True, help="the Slack workspace id, T…")
    export.add_argument("--user", required=True, help="the leader's Slack user id, U…")
    export.add_argument("--output", metavar="FILE", help="write here instead of stdout")
    commands.choices["themes"].add_argument(
        "file", metavar="FILE", help="the answers, one a line; - reads them from standard input"
    )
    for name in ("run", "playground"):
        commands.choices[name].add_argument(
            DATABASE_URL_OPTION,
            default=PLAYGROUND_DATABASE_URL,
            metavar="URL",
            help="the playground's own database, never DATABASE_URL "
            f"(default {PLAYGROUND_DATABASE_URL})",
        )
    return parser


def _description() -> str:
    """What `ask-team --help` says first, its list of commands read from `CLI_COMMANDS`."""
    names = ", ".join(name for name, _, _ in CLI_COMMANDS)
    return (
        "ask-team, a Slack bot that helps leaders lead by following, on the command line: "
        f"{names}. `ask-team COMMAND --help` says more about each."
    )


# name, the one line of `ask-team --help`, and what `ask-team NAME --help` says about it.
CLI_COMMANDS: tuple[tuple[str, str, str], ...] = (
    (
        "run",
        "migrate, then Socket Mode if SLACK_APP_TOKEN is set, else serve",
        "Upgrade the database schema, then connect over Socket Mode when SLACK_APP_TOKEN is "
        "set (local development, no public URL needed), or else serve HTTP on $PORT. "
        "With no Slack setting at all, open the local playground instead. "
        "What `make run` starts.",
    ),
    (
        "playground",
        "try the bot in a browser, with a local stand-in for Slack",
        "Run the real bot against a local stand-in for Slack, with a web page on "
        "http://$HOST:$PORT/ where pretend people type /ask-team, click, fill modals, open "
        "Home and receive nudges. Needs no Slack app; keeps its own SQLite file.",
    ),
    (
        "manifest",
        "print the Slack app manifest, to create the app from",
        "Print the Slack app manifest (manifest.yml, which the package carries): paste it at "
        "https://api.slack.com/apps -> Create New App -> From a manifest. It declares the "
        "/ask-team command, the scopes and the events; its first lines say what to change to "
        "serve over HTTP instead of Socket Mode. Needs no settings.",
    ),
    (
        "serve",
        "serve HTTP (POST /slack/events) on $PORT with gunicorn",
        "Serve POST /slack/events, GET /healthz, GET /readyz and GET /metrics on $HOST:$PORT "
        "under gunicorn "
        "(WEB_CONCURRENCY workers of WEB_THREADS threads). Settings, question bank, schema, "
        "database, Slack token and port are checked first; a fresh SQLite file is migrated.",
    ),
    (
        "socket",
        "connect to Slack over Socket Mode (needs SLACK_APP_TOKEN)",
        "Connect to Slack over Socket Mode with the app-level token SLACK_APP_TOKEN (xapp-…), "
        "for development without a public URL.",
    ),
    (
        "migrate",
        "upgrade the database schema to the latest revision",
        "Upgrade the schema of DATABASE_URL to the latest revision (Alembic) and print it. "
        "Run once per release, before serving; needs no Slack token.",
    ),
    (
        "send-due",
        "run one nudge pass now (for cron-style deployments) and report it",
        "Send the nudges that are due now, once, and print what happened: for deployments "
        "where cron runs the pass (SCHEDULER=off) instead of the bot's own clock.",
    ),
    (
        "new-key",
        "print a new key for TOKEN_ENCRYPTION_KEY",
        "Print a new Fernet key. In OAuth mode, TOKEN_ENCRYPTION_KEY encrypts every "
        "workspace's tokens; to rotate, put the new key first (`new,old`), run "
        "`ask-team rotate-key`, then drop the old one.",
    ),
    (
        "rotate-key",
        "re-encrypt every stored token with the first key of TOKEN_ENCRYPTION_KEY",
        "Re-encrypt every workspace's stored tokens with the first key of TOKEN_ENCRYPTION_KEY "
        "(comma-separated, newest first), so the older keys can be removed. Needs no Slack "
        "token.",
    ),
    (
        "export",
        "write one leader's log as CSV (to stdout, or --output FILE)",
        "Write everything one leader logged in one workspace as CSV, as their "
        "`/ask-team export` does. Reads the database only; needs no Slack token.",
    ),
    (
        "themes",
        "group short answers, one a line, into themes and print them as JSON",
        "Read one answer per line from FILE (or standard input for -) and print the themes "
        'they share as JSON: [{"label": "Meetings", "answers": [1, 4]}], largest first, '
        "the answers by line number from 1 (blank lines count, and are in no theme). An "
        "answer that fits no theme and shares no word with another is left out. Works "
        "offline, from a list of workplace themes and the words people use for them; needs "
        "no settings.",
    ),
)

# These keep what they write: on an in-memory SQLite database all of it would vanish at exit.
PERSISTING_COMMANDS = frozenset(
    {"serve", "run", "migrate", "send-due", "socket", "playground", "rotate-key"}
)


PLAYGROUND_DATABASE_URL = "sqlite:///ask_team_playground.db"
DATABASE_URL_OPTION = "--database-url"


def has_slack_credentials(settings: Settings) -> bool:
    """Whether any Slack setting is there: then a missing one is a mistake to report."""
    return bool(
        settings.slack_bot_token or settings.slack_signing_secret or settings.slack_app_token
    )


def _playground(settings: Settings, instead_of_run: bool, database_url: str) -> int:
    from bot.playground.run import Playground, serve_until_interrupted

    # The playground's database comes from --database-url, never DATABASE_URL: the checks'
    # messages name DATABASE_URL, so name the option the user actually gave instead.
    try:
        settings = replace(settings, database_url=normalize_database_url(database_url))
    except ConfigError as error:
        raise ConfigError(str(error).replace("DATABASE_URL", DATABASE_URL_OPTION)) from None
    configure_logging(settings)
    try:
        playground = Playground(settings)
    except DatabaseUnavailableError as error:
        raise error.naming(DATABASE_URL_OPTION) from None
    where = f"http://{settings.host}:{settings.port}/"
    if instead_of_run:
        print(
            f"No Slack credentials: opening the local playground at {where} "
            "(to connect a real workspace, start with `ask-team manifest`)",
            file=sys.stderr,
        )
    else:
        print(
            f"ask-team: the local playground is at {where}; press Ctrl+C to stop", file=sys.stderr
        )
    return serve_until_interrupted(playground)


def app_manifest() -> str:
    """manifest.yml: the wheel's `bot/manifest.yml` (pyproject.toml puts it there), or a
    checkout's, beside `bot/` (an editable install has no copy)."""
    packaged = resources.files("bot") / "manifest.yml"
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    return (Path(__file__).resolve().parents[1] / "manifest.yml").read_text(encoding="utf-8")


def package_version() -> str:
    """The installed version of ask-team, or a note that it runs from a source checkout."""
    try:
        return version("ask-team")
    except PackageNotFoundError:
        return "(not installed: running from source)"


def _refuse_in_memory(settings: Settings, command: str) -> None:
    if is_in_memory(settings.database_url):
        raise ConfigError(
            f"DATABASE_URL is an in-memory SQLite database, which `ask-team {command}` would "
            "lose at exit; point it at a file, e.g. sqlite:///ask_team.db."
        )


def _migrate(settings: Settings) -> int:
    database = open_database(settings)
    try:
        before = migrate.current_revision(database)
        migrate.upgrade(database)
        after = migrate.current_revision(database)
    finally:
        database.dispose()
    upgraded = f" (upgraded from {before or 'an empty database'})" if before != after else ""
    print(f"ask-team: database is at revision {after}{upgraded}")
    return 0


def _instant(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO time such as 2026-11-30T09:00+01:00"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _send_due(settings: Settings, now: datetime, *, dry_run: bool) -> int:
    database = open_database(settings)
    ensure_schema(database)
    bank = QuestionBank.load()
    dispatcher = nudge_dispatcher(settings, database, bank)
    report = dispatcher.run_pass(now, dry_run=dry_run)
    if dry_run:
        for team_id, user_id, local_date, due_at in report.preview:
            due = f"{due_at:%Y-%m-%d %H:%M} UTC"
            print(f"would nudge {team_id}/{user_id} for {local_date} (due {due})")
        print(f"ask-team: {report.due} due at {now.isoformat()} (dry run: nothing sent)")
        return 0
    outcomes = ", ".join(f"{count} {name}" for name, count in sorted(report.outcomes.items()))
    print(
        f"ask-team: at {now.isoformat()}: {report.claimed} claimed"
        f"{': ' + outcomes if outcomes else ''}; {report.in_flight_elsewhere} in flight elsewhere, "
        f"{report.missed} missed (past the grace window), {report.advanced} moved on"
    )
    deps = deps_for(settings, database, bank)
    asks = ask_closer(settings, deps).run_pass(now)
    print(
        f"ask-team: asks of the team: {asks.closed} closed, {asks.posted} posted, "
        f"{asks.failed} to retry"
    )
    reminded = reminder_pass(settings, deps).run_pass(now)
    print(
        f"ask-team: reminders: {reminded.promises} promises, {reminded.people} people, "
        f"{reminded.to_retry} to retry"
    )
    refresher = token_refresher(settings, database)
    if refresher is not None:
        tokens = refresher.run_pass(now)
        print(
            f"ask-team: workspace tokens: {tokens.refreshed} refreshed, {tokens.refused} to retry"
        )
    database.dispose()
    return 0


def _rotate_key(settings: Settings) -> int:
    if not settings.token_encryption_key:
        raise ConfigError("TOKEN_ENCRYPTION_KEY is not set: there is no key to rotate to.")
    database = open_database(settings)
    try:
        ensure_schema(database)
        rotated = workspace_installs(settings, database).rotate_key()
    finally:
        database.dispose()
    print(
        f"ask-team: re-encrypted the tokens of {rotated} workspace(s) with the first key of "
        "TOKEN_ENCRYPTION_KEY; the other keys can now be removed"
    )
    return 0


def _export(settings: Settings, team_id: str, user_id: str, output: str | None) -> int:
    database = open_database(settings)
    ensure_schema(database)
    bank = QuestionBank.load()
    # The operator acts for this leader: the same use case as their `/ask-team export`.
    caller = Caller(team_id=team_id, user_id=user_id)
    export = export_of(Context(deps_for(settings, database, bank), caller, utcnow()))
    database.dispose()
    if not export.entries:
        print(f"ask-team: {user_id} has logged nothing in workspace {team_id}", file=sys.stderr)
        return 1
    if output:
        Path(output).write_text(export.csv, encoding="utf-8")
        print(f"ask-team: wrote {output}", file=sys.stderr)
    else:
        sys.stdout.write(export.csv)
    return 0


def _themes(file: str) -> int:
    try:
        raw = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
    except OSError as error:
        print(f"ask-team: cannot read {file}: {error.strerror or error}", file=sys.stderr)
        return 2
    lines = raw.decode("utf-8", errors="replace").splitlines()
    numbered = [(number, line.strip()) for number, line in enumerate(lines, 1) if line.strip()]
    themes = group_into_themes([answer for _, answer in numbered])
    found = [
        {"label": theme.label, "answers": [numbered[index][0] for index in theme.answers]}
        for theme in themes
    ]
    # One theme a line: still one JSON document, and readable in a terminal.
    print("[" + ",\n ".join(json.dumps(theme, ensure_ascii=False) for theme in found) + "]")
    return 0


def _serve(settings: Settings) -> int:
    from bot.app.server import check_port_free, serve_with_gunicorn
    from bot.app.web import wsgi_app

    # Fail here, before forking workers, if settings, prompts, schema or token are wrong. The
    # master keeps no connection: workers build their own app, engine and clock after the fork.
    bank = preflight(settings)

    def worker_app() -> WSGIApplication:
        app, database = build_app(settings, bank, with_clock=True)
        return wsgi_app(app, ready=database.is_usable)

    # Last of the checks, so the port is free when gunicorn binds it a moment later.
    check_port_free(settings.port, settings.host)
    serving = f"serving POST /slack/events on {settings.host} port {settings.port}"
    if settings.log_format == "json":
        # A log shipper reading JSON lines would choke on a bare one.
        logging.getLogger(__name__).info("%s", serving)
    else:
        print(f"ask-team: {serving}", file=sys.stderr)
    serve_with_gunicorn(
        worker_app,
        port=settings.port,
        workers=settings.web_concurrency,
        threads=settings.web_threads,
        bind_host=settings.host,
        log_format=settings.log_format,
        log_level=settings.log_level,
    )
    return 0


def _socket(settings: Settings) -> int:
    from bot.app.socket_mode import GuardedSocketModeHandler

    if not settings.slack_app_token:
        raise ConfigError("SLACK_APP_TOKEN is needed for Socket Mode (an xapp- app-level token)")
    if settings.oauth:
        raise ConfigError(
            "Socket Mode serves one workspace, and Slack does not list Socket Mode apps for "
            "distribution: in OAuth mode (SLACK_CLIENT_ID without SLACK_BOT_TOKEN) run "
            "`ask-team serve` over HTTP, or unset SLACK_APP_TOKEN."
        )
    app, _database = build_app(settings, preflight(settings), with_clock=True)
    print("ask-team: connecting over Socket Mode; press Ctrl+C to stop", file=sys.stderr)
    try:
        GuardedSocketModeHandler(app, settings.slack_app_token).start()  # type: ignore[no-untyped-call]
    except SlackApiError as error:
        raise token_refused(
            "SLACK_APP_TOKEN",
            error,
            "Under Basic Information, App-Level Tokens, generate one with the "
            "connections:write scope (xapp-…).",
        ) from None
    return 0
