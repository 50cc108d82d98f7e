"""The Bolt app factory."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import App
from slack_bolt.authorization import AuthorizeResult

from bot.app.oauth import InstalledAuthorize, not_installed_answer, oauth_flow
from bot.listeners import register_all
from bot.senders.after_ack import AfterAckSender
from bot.services.deps import Deps
from bot.services.lifecycle import installer_becomes_leader
from bot.store.installations import WorkspaceInstalls
from bot.store.slack_client import InstalledWorkspaces, web_client
from bot.store.token_cipher import TokenCipher
from bot.vocabulary.config import Settings


class _IgnoreTokenNotice(logging.Filter):
    # Bolt reads SLACK_BOT_TOKEN from the environment too, then notes that our client and
    # `authorize` win over it; that is what we want, so the notes are only noise in logs.
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return "`token` will be unused" not in message and "will be ignored" not in message


def create_app(settings: Settings, deps: Deps, *, sender: AfterAckSender | None = None) -> App:
    """A Bolt app wired to our listeners, talking to Slack (or a stand-in) at SLACK_API_URL.

    It calls nothing remote: the token is checked once per start (`runtime.check_bot_token`),
    so a worker restarted while Slack is down still boots. With SLACK_CLIENT_ID and no
    SLACK_BOT_TOKEN it serves every workspace that installed it (`bot/app/oauth.py`).
    """
    if settings.oauth:
        return _create_oauth_app(settings, deps, sender)
    client = web_client(settings)
    app = App(
        client=client,
        signing_secret=settings.slack_signing_secret,
        # Run listeners in the request thread and answer as soon as they return, instead of
        # Bolt's default of a worker thread whose ack() is polled every 10 ms. Our listeners
        # take a millisecond or two; Web API calls that can wait go to the AfterAckSender.
        process_before_response=True,
        token_verification_enabled=False,
        # Bolt's single-workspace default calls auth.test on each process's first request,
        # before the ack: 5 s when Slack is slow, an error page when it is down.
        authorize=_authorize_with(settings.slack_bot_token),
        # bot/domain/edge.py checks Slack's signature before Bolt sees a request, and logs no body.
        request_verification_enabled=False,
        logger=_bolt_logger(),
    )
    register_all(app, deps, sender or AfterAckSender(client))
    return app


def _create_oauth_app(settings: Settings, deps: Deps, sender: AfterAckSender | None) -> App:
    cipher = TokenCipher(settings.token_encryption_key or "")
    installs = WorkspaceInstalls(
        deps.database, cipher, deps.clock, on_install=installer_becomes_leader(deps.clock)
    )
    workspaces = InstalledWorkspaces(settings, installs)
    # No token of its own: each request's client gets its workspace's token from `authorize`.
    client = web_client(settings, token="")
    app = App(
        client=client,
        signing_secret=settings.slack_signing_secret,
        process_before_response=True,
        oauth_flow=oauth_flow(settings, deps, installs, client, deps.clock),
        authorize=InstalledAuthorize(workspaces),  # type: ignore[arg-type]
        before_authorize=not_installed_answer(workspaces),
        request_verification_enabled=False,
        logger=_bolt_logger(),
    )
    register_all(app, deps, sender or AfterAckSender(workspaces))
    return app


def _authorize_with(bot_token: str) -> Callable[..., AuthorizeResult]:
    """Bolt's `authorize`: the one workspace's bot token, without asking Slack per request."""

    def authorize(
        enterprise_id: str | None, team_id: str | None, user_id: str | None
    ) -> AuthorizeResult:
        return AuthorizeResult(
            enterprise_id=enterprise_id, team_id=team_id, user_id=user_id, bot_token=bot_token
        )

    return authorize


def _bolt_logger() -> logging.Logger:
    logger = logging.getLogger("slack_bolt")
    if not any(isinstance(f, _IgnoreTokenNotice) for f in logger.filters):
        logger.addFilter(_IgnoreTokenNotice())
    return logger
