"""Installing into many workspaces: Bolt's OAuth flow over our stores, and who may be served.

Bolt's flow serves "Add to Slack" (GET /slack/install) and Slack's redirect back
(GET /slack/oauth_redirect); `WorkspaceInstalls` keeps installs in our database, tokens
encrypted, and `OAuthStates` signs each state and records it only when it comes back, once.
Requests are then authorized from the stored installs, without a call to Slack: rotating
tokens are refreshed ahead of time by the clock (bot/senders/token_refresh.py).
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.authorize import Authorize
from slack_bolt.context import BoltContext
from slack_bolt.error import BoltError
from slack_bolt.oauth import OAuthFlow
from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import Bot, Installation

from bot.services.deps import Deps
from bot.store.installations import WorkspaceInstalls
from bot.store.oauth_states import OAuthStates, state_key
from bot.store.slack_client import InstalledWorkspaces
from bot.vocabulary.config import Settings
from bot.vocabulary.slack_ids import TEAM_ID
from bot.vocabulary.slack_scopes import BOT_SCOPES

INSTALL_PATH = "/slack/install"
# Where the not-installed check leaves the workspace's bot for `InstalledAuthorize`.
INSTALLED_BOT = "ask_team_installed_bot"
REDIRECT_PATH = "/slack/oauth_redirect"
logger = logging.getLogger(__name__)

# What the person who clicked "Add to Slack" reads when it did not work, by Bolt's reason.
FAILURES = {
    "access_denied": "The install was cancelled, so nothing was installed. You can start "
    "again whenever you like.",
    "invalid_browser": "This install link was opened in another browser than the one that "
    "started it, or has already been used. Start again from the install page.",
    "invalid_state": "This install link has expired or has already been used. Start again "
    "from the install page.",
    "missing_code": "Slack sent no authorization code back. Start again from the install page.",
    "invalid_code": "Slack did not accept the authorization code; it may have been used "
    "already. Start again from the install page.",
    "storage_error": "The install could not be saved just now. Please try again in a minute.",
    "org_wide": "ask-team installs into one workspace at a time; an organization-wide "
    "install is not supported. Install it into each workspace where leaders will use it.",
}


class OrgWideInstallRefusedError(BoltError):
    """An Enterprise Grid org-wide install, which ask-team does not take."""


class WorkspaceOnlyOAuthFlow(OAuthFlow):
    """Bolt's flow, refusing an org-wide install before anything is stored, taking `?team=`
    only when it is a workspace id, and never logging the authorization code."""

    def build_authorize_url(self, state: str, request: BoltRequest) -> str:
        """Slack's authorize URL; `?team=` (preselecting a workspace) only if it is a team id.

        Bolt pastes the value into the URL as it is, so `?team=T1%26redirect_uri%3D…` would
        add parameters of the visitor's choosing."""
        teams = request.query.get("team") or []
        team = teams[0] if len(teams) == 1 and TEAM_ID.fullmatch(teams[0]) else None
        return self.settings.authorize_url_generator.generate(state=state, team=team)

    def build_install_page_html(self, url: str, request: BoltRequest) -> str:
        """Our own page: Bolt's loads Slack's button image from the internet."""
        return _html(
            "Install ask-team",
            "ask-team gives a leader one good open-ended question to ask their team each day, "
            "and keeps what the team said so they can follow it over time. Each leader's log "
            f'is theirs alone.</p><p><a class="add" href="{html.escape(url)}">Add to Slack</a>',
        )

    def store_installation(self, request: BoltRequest, installation: Installation) -> None:
        if installation.is_enterprise_install:
            raise OrgWideInstallRefusedError("org-wide install")
        try:
            super().store_installation(request, installation)
        except BoltError:
            raise
        except Exception as error:
            # Bolt turns only its own errors into the failure page; ours would be a 500.
            logger.exception("could not keep the install of %s", installation.team_id)
            raise BoltError("storage error") from error


class InstalledAuthorize(Authorize):
    """Bolt's `authorize` in OAuth mode: the workspace's bot, from our installs."""

    def __init__(self, workspaces: InstalledWorkspaces) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.workspaces = workspaces

    def __call__(
        self,
        *,
        context: BoltContext,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        **_: Any,
    ) -> AuthorizeResult | None:
        found = context.get(INSTALLED_BOT)
        bot = found if isinstance(found, Bot) else self.workspaces.bot_for(team_id)
        if bot is None:
            return None
        return AuthorizeResult(
            enterprise_id=enterprise_id,
            team_id=team_id,
            bot_id=bot.bot_id,
            bot_user_id=bot.bot_user_id,
            bot_token=bot.bot_token,
            bot_scopes=bot.bot_scopes,
            user_id=user_id,
        )


def not_installed_answer(
    workspaces: InstalledWorkspaces,
) -> Callable[[BoltRequest, BoltResponse, Callable[[], BoltResponse]], BoltResponse]:
    """Before authorizing: a workspace without an install is told how to install, at once.

    Bolt's own answer posts to the response_url before acknowledging, and logs an error for
    what is only someone trying the command in a workspace that removed the app.
    """

    def middleware(
        req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        team_id = req.context.team_id
        if team_id is None:
            return next()
        bot = workspaces.bot_for(team_id)
        if bot is not None:
            # Authorizing next reads it from here: one look-up (and refresh) per request.
            req.context[INSTALLED_BOT] = bot
            return next()
        logger.info("request from workspace %s, which has no install", team_id)
        if req.body.get("command"):
            host = _first_header(req, "x-forwarded-host") or _first_header(req, "host")
            link = f"https://{host}{INSTALL_PATH}" if host else INSTALL_PATH
            text = (
                "ask-team is not installed in this workspace (any more). Someone who may add "
                f"apps here can install it: {link}"
            )
            return BoltResponse(
                status=200,
                body={"response_type": "ephemeral", "text": text},
                headers={"content-type": "application/json;charset=utf-8"},
            )
        return BoltResponse(status=200, body="")

    return middleware


def _first_header(req: BoltRequest, name: str) -> str | None:
    values = req.headers.get(name)
    return values[0] if values else None


def oauth_flow(
    settings: Settings,
    deps: Deps,
    installs: WorkspaceInstalls,
    client: WebClient,
    clock: Callable[[], datetime],
) -> OAuthFlow:
    """The install and redirect endpoints, over our stores; the installer becomes a leader."""

    def installed(args: SuccessArgs) -> BoltResponse:
        installation = args.installation
        logger.info("installed in workspace %s", installation.team_id)
        return _page(
            200,
            "ask-team is installed",
            f"ask-team is now in {html.escape(installation.team_name or 'your workspace')}. "
            "Type <code>/ask-team</code> in any channel or DM for a question to ask your team, "
            "and <code>/ask-team help</code> for everything it does.",
        )

    def failed(args: FailureArgs) -> BoltResponse:
        reason = "org_wide" if isinstance(args.error, OrgWideInstallRefusedError) else args.reason
        # `reason` can be the visitor's own `?error=`: quoted and cut short, never a new line.
        logger.info("install failed: %.80r", reason)
        message = FAILURES.get(reason, "The install did not complete. Please start again.")
        status = 400 if reason == "org_wide" else args.suggested_status_code
        return _page(
            status,
            "ask-team was not installed",
            f'{html.escape(message)} <a href="{INSTALL_PATH}">Install ask-team</a>',
        )

    oauth_settings = OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=list(BOT_SCOPES),
        installation_store=installs,
        installation_store_bot_only=True,
        state_store=OAuthStates(
            deps.database, state_key(settings.slack_client_secret or ""), clock
        ),
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        callback_options=CallbackOptions(success=installed, failure=failed),
        authorization_url="https://slack.com/oauth/v2/authorize",
    )
    # Bolt logs a refused code with the code in it, and the request's query (code and state) at
    # DEBUG; `failed` above says what went wrong instead, with neither.
    silent = logging.getLogger(f"{__name__}.bolt_flow")
    silent.disabled = True
    return WorkspaceOnlyOAuthFlow(client=client, settings=oauth_settings, logger=silent)


def _page(status: int, title: str, body_html: str) -> BoltResponse:
    return BoltResponse(
        status=status,
        body=_html(title, body_html),
        headers={"content-type": "text/html; charset=utf-8"},
    )


def _html(title: str, body_html: str) -> str:
    """A small self-contained page (no external assets); `body_html` is already escaped."""
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width'>"
        f"<title>{html.escape(title)}</title>"
        "<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36em;margin:4em auto;"
        "padding:0 1em;color:#1d1c1d}code{background:#f4f4f4;padding:0 .2em}"
        "a.add{display:inline-block;background:#4a154b;color:#fff;padding:.6em 1.2em;"
        "border-radius:6px;text-decoration:none;font-weight:bold}</style></head>"
        f"<body><h1>{html.escape(title)}</h1><p>{body_html}</p></body></html>"
    )
