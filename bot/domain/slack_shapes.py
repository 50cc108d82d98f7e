"""The shapes Slack sends this app: slash commands, interactions and Events API deliveries,
as Bolt and our listeners read them (bot/domain/edge.py applies them to each request).

What is checked is what Bolt and our listeners read, in the shapes Slack documents and our
tests send (bot/playground/slack_driver.py). Fields nobody reads are left alone, so a field
Slack adds tomorrow is not refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from bot.domain.shape_fields import (
    MalformedError,
    UnknownCommandError,
    as_object,
    bool_field,
    is_slack_id,
    list_field,
    object_field,
    slack_id_field,
    string_field,
    url_field,
)

# Slack caps action_id, block_id and callback_id at 255 characters; event types are short.
MAX_NAME_LENGTH = 255
# Event ids are short (`Ev0123ABCD`); processed_events keeps 64.
_EVENT_ID = re.compile(r"[A-Za-z0-9]{1,64}")

# The interactions this app receives: it declares no shortcuts, dialogs, legacy attachments
# or external selects, so Slack sends it nothing else.
INTERACTION_TYPES = frozenset({"block_actions", "view_submission", "view_closed"})

Kind = Literal["command", "ssl_check", "interaction", "event", "url_verification", "rate_limited"]


@dataclass(frozen=True)
class Accepted:
    """A request from Slack in a shape it sends; `body` is what Bolt should see."""

    kind: Kind
    body: dict[str, Any]


# -- commands ------------------------------------------------------------------------------


def check_command(fields: Mapping[str, object], commands: Collection[str]) -> None:
    """A slash command's fields. Raises MalformedError."""
    command = string_field(fields, "command", "command")
    if command not in commands:
        raise UnknownCommandError("a command this app does not declare")
    _check_bolt_context(fields, "command")
    string_field(fields, "text", "command", optional=True)
    slack_id_field(fields, "user_id", "command")
    slack_id_field(fields, "team_id", "command")
    if fields.get("enterprise_id") != "":  # Slack sends it empty outside Enterprise Grid
        slack_id_field(fields, "enterprise_id", "command", optional=True)
    # Every command can open a modal or be answered later; Slack always sends both.
    string_field(fields, "trigger_id", "command")
    url_field(fields, "response_url", "command")
    for key in ("channel_id", "api_app_id", "token", "user_name", "team_domain"):
        string_field(fields, key, "command", optional=True)


# -- interactions --------------------------------------------------------------------------


def check_interaction(payload: object) -> dict[str, Any]:
    """A `payload=` interaction: a button pressed, a modal submitted or closed; its body.

    Raises MalformedError."""
    body = as_object(payload, "payload")
    kind = string_field(body, "type", "payload")
    if kind not in INTERACTION_TYPES:
        raise MalformedError("payload.type is not an interaction this app receives")
    _check_bolt_context(body, "payload")
    object_field(body, "user", "payload")  # an object with an id, checked just above
    for key in ("api_app_id", "token", "trigger_id"):
        string_field(body, key, "payload", optional=True)
    bool_field(body, "is_enterprise_install", "payload")
    url_field(body, "response_url", "payload", optional=True)
    for key in ("container", "message", "state"):
        object_field(body, key, "payload", optional=True)
    if kind == "block_actions":
        _check_actions(body)
    else:
        _check_view(body, submitted=kind == "view_submission")
    return body


def _check_actions(body: dict[str, Any]) -> None:
    actions = list_field(body, "actions", "payload")
    if not actions:
        raise MalformedError("payload.actions is empty")
    for index, item in enumerate(actions):
        where = f"payload.actions[{index}]"
        action = as_object(item, where)
        string_field(action, "action_id", where, limit=MAX_NAME_LENGTH)
        string_field(action, "block_id", where, optional=True, limit=MAX_NAME_LENGTH)
        string_field(action, "value", where, optional=True)
        string_field(action, "type", where, optional=True)


def _check_view(body: dict[str, Any], *, submitted: bool) -> None:
    view = object_field(body, "view", "payload")
    assert view is not None
    string_field(view, "callback_id", "payload.view", limit=MAX_NAME_LENGTH)
    string_field(view, "private_metadata", "payload.view")
    # Bolt reads it on every submission ("workflow_step" views need more); ours are modals.
    if view.get("type") != "modal":
        raise MalformedError("payload.view.type is not modal")
    for key in ("id", "hash"):
        string_field(view, key, "payload.view", optional=True)
    blocks = list_field(view, "blocks", "payload.view", optional=True)
    for index, block in enumerate(blocks):
        as_object(block, f"payload.view.blocks[{index}]")
    state = object_field(view, "state", "payload.view", optional=not submitted)
    if state is None:
        return
    values = object_field(state, "values", "payload.view.state")
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
    body = as_object(payload, "the body")
    kind = string_field(body, "type", "the body")
    if kind == "url_verification":
        string_field(body, "challenge", "the body", limit=MAX_NAME_LENGTH)
        return Accepted("url_verification", body)
    if kind == "app_rate_limited":
        return Accepted("rate_limited", body)
    if kind != "event_callback":
        raise MalformedError("the body's type is not one the Events API sends")
    slack_id_field(body, "team_id", "the body")
    slack_id_field(body, "enterprise_id", "the body", optional=True, nullable=True)
    event_id = string_field(body, "event_id", "the body")
    if not _EVENT_ID.fullmatch(event_id):
        raise MalformedError("the body's event_id is not an event id")
    for key in ("api_app_id", "token"):
        string_field(body, key, "the body", optional=True)
    bool_field(body, "is_ext_shared_channel", "the body")
    bool_field(body, "is_enterprise_install", "the body")
    _check_bolt_context(body, "the body")
    event = object_field(body, "event", "the body")
    assert event is not None
    event_type = string_field(event, "type", "event", limit=MAX_NAME_LENGTH)
    _check_actors(event, "event")
    slack_id_field(event, "user_team", "event", optional=True, nullable=True)
    for key in ("message", "previous_message"):
        nested = object_field(event, key, "event", optional=True, nullable=True)
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
    user = object_field(event, "user", "event")
    assert user is not None
    slack_id_field(user, "id", "event.user")
    slack_id_field(user, "team_id", "event.user", optional=True)
    string_field(user, "tz", "event.user", optional=True, nullable=True)


def _app_home_opened(event: dict[str, Any]) -> None:
    slack_id_field(event, "user", "event")
    string_field(event, "tab", "event", optional=True)


def _tokens_revoked(event: dict[str, Any]) -> None:
    tokens = object_field(event, "tokens", "event", optional=True, nullable=True)
    for key in ("oauth", "bot"):
        for index, user in enumerate(list_field(tokens or {}, key, "event.tokens", optional=True)):
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
    object_field(body, "event", where, optional=True)
    # A view's team is the request's team for Bolt, a button on the Home tab's included.
    view = body.get("view")
    if isinstance(view, dict):
        for key in ("team_id", "app_installed_team_id"):
            slack_id_field(view, key, f"{where}.view", optional=True, nullable=True)
    for index, item in enumerate(list_field(body, "authorizations", where, optional=True)):
        place = f"{where}.authorizations[{index}]"
        authorization = as_object(item, place)
        _check_actors(authorization, place)
        bool_field(authorization, "is_enterprise_install", place)
    # Bolt takes the first of these when there is no response_url (a modal's, for instance).
    for index, item in enumerate(list_field(body, "response_urls", where, optional=True)):
        url_field(as_object(item, f"{where}.response_urls[{index}]"), "response_url", where)


def _check_actors(body: Mapping[str, object], where: str) -> None:
    """`user`, `team`, `enterprise` and `channel` as Bolt reads them: absent, null, an id, or
    an object with a string `id` (slack_bolt/request/internals.py)."""
    for key, is_id in (("user", True), ("team", True), ("enterprise", True), ("channel", False)):
        value = body.get(key)
        if value is None:
            continue
        if isinstance(value, dict):
            if "id" in value or is_id:
                check = slack_id_field if is_id else string_field
                check(value, "id", f"{where}.{key}")
            if is_id:
                slack_id_field(value, "team_id", f"{where}.{key}", optional=True, nullable=True)
        elif isinstance(value, str):
            if is_id and not is_slack_id(value):
                raise MalformedError(f"{where}.{key} is not a Slack id")
        else:
            raise MalformedError(f"{where}.{key} is neither an id nor an object")
    for key in ("user_id", "team_id", "enterprise_id"):
        if body.get(key) not in (None, ""):
            slack_id_field(body, key, where)
    string_field(body, "channel_id", where, optional=True, nullable=True)
