"""The clock's token pass: rotating bot tokens are refreshed ahead of expiry, off the request path.

Slack gives 3 s to acknowledge and `oauth.v2.access` can take longer, so no request ever
waits on a refresh: requests use the stored token, which this pass renews an hour before it
expires. Each token is claimed with a lease in one short write, Slack is asked with no lock
held, and the new token is kept in another short write, so two processes never spend one
refresh token and a slow Slack never holds up another workspace (or SQLite's writer lock).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import Bot

from bot.store.installations import RefreshClaim, WorkspaceInstalls
from bot.vocabulary.slack_call import Fault, SlackCallError, slack_call

logger = logging.getLogger(__name__)

# Refresh this long before expiry: a refused refresh has an hour of retries before it matters.
REFRESH_AHEAD = timedelta(hours=1)
# How long a claimed refresh is this process's: far longer than a call with its retries takes.
LEASE = timedelta(minutes=5)
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(minutes=30)


@dataclass(frozen=True)
class RefreshReport:
    """What one pass did: tokens refreshed, and refreshes Slack refused or could not answer."""

    refreshed: int = 0
    refused: int = 0


def retry_delay(failures: int) -> timedelta:
    """How long to leave a token alone after its `failures`-th refused refresh in a row."""
    return min(FIRST_RETRY * (1 << min(failures - 1, 16)), LONGEST_RETRY)


class TokenRefresher:
    """Refreshes the rotating tokens that expire within REFRESH_AHEAD, once per clock tick."""

    def __init__(
        self, installs: WorkspaceInstalls, client: WebClient, client_id: str, client_secret: str
    ) -> None:
        self.installs = installs
        self.client = client
        self._credentials = {"client_id": client_id, "client_secret": client_secret}

    def run_pass(self, now: datetime) -> RefreshReport:
        """Refresh every token due at `now` that no other process is refreshing."""
        claims = self.installs.claim_refreshes(
            now, expiring_before=now + REFRESH_AHEAD, lease=LEASE
        )
        refreshed = refused = 0
        for claim in claims:
            if self._refresh(claim, now):
                refreshed += 1
            else:
                refused += 1
        return RefreshReport(refreshed, refused)

    def _refresh(self, claim: RefreshClaim, now: datetime) -> bool:
        team_id = claim.bot.team_id
        try:
            answer = slack_call(
                self.client.oauth_v2_access,
                **self._credentials,
                grant_type="refresh_token",
                refresh_token=claim.bot.bot_refresh_token,
            )
            refreshed = _refreshed_bot(claim.bot, answer.data, now)
        except SlackCallError as failure:
            self._refused(claim, now, failure.reason)
            return False
        if not self.installs.keep_refreshed(claim, refreshed):
            # Reinstalled or removed meanwhile: that install's own token stands.
            logger.info("the install of %s changed during its token refresh", team_id)
            return True
        if claim.failures:
            logger.info("refreshed the bot token of %s after %d refusals", team_id, claim.failures)
        else:
            logger.info("refreshed the bot token of %s", team_id)
        return True

    def _refused(self, claim: RefreshClaim, now: datetime, reason: str) -> None:
        failures = claim.failures + 1
        retry_at = now + retry_delay(failures)
        self.installs.refresh_refused(claim, retry_at)
        # Said once per run of refusals: the retries that follow would only repeat it.
        log = logger.warning if failures == 1 else logger.debug
        log(
            "could not refresh the bot token of %s: %s; the stored token is used meanwhile, "
            "next try at %s",
            claim.bot.team_id,
            reason,
            f"{retry_at:%H:%M} UTC",
        )


def _refreshed_bot(bot: Bot, answer: object, now: datetime) -> Bot:
    """The bot with the tokens of Slack's `oauth.v2.access` answer; refused if it has none."""
    if not isinstance(answer, dict) or answer.get("token_type") != "bot":
        raise SlackCallError(Fault.REFUSED, "an answer without a bot token")
    token, refresh, lifetime = (
        answer.get("access_token"),
        answer.get("refresh_token"),
        answer.get("expires_in"),
    )
    if not isinstance(token, str) or not isinstance(refresh, str) or not isinstance(lifetime, int):
        raise SlackCallError(Fault.REFUSED, "an answer without a bot token")
    refreshed = Bot(**bot.to_dict_for_copying())
    refreshed.bot_token = token
    refreshed.bot_refresh_token = refresh
    refreshed.bot_token_expires_at = int(now.timestamp()) + lifetime
    return refreshed
