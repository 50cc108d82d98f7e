"""The Web API client: Slack's (or a stand-in's) base URL, timeouts and retries."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator

from bot.config import Settings

WEB_API_TIMEOUT_SECONDS = 10


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
