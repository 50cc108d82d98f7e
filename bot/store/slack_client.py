"""The Web API client: Slack's (or a stand-in's) base URL, timeouts and retries."""

from __future__ import annotations

import logging
import threading
from typing import Protocol

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.oauth.installation_store import Bot

from bot.domain.nudge_rules import known_zone
from bot.store.installations import WorkspaceInstalls
from bot.vocabulary.config import Settings
from bot.vocabulary.slack_call import SlackCallError, slack_call

WEB_API_TIMEOUT_SECONDS = 10
logger = logging.getLogger(__name__)


def web_client(
    settings: Settings,
    backoff_seconds: float = 0.5,
    *,
    token: str | None = None,
    paced: bool = False,
) -> WebClient:
    """A client that honours 429 Retry-After and retries 5xx and dropped connections.

    With the bot token of SLACK_BOT_TOKEN, unless given another (a workspace's, in OAuth mode).
    A `paced` client raises 429s instead of sleeping on them: its caller paces the workspace
    (senders/pacing.py), so one busy workspace does not hold up the others.
    """
    client = WebClient(
        token=settings.slack_bot_token if token is None else token,
        base_url=settings.slack_api_url,
        timeout=WEB_API_TIMEOUT_SECONDS,
    )
    # WebClient already retries a dropped connection once; add 429s and 5xx, with backoff.
    backoff = BackoffRetryIntervalCalculator(backoff_factor=backoff_seconds)
    if not paced:
        client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=3))
    client.retry_handlers.append(
        ServerErrorRetryHandler(max_retry_count=2, interval_calculator=backoff)
    )
    return client


def fetch_zone(client: WebClient, user_id: str) -> str | None:
    """The user's IANA zone from `users.info`, or None if Slack cannot say right now."""
    try:
        user = slack_call(client.users_info, user=user_id).get("user")
    except SlackCallError as failure:
        logger.warning("no zone from users.info: %s", failure)
        return None
    return known_zone(user.get("tz")) if isinstance(user, dict) else None


class WorkspaceClients(Protocol):
    """The Web API client for a workspace: with its own bot token."""

    def client_for(self, team_id: str | None, *, paced: bool = False) -> WebClient | None:
        """None when the workspace has no install (never installed, or uninstalled).

        A `paced` client raises 429s for its caller to pace (see `web_client`)."""
        ...


class OneWorkspace:
    """Single-workspace mode: SLACK_BOT_TOKEN's client, whoever asks."""

    def __init__(self, client: WebClient, paced: WebClient | None = None) -> None:
        self.client = client
        self.paced = paced or client

    @classmethod
    def from_settings(cls, settings: Settings) -> OneWorkspace:
        return cls(web_client(settings), web_client(settings, paced=True))

    def client_for(self, team_id: str | None, *, paced: bool = False) -> WebClient:
        return self.paced if paced else self.client


class InstalledWorkspaces:
    """OAuth mode: each workspace's client with the token of its latest install.

    Only the stored token is read: a rotating token is refreshed ahead of its expiry by the
    clock's pass (bot/senders/token_refresh.py), never on the way to answering a request.
    """

    def __init__(self, settings: Settings, installs: WorkspaceInstalls) -> None:
        self.settings = settings
        self.installs = installs
        # One client per workspace (and pacing), made again when its token changes.
        self._clients: dict[tuple[str, bool], tuple[str, WebClient]] = {}
        self._lock = threading.Lock()

    def bot_for(self, team_id: str | None) -> Bot | None:
        """The workspace's bot as stored (one read, no call to Slack); None if not installed."""
        return self.installs.find_bot(enterprise_id=None, team_id=team_id)

    def client_for(self, team_id: str | None, *, paced: bool = False) -> WebClient | None:
        bot = self.bot_for(team_id)
        if bot is None or team_id is None:
            return None
        with self._lock:
            token, client = self._clients.get((team_id, paced), ("", None))
            if client is None or token != bot.bot_token:
                client = web_client(self.settings, token=bot.bot_token, paced=paced)
                self._clients[(team_id, paced)] = (bot.bot_token, client)
            return client
