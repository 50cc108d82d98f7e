"""The Web API client: Slack's (or a stand-in's) base URL, timeouts and retries."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator

from bot.config import Settings
from bot.nudge_rules import known_zone

WEB_API_TIMEOUT_SECONDS = 10
logger = logging.getLogger(__name__)


def web_client(settings: Settings, backoff_seconds: float = 0.5) -> WebClient:
    """A client that honours 429 Retry-After and retries 5xx and dropped connections."""
    client = WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=WEB_API_TIMEOUT_SECONDS,
    )
    # WebClient already retries a dropped connection once; add 429s and 5xx, with backoff.
    backoff = BackoffRetryIntervalCalculator(backoff_factor=backoff_seconds)
    client.retry_handlers.extend(
        [
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=2, interval_calculator=backoff),
        ]
    )
    return client


def fetch_zone(client: WebClient, user_id: str) -> str | None:
    """The user's IANA zone from `users.info`, or None if Slack cannot say right now."""
    try:
        user = client.users_info(user=user_id).get("user")
    except SlackApiError as error:
        reason = error.response.get("error") if error.response is not None else None
        logger.warning("users.info refused: %s", reason)
        return None
    except OSError as error:
        logger.warning("users.info unreachable: %s", type(error).__name__)
        return None
    return known_zone(user.get("tz")) if isinstance(user, dict) else None
