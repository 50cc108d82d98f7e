"""Which response_urls the bot posts to: Slack's hooks host, and the stand-in SLACK_API_URL names
(tests/e2e/test_response_urls.py checks the edge and the sender keep to it)."""

from __future__ import annotations

import pytest

from bot.vocabulary.response_urls import SLACK_HOOKS, is_allowed, origin_of, response_url_origins


def test_slack_itself_allows_only_its_hooks_host() -> None:
    origins = response_url_origins("https://slack.com/api/")

    assert origins == {SLACK_HOOKS}
    assert is_allowed("https://hooks.slack.com/commands/T0/1/x", origins)
    assert is_allowed("https://HOOKS.slack.com:443/actions/T0/1/x", origins)
    assert not is_allowed("https://slack.com/api/chat.postMessage", origins)


def test_a_stand_in_adds_its_own_origin_only() -> None:
    origins = response_url_origins("http://127.0.0.1:5555/api/")

    assert is_allowed("http://127.0.0.1:5555/response/r", origins)
    assert is_allowed("https://hooks.slack.com/actions/T0/1/x", origins)
    for refused in (
        "http://127.0.0.1:5556/response/r",
        "https://127.0.0.1:5555/response/r",
        "http://localhost:5555/response/r",
        "http://127.0.0.1:5555\n.evil/response",
        "http://user@127.0.0.1:5555/response/r",
    ):
        assert not is_allowed(refused, origins), refused


@pytest.mark.parametrize(
    "url", ["", "hooks.slack.com/x", "ftp://hooks.slack.com/x", "https://", "https://h:99999/"]
)
def test_what_is_not_an_http_url_has_no_origin(url: str) -> None:
    assert origin_of(url) is None
