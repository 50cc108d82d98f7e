"""Where a `response_url` may point: Slack's hooks host, or the configured stand-in for Slack.

A response_url arrives in the request, so without this a signed payload could make the bot
POST to any host it can reach (an internal service, a cloud metadata address). Slack hands
out response_urls on https://hooks.slack.com only; the tests and the playground point
SLACK_API_URL at a loopback stand-in and hand out response_urls on that same origin.
"""

from __future__ import annotations

import re
from collections.abc import Collection

# (scheme, host, port): what a URL must share with an allowed one.
Origin = tuple[str, str, int]

SLACK_HOOKS: Origin = ("https", "hooks.slack.com", 443)
# SLACK_API_URL on these hosts is Slack's own: nothing but Slack's hooks host is allowed then.
_SLACK_HOST = re.compile(r"(?:.+\.)?slack\.com")
_DEFAULT_PORTS = {"https": 443, "http": 80}
# Strict on purpose, so this reads the host the HTTP client will connect to: no user info (a
# "hooks.slack.com@elsewhere" trick), no whitespace or controls (which URL parsers drop or
# split on), no backslashes; a name, an IPv4 address or a bracketed IPv6 one, and a port.
_URL = re.compile(
    r"(?P<scheme>https?)://(?P<host>[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])"
    r"(?::(?P<port>[0-9]{1,5}))?(?:[/?#][\x21-\x5b\x5d-\x7e]*)?",
    re.IGNORECASE,
)


def origin_of(url: str) -> Origin | None:
    """The (scheme, host, port) of an http(s) URL, or None for anything else."""
    match = _URL.fullmatch(url)
    if match is None:
        return None
    scheme = match["scheme"].lower()
    port = int(match["port"]) if match["port"] else _DEFAULT_PORTS[scheme]
    if not 0 < port < 65536:
        return None
    return scheme, match["host"].lower(), port


def response_url_origins(slack_api_url: str) -> frozenset[Origin]:
    """Slack's hooks host, and SLACK_API_URL's origin when that is a stand-in for Slack."""
    api = origin_of(slack_api_url)
    if api is None or _SLACK_HOST.fullmatch(api[1]):
        return frozenset({SLACK_HOOKS})
    return frozenset({SLACK_HOOKS, api})


def is_allowed(url: str, origins: Collection[Origin]) -> bool:
    """Whether the bot may POST to `url`: its origin is one of `origins`."""
    return origin_of(url) in origins
