"""Slack's side of OAuth for the fake Slack: workspaces that install, tokens that rotate.

`oauth.v2.access` answers like Slack: for a one-time code from an "Add to Slack" click, and
for a refresh token when the app rotates tokens. `auth.test` knows each token's workspace,
and refuses one that was revoked or has expired.
"""

from __future__ import annotations

import base64
import itertools
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from bot.playground.fake_slack import Call, FakeSlack

Answer = tuple[int, dict[str, Any], dict[str, str]]
# How long Slack's rotating bot tokens last.
TOKEN_LIFETIME = 12 * 60 * 60


@dataclass
class FakeWorkspace:
    """A workspace that can install the app, as Slack knows it."""

    team_id: str
    name: str
    installer: str = "U0INSTALLER"
    enterprise_id: str | None = None
    # An Enterprise Grid org-wide install: no team, the enterprise instead.
    org_wide: bool = False
    # Token rotation on: the install's token lasts `expires_in` seconds and comes with a
    # refresh token; refreshed tokens last Slack's 12 hours.
    expires_in: int | None = None
    bot_user_id: str = "U0BOT"
    bot_id: str = "B0BOT"
    tokens: list[str] = field(default_factory=list)


class FakeOAuth:
    """Answers `oauth.v2.access` and `auth.test` for the workspaces it knows."""

    def __init__(self, fake: FakeSlack, client_id: str, client_secret: str) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self._codes: dict[str, FakeWorkspace] = {}
        self._tokens: dict[str, tuple[FakeWorkspace, float | None]] = {}
        self._refresh: dict[str, FakeWorkspace] = {}
        self._numbers = itertools.count(1)
        self._lock = threading.RLock()
        # Slack's faults on refreshes, set by tests: a reason to refuse with, a hold.
        self.refresh_refusal: str | None = None
        self._held: tuple[threading.Event, threading.Event] | None = None
        fake.respond_with("oauth.v2.access", self._access)
        fake.respond_with("auth.test", self._auth_test)
        fake.token_check = self.refusal

    def code_for(self, workspace: FakeWorkspace) -> str:
        """The one-time code Slack hands the browser once `workspace` approves the install."""
        code = f"code-{secrets.token_hex(8)}"
        with self._lock:
            self._codes[code] = workspace
        return code

    def revoke(self, workspace: FakeWorkspace) -> None:
        """The workspace removes the app: none of its tokens works any more."""
        with self._lock:
            for token in workspace.tokens:
                self._tokens.pop(token, None)

    def revoke_token(self, token: str) -> None:
        """One token stops working (replaced by a reinstall's, say)."""
        with self._lock:
            self._tokens.pop(token, None)

    def hold_refreshes(self, released: threading.Event) -> threading.Event:
        """Slack stalls on refreshes until `released` (20 s at most); the event returned is
        set once a refresh is waiting."""
        waiting = threading.Event()
        self._held = (released, waiting)
        return waiting

    def refusal(self, token: str) -> str | None:
        """Slack's error for a call made with `token`, or None if the token works."""
        with self._lock:
            known = self._tokens.get(token)
        if known is None:
            return "invalid_auth"
        expires_at = known[1]
        return "token_expired" if expires_at is not None and expires_at < time.time() else None

    # -- the Web API -----------------------------------------------------------------------

    def _access(self, call: Call) -> Answer:
        params = call.params
        if not self._client_ok(call):
            return 200, {"ok": False, "error": "invalid_client_id"}, {}
        if params.get("grant_type") == "refresh_token":
            if self._held is not None:
                released, waiting = self._held
                waiting.set()
                released.wait(20)
            if self.refresh_refusal is not None:
                return 200, {"ok": False, "error": self.refresh_refusal}, {}
        with self._lock:
            if params.get("grant_type") == "refresh_token":
                workspace = self._refresh.pop(str(params.get("refresh_token")), None)
                if workspace is None:
                    return 200, {"ok": False, "error": "invalid_refresh_token"}, {}
                return 200, self._grant(workspace, lifetime=TOKEN_LIFETIME), {}
            workspace = self._codes.pop(str(params.get("code")), None)
            if workspace is None:
                return 200, {"ok": False, "error": "invalid_code"}, {}
        return 200, self._grant(workspace, lifetime=workspace.expires_in), {}

    def _grant(self, workspace: FakeWorkspace, lifetime: int | None) -> dict[str, Any]:
        number = next(self._numbers)
        rotating = workspace.expires_in is not None
        prefix = "xoxe.xoxb" if rotating else "xoxb"
        token = f"{prefix}-{workspace.team_id}-{number}-{secrets.token_hex(6)}"
        expires_at = time.time() + lifetime if rotating and lifetime else None
        with self._lock:
            workspace.tokens.append(token)
            self._tokens[token] = (workspace, expires_at)
        answer: dict[str, Any] = {
            "ok": True,
            "app_id": "A0APP",
            "authed_user": {"id": workspace.installer},
            "scope": "commands,chat:write,users:read,im:write,files:write",
            "token_type": "bot",
            "access_token": token,
            "bot_user_id": workspace.bot_user_id,
            "team": None
            if workspace.org_wide
            else {"id": workspace.team_id, "name": workspace.name},
            "enterprise": {"id": workspace.enterprise_id, "name": "Grid"}
            if workspace.enterprise_id
            else None,
            "is_enterprise_install": workspace.org_wide,
        }
        if rotating:
            refresh = f"xoxe-1-{secrets.token_hex(8)}"
            with self._lock:
                self._refresh[refresh] = workspace
            answer.update(refresh_token=refresh, expires_in=lifetime)
        return answer

    def _auth_test(self, call: Call) -> Answer:
        token = call.headers.get("Authorization", "").removeprefix("Bearer ")
        refused = self.refusal(token)
        if refused is not None:
            return 200, {"ok": False, "error": refused}, {}
        with self._lock:
            workspace = self._tokens[token][0]
        return (
            200,
            {
                "ok": True,
                "url": f"https://{workspace.name.lower()}.slack.com/",
                "team": workspace.name,
                "user": "ask-team",
                "team_id": workspace.team_id,
                "user_id": workspace.bot_user_id,
                "bot_id": workspace.bot_id,
                "is_enterprise_install": workspace.org_wide,
            },
            {},
        )

    def _client_ok(self, call: Call) -> bool:
        basic = call.headers.get("Authorization", "")
        if basic.startswith("Basic "):
            given = base64.b64decode(basic.removeprefix("Basic ")).decode()
            return given == f"{self.client_id}:{self.client_secret}"
        return (call.params.get("client_id"), call.params.get("client_secret")) == (
            self.client_id,
            self.client_secret,
        )
