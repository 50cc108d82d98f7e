"""The field checks the edge's shapes are built from (bot/domain/slack_shapes.py): an object,
a list, a string, a Slack id, true or false, a URL. A problem is named by its field, never its
value (a value can be what a team said)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from bot.vocabulary.slack_ids import MAX_LENGTH as MAX_SLACK_ID_LENGTH

# Slack's ids: uppercase letters and digits (U…, W…, T…, E…), as long as the database keeps.
_SLACK_ID = re.compile(rf"[A-Z0-9]{{1,{MAX_SLACK_ID_LENGTH}}}")

_MISSING = object()


class MalformedError(ValueError):
    """A shape Slack does not send. The message names a field and a problem, never a value."""


class UnknownCommandError(MalformedError):
    """A slash command this app does not declare: not malformed, just not here (404)."""


def _absent(value: object, *, optional: bool, nullable: bool) -> bool:
    """Missing where it may be, or null where it may be: nothing to check."""
    return (value is _MISSING and optional) or (value is None and nullable)


def is_slack_id(value: str) -> bool:
    """Whether `value` reads as a Slack id."""
    return _SLACK_ID.fullmatch(value) is not None


def as_object(value: object, where: str) -> dict[str, Any]:
    """`value` as an object, or MalformedError naming `where`."""
    if not isinstance(value, dict):
        raise MalformedError(f"{where} is not an object")
    return value


def object_field(
    parent: Mapping[str, object],
    key: str,
    where: str,
    *,
    optional: bool = False,
    nullable: bool = False,
) -> dict[str, Any] | None:
    """The object at `parent[key]`; None if it may be missing (or null) and is."""
    value = parent.get(key, _MISSING)
    if _absent(value, optional=optional, nullable=nullable):
        return None
    return as_object(value, f"{where}.{key}")


def list_field(
    parent: Mapping[str, object], key: str, where: str, *, optional: bool = False
) -> list[Any]:
    """The list at `parent[key]`; empty if it may be missing and is."""
    value = parent.get(key, _MISSING)
    if value is _MISSING and optional:
        return []
    if not isinstance(value, list):
        raise MalformedError(f"{where}.{key} is not a list")
    return value


def string_field(
    parent: Mapping[str, object],
    key: str,
    where: str,
    *,
    optional: bool = False,
    nullable: bool = False,
    limit: int | None = None,
) -> str:
    """The string at `parent[key]`; "" if it may be missing (or null) and is."""
    value = parent.get(key, _MISSING)
    if _absent(value, optional=optional, nullable=nullable):
        return ""
    if value is _MISSING:
        raise MalformedError(f"{where}.{key} is missing")
    if not isinstance(value, str):
        raise MalformedError(f"{where}.{key} is not a string")
    if limit is not None and len(value) > limit:
        raise MalformedError(f"{where}.{key} is longer than {limit} characters")
    return value


def slack_id_field(
    parent: Mapping[str, object],
    key: str,
    where: str,
    *,
    optional: bool = False,
    nullable: bool = False,
) -> None:
    """`parent[key]` is a Slack id, unless it may be missing (or null) and is."""
    value = parent.get(key, _MISSING)
    if _absent(value, optional=optional, nullable=nullable):
        return
    if not isinstance(value, str) or not is_slack_id(value):
        raise MalformedError(f"{where}.{key} is not a Slack id")


def bool_field(parent: Mapping[str, object], key: str, where: str) -> None:
    """`parent[key]` is true, false or absent."""
    value = parent.get(key)
    if value is not None and not isinstance(value, bool):
        raise MalformedError(f"{where}.{key} is not true or false")


def url_field(
    parent: Mapping[str, object], key: str, where: str, *, optional: bool = False
) -> None:
    """`parent[key]` is an http(s) URL, unless it may be missing and is."""
    value = string_field(parent, key, where, optional=optional)
    if not value and optional:
        return
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise MalformedError(f"{where}.{key} is not a URL")
