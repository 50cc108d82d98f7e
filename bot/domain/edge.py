"""The edge of `POST /slack/events`: did Slack send this, and is it a shape Slack sends?

One policy for every request, before Bolt sees it. Bolt trusts the shapes it is given: an
`actions` list that is empty, a `view` that is a string or a `user` that is a number raise
inside Bolt or inside our listeners, which answers 500 and logs a traceback. Here such a
request is refused with a 400 and one line naming the kind of problem, never a value (a
value can be what a team said). So is a response_url that points anywhere but Slack: the
bot would POST there after the ack. Pure: bytes, headers, the time and the origins a
response_url may have in; a verdict out.

The shapes themselves are bot/domain/slack_shapes.py; here, the request as a whole: its
signature, its encoding, its depth and where its response_urls point.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl

from bot.domain.shape_fields import MalformedError, UnknownCommandError
from bot.domain.slack_shapes import (
    Accepted,
    Kind,
    check_command,
    check_events_body,
    check_interaction,
)
from bot.vocabulary.response_urls import SLACK_HOOKS, Origin, is_allowed

# Slack refuses requests older than this itself; so do we (replays of a captured request).
MAX_CLOCK_SKEW_SECONDS = 5 * 60
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")
# Modal state is the deepest thing Slack sends, about ten levels with rich text.
MAX_DEPTH = 64
# Half a surrogate pair is not text: no encoder takes it, so no database can store it. (NUL
# can be typed; bot/vocabulary/text.py drops it before anything is stored.)
_HALF_SURROGATE = re.compile("[\ud800-\udfff]")
MAX_FORM_FIELDS = 100
# Socket Mode envelope types that carry a request (`hello`, `disconnect` never reach us).
SOCKET_ENVELOPES = frozenset({"slash_commands", "interactive", "events_api"})


@dataclass(frozen=True)
class Rejected:
    """Not answered by the app: `status` 401, 400 or 404, and `reason`, which is safe to log."""

    status: int
    reason: str


def check_request(
    *,
    secret: str,
    body: bytes,
    timestamp: str | None,
    signature: str | None,
    content_type: str | None,
    now: float,
    commands: Collection[str],
    response_origins: Collection[Origin] = (SLACK_HOOKS,),
) -> Accepted | Rejected:
    """The verdict on one `POST /slack/events`: signed by Slack first, then well formed.

    A response_url must point at one of `response_origins` (bot/vocabulary/response_urls.py).
    """
    unsigned = verify_signature(secret, body, timestamp, signature, now)
    if unsigned is not None:
        return Rejected(401, unsigned)
    try:
        accepted = read_body(body, content_type, commands)
        check_response_urls(accepted.body, _WHERE[accepted.kind], response_origins)
        return accepted
    except UnknownCommandError as problem:
        return Rejected(404, str(problem))
    except MalformedError as problem:
        return Rejected(400, str(problem))


def verify_signature(
    secret: str, body: bytes, timestamp: str | None, signature: str | None, now: float
) -> str | None:
    """Why the request is not Slack's (v0 signing), or None if it is.

    https://api.slack.com/authentication/verifying-requests-from-slack
    """
    if not timestamp or not signature:
        return "no signature"
    if not _TIMESTAMP.fullmatch(timestamp):
        return "a timestamp that is not a number"
    if abs(now - int(timestamp)) > MAX_CLOCK_SKEW_SECONDS:
        return "a stale timestamp"
    if not _SIGNATURE.fullmatch(signature):
        return "a signature that is not v0 hex"
    base = b"v0:" + timestamp.encode() + b":" + body
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        return "a wrong signature"
    return None


def read_body(body: bytes, content_type: str | None, commands: Collection[str]) -> Accepted:
    """Decode a signed body the way Slack encodes it, and check its shape."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedError("the body is not UTF-8") from None
    if not text:
        raise MalformedError("the body is empty")
    media = (content_type or "").split(";")[0].strip().lower()
    # Slack sends events as JSON and everything else form-encoded; like Bolt, a body that
    # starts with "{" is read as JSON whatever its label.
    if media == "application/json" or text.startswith("{"):
        return check_events_body(_json(text, "the body"))
    fields = _form(text)
    if "payload" in fields:
        return Accepted("interaction", check_interaction(_json(fields["payload"], "payload")))
    if fields.get("ssl_check") == "1":
        return Accepted("ssl_check", dict(fields))
    check_command(fields, commands)
    return Accepted("command", dict(fields))


def check_socket_payload(
    envelope_type: str,
    payload: object,
    commands: Collection[str],
    response_origins: Collection[Origin] = (SLACK_HOOKS,),
) -> None:
    """The same policy for a Socket Mode envelope, which arrives decoded and unsigned.

    Raises MalformedError."""
    if envelope_type not in SOCKET_ENVELOPES:
        raise MalformedError("an envelope type this app does not receive")
    _check_tree(payload)
    if envelope_type == "slash_commands":
        if not isinstance(payload, dict):
            raise MalformedError("the command is not an object")
        check_command(payload, commands)
        check_response_urls(payload, "command", response_origins)
    elif envelope_type == "interactive":
        check_response_urls(check_interaction(payload), "payload", response_origins)
    else:
        check_response_urls(check_events_body(payload).body, "the body", response_origins)


# How a refusal names the request's top level, by its kind.
_WHERE: dict[Kind, str] = {
    "command": "command",
    "ssl_check": "the body",
    "interaction": "payload",
    "event": "the body",
    "url_verification": "the body",
    "rate_limited": "the body",
}


def check_response_urls(
    body: Mapping[str, object], where: str, origins: Collection[Origin]
) -> None:
    """Every response_url of a well-formed body points at Slack (or its configured stand-in).

    The bot POSTs to these after the ack; anywhere else would let a signed payload aim it
    at any host it can reach. Raises MalformedError naming the field, never the URL."""
    urls = [("response_url", body.get("response_url"))]
    listed = body.get("response_urls")
    for index, item in enumerate(listed if isinstance(listed, list) else []):
        url = item.get("response_url") if isinstance(item, dict) else None
        urls.append((f"response_urls[{index}].response_url", url))
    for field, url in urls:
        if isinstance(url, str) and url and not is_allowed(url, origins):
            raise MalformedError(f"{where}.{field} does not point at Slack")


# -- decoding ------------------------------------------------------------------------------


def _json(text: str, where: str) -> object:
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        raise MalformedError(f"{where} is not JSON") from None
    _check_tree(value)
    return value


def _no_constant(name: str) -> object:
    # NaN and Infinity are not JSON, and nothing Slack sends holds them.
    raise ValueError(name)


def _form(text: str) -> dict[str, str]:
    try:
        # Lenient about stray "&"s, as Bolt is; what is missing is found missing below.
        pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS)
    except ValueError:
        raise MalformedError("the body is not form-encoded") from None
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise MalformedError("the body repeats a form field")
    _check_tree(fields)
    return fields


def _check_tree(root: object) -> None:
    """Every string is text a database can store, and nothing nests deeper than Slack does."""
    stack: list[tuple[object, int]] = [(root, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if _HALF_SURROGATE.search(value):
                raise MalformedError("a string holds half a surrogate pair")
        elif isinstance(value, dict | list):
            if depth >= MAX_DEPTH:
                raise MalformedError("the body nests too deeply")
            if isinstance(value, dict):
                stack.extend((key, depth) for key in value)
                stack.extend((item, depth + 1) for item in value.values())
            else:
                stack.extend((item, depth + 1) for item in value)
