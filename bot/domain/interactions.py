"""A click (`block_actions`) or a form sent (`view_submission`), as the listeners read them.

Made once per request from a payload the edge has already checked (bot/domain/slack_shapes.py),
so a listener reads fields instead of digging in Slack's dicts. A field Slack left out is None
(the metadata and the form's values are empty instead): the edge refused wrong types, but what
is optional stays optional. Everything here came through the client; what a listener acts on
(a button's value, a view's metadata) is still re-checked against the caller.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Click:
    """A button pressed: where, and what the button carried. Who pressed it is the request's
    `Context`, worked out once from Bolt's context (listeners/caller.py)."""

    action_id: str | None
    value: str | None
    # Opens a modal in answer, within 3 seconds of the click.
    trigger_id: str | None
    # Only on a message: a click in a modal or on the Home tab has none.
    response_url: str | None
    # Where: the message's channel (or DM) and timestamp, or the modal or Home view.
    channel_id: str | None
    message_ts: str | None
    view_id: str | None
    view_hash: str | None


@dataclass(frozen=True)
class Submission:
    """A modal's form sent: which form, and what was typed into it (who sent it: `Context`)."""

    callback_id: str | None
    view_id: str | None
    view_hash: str | None
    # What the modal was opened for, as we wrote it; "" if it carries none.
    private_metadata: str
    # block id -> action id -> the element's state, as the forms' parsers read it.
    values: Mapping[str, Any]
    trigger_id: str | None
    # Only for a form with a conversation picker that asked Slack for one.
    response_url: str | None


def click_of(body: Mapping[str, Any], action: Mapping[str, Any]) -> Click:
    """The click `action` of a `block_actions` payload `body`."""
    container = _object(body, "container")
    view = _object(body, "view")
    return Click(
        action_id=_text(action, "action_id"),
        value=_text(action, "value"),
        trigger_id=_text(body, "trigger_id"),
        response_url=_text(body, "response_url"),
        channel_id=_text(_object(body, "channel"), "id") or _text(container, "channel_id"),
        message_ts=_text(container, "message_ts") or _text(_object(body, "message"), "ts"),
        view_id=_text(view, "id") or _text(container, "view_id"),
        view_hash=_text(view, "hash"),
    )


def submission_of(body: Mapping[str, Any], view: Mapping[str, Any]) -> Submission:
    """The form `view` of a `view_submission` payload `body`."""
    urls = body.get("response_urls")
    first = urls[0] if isinstance(urls, list) and urls else None
    return Submission(
        callback_id=_text(view, "callback_id"),
        view_id=_text(view, "id"),
        view_hash=_text(view, "hash"),
        private_metadata=_text(view, "private_metadata") or "",
        values=_object(_object(view, "state"), "values"),
        trigger_id=_text(body, "trigger_id"),
        response_url=_text(first, "response_url") if isinstance(first, Mapping) else None,
    )


def _object(parent: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """`parent[key]` if it is an object, else an empty one."""
    value = parent.get(key)
    return value if isinstance(value, Mapping) else {}


def _text(parent: Mapping[str, Any], key: str) -> str | None:
    """`parent[key]` if it is a string, else None."""
    value = parent.get(key)
    return value if isinstance(value, str) else None
