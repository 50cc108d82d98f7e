"""The edge of `POST /slack/events`: did Slack send this, and is it a shape Slack sends?

One policy for every request, before Bolt sees it. Bolt trusts the shapes it is given: an
`actions` list that is empty, a `view` that is a string or a `user` that is a number raise
inside Bolt or inside our listeners, which answers 500 and logs a traceback. Here such a
request is refused with a 400 and one line naming the kind of problem, never a value (a
value can be what a team said). So is a response_url that points anywhere but Slack: the
bot would POST there after the ack. Pure: bytes, headers, the time and the origins a
response_url may have in; a verdict out.

What is checked is what Bolt and our listeners read, in the shapes Slack documents and our
tests send (bot/playground/slack_driver.py). Fields nobody reads are left alone, so a field
Slack adds tomorrow is not refused.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit

from bot.vocabulary.response_urls import SLACK_HOOKS, Origin, is_allowed
from bot.vocabulary.slack_ids import MAX_LENGTH as MAX_SLACK_ID_LENGTH

# Slack refuses requests older than this itself; so do we (replays of a captured request).
MAX_CLOCK_SKEW_SECONDS = 5 * 60
# Slack's ids: uppercase letters and digits (U…, W…, T…, E…), as long as the database keeps.
_SLACK_ID = re.compile(rf"[A-Z0-9]{{1,{MAX_SLACK_ID_LENGTH}}}")
# Slack caps action_id, block_id and callback_id at 255 characters; event types are short.
MAX_NAME_LENGTH = 255
# Event ids are short (`Ev0123ABCD`); processed_events keeps 64.
_EVENT_ID = re.compile(r"[A-Za-z0-9]{1,64}")
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")
# Modal state is the deepest thing Slack sends, about ten levels with rich text.
MAX_DEPTH = 64
# Half a surrogate pair is not text: no encoder takes it, so no database can store it. (NUL
# can be typed; bot/vocabulary/text.py drops it before anything is stored.)
_HALF_SURROGATE = re.compile("[\ud800-\udfff]")
MAX_FORM_FIELDS = 100

# The interactions this app receives: it declares no shortcuts, dialogs, legacy attachments
# or external selects, so Slack sends it nothing else.
INTERACTION_TYPES = frozenset({"block_actions", "view_submission", "view_closed"})
# Socket Mode envelope types that carry a request (`hello`, `disconnect` never reach us).
SOCKET_ENVELOPES = frozenset({"slash_commands", "interactive", "events_api"})

Kind = Literal["command", "ssl_check", "interaction", "event", "url_verification", "rate_limited"]


@dataclass(frozen=True)
class Refused:
    """Not answered by the app: `status` 401, 400 or 404, and `reason`, which is safe to log."""

    status: int
    reason: str


@dataclass(frozen=True)
class Accepted:
    """A request from Slack in a shape it sends; `body` is what Bolt should see."""

    kind: Kind
    body: dict[str, Any]


class MalformedError(ValueError):
    """A shape Slack does not send. The message names a field and a problem, never a value."""


class UnknownCommandError(MalformedError):
    """A slash command this app does not declare: not malformed, just not here (404)."""


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
) -> Accepted | Refused:
    """The verdict on one `POST /slack/events`: signed by Slack first, then well formed.

    A response_url must point at one of `response_origins` (bot/vocabulary/response_urls.py).
    """
    unsigned = verify_signature(secret, body, timestamp, signature, now)
    if unsigned is not None:
        return Refused(401, unsigned)
    try:
        accepted = read_body(body, content_type, commands)
        check_response_urls(accepted.body, _WHERE[accepted.kind], response_origins)
        return accepted
    except UnknownCommandError as problem:
        return Refused(404, str(problem))
    except MalformedError as problem:
        return Refused(400, str(problem))


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


# -- commands ------------------------------------------------------------------------------


def check_command(fields: Mapping[str, object], commands: Collection[str]) -> None:
    """A slash command's fields. Raises MalformedError."""
    command = _string(fields, "command", "command")
    if command not in commands:
        raise UnknownCommandError("a command this app does not declare")
    _check_bolt_context(fields, "command")
    _string(fields, "text", "command", optional=True)
    _slack_id(fields, "user_id", "command")
    _slack_id(fields, "team_id", "command")
    if fields.get("enterprise_id") != "":  # Slack sends it empty outside Enterprise Grid
        _slack_id(fields, "enterprise_id", "command", optional=True)
    # Every command can open a modal or be answered later; Slack always sends both.
    _string(fields, "trigger_id", "command")
    _url(fields, "response_url", "command")
    for key in ("channel_id", "api_app_id", "token", "user_name", "team_domain"):
        _string(fields, key, "command", optional=True)


# -- interactions --------------------------------------------------------------------------


def check_interaction(payload: object) -> dict[str, Any]:
    """A `payload=` interaction: a button pressed, a modal submitted or closed; its body.

    Raises MalformedError."""
    body = _object(payload, "payload")
    kind = _string(body, "type", "payload")
    if kind not in INTERACTION_TYPES:
        raise MalformedError("payload.type is not an interaction this app receives")
    _check_bolt_context(body, "payload")
    _member_object(body, "user", "payload")  # an object with an id, checked just above
    for key in ("api_app_id", "token", "trigger_id"):
        _string(body, key, "payload", optional=True)
    _bool(body, "is_enterprise_install", "payload")
    _url(body, "response_url", "payload", optional=True)
    for key in ("container", "message", "state"):
        _member_object(body, key, "payload", optional=True)
    if kind == "block_actions":
        _check_actions(body)
    else:
        _check_view(body, submitted=kind == "view_submission")
    return body


def _check_actions(body: dict[str, Any]) -> None:
    actions = _list(body, "actions", "payload")
    if not actions:
        raise MalformedError("payload.actions is empty")
    for index, item in enumerate(actions):
        where = f"payload.actions[{index}]"
        action = _object(item, where)
        _string(action, "action_id", where, limit=MAX_NAME_LENGTH)
        _string(action, "block_id", where, optional=True, limit=MAX_NAME_LENGTH)
        _string(action, "value", where, optional=True)
        _string(action, "type", where, optional=True)


def _check_view(body: dict[str, Any], *, submitted: bool) -> None:
    view = _member_object(body, "view", "payload")
    assert view is not None
    _string(view, "callback_id", "payload.view", limit=MAX_NAME_LENGTH)
    _string(view, "private_metadata", "payload.view")
    # Bolt reads it on every submission ("workflow_step" views need more); ours are modals.
    if view.get("type") != "modal":
        raise MalformedError("payload.view.type is not modal")
    for key in ("id", "hash"):
        _string(view, key, "payload.view", optional=True)
    blocks = _list(view, "blocks", "payload.view", optional=True)
    for index, block in enumerate(blocks):
        _object(block, f"payload.view.blocks[{index}]")
    state = _member_object(view, "state", "payload.view", optional=not submitted)
    if state is None:
        return
    values = _member_object(state, "values", "payload.view.state")
    assert values is not None
    # block id -> action id -> the element's state; what is inside is the forms' to judge.
    for block in values.values():
        if not isinstance(block, dict):
            raise MalformedError("payload.view.state.values has a block that is not an object")
        for element in block.values():
            if not isinstance(element, dict):
                raise MalformedError(
                    "payload.view.state.values has an element that is not an object"
                )


# -- events --------------------------------------------------------------------------------


def check_events_body(payload: object) -> Accepted:
    """An Events API delivery (or its URL check). Raises MalformedError."""
    body = _object(payload, "the body")
    kind = _string(body, "type", "the body")
    if kind == "url_verification":
        _string(body, "challenge", "the body", limit=MAX_NAME_LENGTH)
        return Accepted("url_verification", body)
    if kind == "app_rate_limited":
        return Accepted("rate_limited", body)
    if kind != "event_callback":
        raise MalformedError("the body's type is not one the Events API sends")
    _slack_id(body, "team_id", "the body")
    _slack_id(body, "enterprise_id", "the body", optional=True, nullable=True)
    event_id = _string(body, "event_id", "the body")
    if not _EVENT_ID.fullmatch(event_id):
        raise MalformedError("the body's event_id is not an event id")
    for key in ("api_app_id", "token"):
        _string(body, key, "the body", optional=True)
    _bool(body, "is_ext_shared_channel", "the body")
    _bool(body, "is_enterprise_install", "the body")
    _check_bolt_context(body, "the body")
    event = _member_object(body, "event", "the body")
    assert event is not None
    event_type = _string(event, "type", "event", limit=MAX_NAME_LENGTH)
    _check_actors(event, "event")
    _slack_id(event, "user_team", "event", optional=True, nullable=True)
    for key in ("message", "previous_message"):
        nested = _member_object(event, key, "event", optional=True, nullable=True)
        if nested is not None:
            _check_actors(nested, f"event.{key}")
    for key in ("item", "assistant_thread"):
        # Bolt looks inside these only when they are objects.
        nested = event.get(key)
        if isinstance(nested, dict):
            _check_actors(nested, f"event.{key}")
    specific = _EVENT_SHAPES.get(event_type)
    if specific is not None:
        specific(event)
    return Accepted("event", body)


def _user_change(event: dict[str, Any]) -> None:
    user = _member_object(event, "user", "event")
    assert user is not None
    _slack_id(user, "id", "event.user")
    _slack_id(user, "team_id", "event.user", optional=True)
    _string(user, "tz", "event.user", optional=True, nullable=True)


def _app_home_opened(event: dict[str, Any]) -> None:
    _slack_id(event, "user", "event")
    _string(event, "tab", "event", optional=True)


def _tokens_revoked(event: dict[str, Any]) -> None:
    tokens = _member_object(event, "tokens", "event", optional=True, nullable=True)
    for key in ("oauth", "bot"):
        for index, user in enumerate(_list(tokens or {}, key, "event.tokens", optional=True)):
            if not isinstance(user, str):
                raise MalformedError(f"event.tokens.{key}[{index}] is not a string")


# The events this app acts on, in the shapes its listeners read (bot/listeners/*.py).
_EVENT_SHAPES: dict[str, Callable[[dict[str, Any]], None]] = {
    "user_change": _user_change,
    "app_home_opened": _app_home_opened,
    "tokens_revoked": _tokens_revoked,
}


# -- what Bolt reads to build its context --------------------------------------------------


def _check_bolt_context(body: Mapping[str, object], where: str) -> None:
    """What Bolt reads from any request to build its context, in types it can read."""
    _check_actors(body, where)
    # Bolt's middleware reads `body.get("event", {}).get(...)` whatever the request.
    _member_object(body, "event", where, optional=True)
    # A view's team is the request's team for Bolt, a button on the Home tab's included.
    view = body.get("view")
    if isinstance(view, dict):
        for key in ("team_id", "app_installed_team_id"):
            _slack_id(view, key, f"{where}.view", optional=True, nullable=True)
    for index, item in enumerate(_list(body, "authorizations", where, optional=True)):
        place = f"{where}.authorizations[{index}]"
        authorization = _object(item, place)
        _check_actors(authorization, place)
        _bool(authorization, "is_enterprise_install", place)
    # Bolt takes the first of these when there is no response_url (a modal's, for instance).
    for index, item in enumerate(_list(body, "response_urls", where, optional=True)):
        _url(_object(item, f"{where}.response_urls[{index}]"), "response_url", where)


def _check_actors(body: Mapping[str, object], where: str) -> None:
    """`user`, `team`, `enterprise` and `channel` as Bolt reads them: absent, null, an id, or
    an object with a string `id` (slack_bolt/request/internals.py)."""
    for key, is_id in (("user", True), ("team", True), ("enterprise", True), ("channel", False)):
        value = body.get(key)
        if value is None:
            continue
        if isinstance(value, dict):
            if "id" in value or is_id:
                check = _slack_id if is_id else _string
                check(value, "id", f"{where}.{key}")
            if is_id:
                _slack_id(value, "team_id", f"{where}.{key}", optional=True, nullable=True)
        elif isinstance(value, str):
            if is_id and not _SLACK_ID.fullmatch(value):
                raise MalformedError(f"{where}.{key} is not a Slack id")
        else:
            raise MalformedError(f"{where}.{key} is neither an id nor an object")
    for key in ("user_id", "team_id", "enterprise_id"):
        if body.get(key) not in (None, ""):
            _slack_id(body, key, where)
    _string(body, "channel_id", where, optional=True, nullable=True)


# -- primitives ----------------------------------------------------------------------------

_MISSING = object()


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


def _object(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise MalformedError(f"{where} is not an object")
    return value


def _member_object(
    parent: Mapping[str, object],
    key: str,
    where: str,
    *,
    optional: bool = False,
    nullable: bool = False,
) -> dict[str, Any] | None:
    value = parent.get(key, _MISSING)
    if value is _MISSING and optional:
        return None
    if value is None and nullable:
        return None
    return _object(value, f"{where}.{key}")


def _list(
    parent: Mapping[str, object], key: str, where: str, *, optional: bool = False
) -> list[Any]:
    value = parent.get(key, _MISSING)
    if value is _MISSING and optional:
        return []
    if not isinstance(value, list):
        raise MalformedError(f"{where}.{key} is not a list")
    return value


def _string(
    parent: Mapping[str, object],
    key: str,
    where: str,
    *,
    optional: bool = False,
    nullable: bool = False,
    limit: int | None = None,
) -> str:
    value = parent.get(key, _MISSING)
    if (value is _MISSING and optional) or (value is None and nullable):
        return ""
    if value is _MISSING:
        raise MalformedError(f"{where}.{key} is missing")
    if not isinstance(value, str):
        raise MalformedError(f"{where}.{key} is not a string")
    if limit is not None and len(value) > limit:
        raise MalformedError(f"{where}.{key} is longer than {limit} characters")
    return value


def _slack_id(
    parent: Mapping[str, object],
    key: str,
    where: str,
    *,
    optional: bool = False,
    nullable: bool = False,
) -> None:
    value = parent.get(key, _MISSING)
    if (value is _MISSING and optional) or (value is None and nullable):
        return
    if not isinstance(value, str) or not _SLACK_ID.fullmatch(value):
        raise MalformedError(f"{where}.{key} is not a Slack id")


def _bool(parent: Mapping[str, object], key: str, where: str) -> None:
    value = parent.get(key)
    if value is not None and not isinstance(value, bool):
        raise MalformedError(f"{where}.{key} is not true or false")


def _url(parent: Mapping[str, object], key: str, where: str, *, optional: bool = False) -> None:
    value = _string(parent, key, where, optional=optional)
    if not value and optional:
        return
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise MalformedError(f"{where}.{key} is not a URL")
