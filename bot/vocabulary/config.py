"""Settings read once from the environment (and `.env`), one clear line per bad value."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from dotenv import find_dotenv, load_dotenv

from bot.vocabulary.log_format import LogFormat

DEFAULT_DATABASE_URL = "sqlite:///ask_team.db"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_PORT = 3000
# This machine only: a plain server (docs/deployment-and-scaling.md) sits behind a
# TLS-terminating proxy, and a bot that answers Slack should not be reachable around it.
# Platforms whose router reaches the process from outside (Heroku, containers) set
# HOST=0.0.0.0, as the Procfile does.
DEFAULT_HOST = "127.0.0.1"

# No "ask-team" at the start: the command line puts "ask-team: " before every error it prints.
# Worded for whoever reads it: someone who installed the package as much as a checkout.
SETUP_STEPS = """\
Slack credentials are needed to start. Missing: {missing}.

  1. Create the app: run `ask-team manifest` and paste what it prints at
     https://api.slack.com/apps -> Create New App -> From a manifest, in your workspace
     (its first lines say what to change to serve over HTTP instead of Socket Mode).
  2. Install it to the workspace (Install App), then set SLACK_BOT_TOKEN to the Bot
     User OAuth Token (xoxb-...) and SLACK_SIGNING_SECRET to the Signing Secret
     (Basic Information -> App Credentials).
  3. Optionally, to connect without a public URL (Socket Mode), set SLACK_APP_TOKEN to
     an App-Level Token with the connections:write scope (Basic Information ->
     App-Level Tokens).

For many workspaces (OAuth), set SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_SIGNING_SECRET
and TOKEN_ENCRYPTION_KEY (`ask-team new-key` makes one) instead of SLACK_BOT_TOKEN.

Set them in the environment, or in .env in the directory you start from, and start again
(in a checkout of the repository: `cp .env.example .env`, fill it in, `make run`).
To try the bot first, without Slack: `ask-team playground`."""


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names it."""


@dataclass(frozen=True)
class Settings:
    """Everything the bot reads from its environment."""

    slack_bot_token: str
    slack_signing_secret: str
    slack_app_token: str | None = None
    database_url: str = DEFAULT_DATABASE_URL
    slack_api_url: str = DEFAULT_SLACK_API_URL
    port: int = DEFAULT_PORT
    log_level: str = "INFO"
    log_format: LogFormat = "text"
    host: str = DEFAULT_HOST
    scheduler_enabled: bool = True
    web_concurrency: int = 2
    web_threads: int = 4
    nudge_grace_hours: int = 3
    nudge_concurrency: int = 16
    # Each workspace's nudge budget: Slack publishes no workspace-wide number for
    # chat.postMessage, so this stays well under what large apps report, and a 429's
    # Retry-After slows that workspace further.
    nudge_rate_per_minute: int = 300
    nudge_burst: int = 20
    # OAuth mode (many workspaces): an app's credentials, and the keys tokens are kept with.
    slack_client_id: str | None = None
    slack_client_secret: str | None = None
    token_encryption_key: str | None = None
    # The key of anonymous answerers' hashes; see `answer_key`.
    answer_secret: str | None = None
    anonymous_minimum: int = 3

    @property
    def answer_key(self) -> bytes:
        """ANSWER_SECRET, or a key derived from the signing secret: either way never stored in
        the database, so its hashes of who answered cannot be reversed from a copy of it."""
        if self.answer_secret:
            return self.answer_secret.encode()
        label = b"ask-team anonymous answers"
        return hmac.new(self.slack_signing_secret.encode(), label, hashlib.sha256).digest()

    @property
    def oauth(self) -> bool:
        """Installed into many workspaces over OAuth, rather than one with SLACK_BOT_TOKEN."""
        return bool(self.slack_client_id and self.slack_client_secret and not self.slack_bot_token)

    @classmethod
    def from_env(
        cls, env: Mapping[str, str] | None = None, *, require_slack: bool = True
    ) -> Settings:
        """Build settings from `env` (default: `os.environ` after loading `.env`)."""
        if env is None:
            # The .env of the directory the bot is started from, as `make run` does.
            load_dotenv(find_dotenv(usecwd=True), override=False)
            env = os.environ

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        bot_token = get("SLACK_BOT_TOKEN")
        signing_secret = get("SLACK_SIGNING_SECRET")
        app_token = get("SLACK_APP_TOKEN")
        client_id, client_secret = get("SLACK_CLIENT_ID"), get("SLACK_CLIENT_SECRET")
        encryption_key = get("TOKEN_ENCRYPTION_KEY")
        if require_slack:
            oauth = bool(client_id and client_secret and not bot_token)
            _require_slack(oauth, bot_token, signing_secret, encryption_key)
        if bot_token is not None and not bot_token.startswith("xoxb-"):
            raise ConfigError("SLACK_BOT_TOKEN must be a bot token starting with xoxb-")
        if app_token is not None and not app_token.startswith("xapp-"):
            raise ConfigError("SLACK_APP_TOKEN must be an app-level token starting with xapp-")

        return cls(
            slack_bot_token=bot_token or "",
            slack_signing_secret=signing_secret or "",
            slack_app_token=app_token,
            database_url=normalize_database_url(get("DATABASE_URL") or DEFAULT_DATABASE_URL),
            slack_api_url=_api_url(get("SLACK_API_URL") or DEFAULT_SLACK_API_URL),
            port=_int_setting("PORT", get("PORT"), DEFAULT_PORT, 1, 65535),
            log_level=_log_level(get("LOG_LEVEL") or "INFO"),
            log_format=_log_format(get("LOG_FORMAT") or "text"),
            host=_host(get("HOST") or DEFAULT_HOST),
            scheduler_enabled=_bool_setting("SCHEDULER", get("SCHEDULER"), default=True),
            web_concurrency=_int_setting("WEB_CONCURRENCY", get("WEB_CONCURRENCY"), 2, 1, 64),
            web_threads=_int_setting("WEB_THREADS", get("WEB_THREADS"), 4, 1, 256),
            nudge_grace_hours=_int_setting("NUDGE_GRACE_HOURS", get("NUDGE_GRACE_HOURS"), 3, 0, 23),
            nudge_concurrency=_int_setting(
                "NUDGE_CONCURRENCY", get("NUDGE_CONCURRENCY"), 16, 1, 64
            ),
            nudge_rate_per_minute=_int_setting(
                "NUDGE_RATE_PER_MINUTE", get("NUDGE_RATE_PER_MINUTE"), 300, 1, 1_000_000
            ),
            nudge_burst=_int_setting("NUDGE_BURST", get("NUDGE_BURST"), 20, 1, 10_000),
            slack_client_id=client_id,
            slack_client_secret=client_secret,
            token_encryption_key=encryption_key,
            answer_secret=get("ANSWER_SECRET"),
            anonymous_minimum=_int_setting(
                "ANONYMOUS_MINIMUM", get("ANONYMOUS_MINIMUM"), 3, 3, 1000
            ),
        )


def _require_slack(
    oauth: bool, bot_token: str | None, signing_secret: str | None, encryption_key: str | None
) -> None:
    """What starting against Slack needs, in OAuth mode or with one workspace's token."""
    if oauth:
        if signing_secret is None:
            raise ConfigError(
                "SLACK_SIGNING_SECRET is needed with SLACK_CLIENT_ID: copy it from your "
                "app's Basic Information page."
            )
        if encryption_key is None:
            raise ConfigError(
                "TOKEN_ENCRYPTION_KEY is needed to keep workspaces' tokens encrypted in "
                "OAuth mode; make one with `ask-team new-key` and keep it out of the database."
            )
        return
    missing = [
        name
        for name, value in (
            ("SLACK_BOT_TOKEN", bot_token),
            ("SLACK_SIGNING_SECRET", signing_secret),
        )
        if value is None
    ]
    if missing:
        raise ConfigError(SETUP_STEPS.format(missing=", ".join(missing)))


def normalize_database_url(url: str) -> str:
    """Accept Heroku's `postgres://` and pick the psycopg 3 driver for PostgreSQL URLs."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ConfigError(
            f"DATABASE_URL must look like sqlite:///file.db or postgresql://…, got {url!r}"
        )
    if scheme in ("postgres", "postgresql"):
        scheme = "postgresql+psycopg"
    if not (scheme.startswith("sqlite") or scheme.startswith("postgresql")):
        raise ConfigError(f"DATABASE_URL must be a sqlite:// or postgresql:// URL, got {scheme}://")
    normalized = f"{scheme}://{rest}"
    try:
        # SQLAlchemy would only fail on this when connecting, with a bare ValueError.
        urlsplit(normalized).port  # noqa: B018 - parsing the port is the check
    except ValueError:
        raise ConfigError(
            "DATABASE_URL has a port that is not a number between 0 and 65535"
        ) from None
    return normalized


def _api_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"SLACK_API_URL must be an http(s) URL, got {url!r}")
    # WebClient joins method names onto the base URL, so it needs the trailing slash.
    return url if url.endswith("/") else url + "/"


def _int_setting(name: str, raw: str | None, default: int, low: int, high: int) -> int:
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}, got {value}")
    return value


def _bool_setting(name: str, raw: str | None, *, default: bool) -> bool:
    if raw is None:
        return default
    lowered = raw.lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be on or off, got {raw!r}")


def _log_level(raw: str) -> str:
    level = raw.upper()
    if level not in logging.getLevelNamesMapping():
        raise ConfigError(f"LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, got {raw!r}")
    return level


def _log_format(raw: str) -> LogFormat:
    lowered = raw.lower()
    if lowered == "json":
        return "json"
    if lowered == "text":
        return "text"
    raise ConfigError(f"LOG_FORMAT must be text or json, got {raw!r}")


def _host(raw: str) -> str:
    # gunicorn's own form for IPv6 ("[::1]") is accepted too; the brackets are added back there.
    address = raw[1:-1] if raw.startswith("[") and raw.endswith("]") else raw
    if address == "localhost":
        return address
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        raise ConfigError(
            "HOST must be an IP address to listen on, e.g. 0.0.0.0 (every interface) or "
            f"127.0.0.1 (this machine only), got {raw!r}"
        ) from None
