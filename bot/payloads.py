"""What we put in button values and modal metadata, and strict parsing of what comes back.

Everything here round-trips through the client, so it is treated as untrusted: parsing
returns None for anything malformed, and callers re-check it against the caller's identity.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from bot.forms import USER_ID
from bot.habits import Habit
from bot.history_filters import MAX_SEARCH_LENGTH, HistoryQuery
from bot.services.journal import Cursor

MAX_REF_LENGTH = 80


@dataclass(frozen=True)
class PageRequest:
    query: HistoryQuery
    cursor: Cursor
    direction: str  # "older" or "newer"


def _query_fields(query: HistoryQuery) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if query.habit is not None:
        fields["h"] = query.habit.value
    if query.words:
        fields["w"] = query.words
    if query.person:
        fields["u"] = query.person
    if query.since:
        fields["s"] = query.since.isoformat()
    if query.until:
        fields["t2"] = query.until.isoformat()
    return fields


def _query_from(data: dict[str, Any]) -> HistoryQuery | None:
    """The filters a button carried, or None if any was tampered with."""
    try:
        habit = Habit(data["h"]) if "h" in data else None
        since = date.fromisoformat(data["s"]) if "s" in data else None
        until = date.fromisoformat(data["t2"]) if "t2" in data else None
    except (ValueError, TypeError):
        return None
    words, person = data.get("w"), data.get("u")
    if words is not None and (not isinstance(words, str) or len(words) > MAX_SEARCH_LENGTH):
        return None
    if person is not None and (not isinstance(person, str) or not USER_ID.match(person)):
        return None
    return HistoryQuery(habit=habit, words=words or None, person=person, since=since, until=until)


def encode_page_request(query: HistoryQuery, cursor: Cursor, direction: str) -> str:
    data: dict[str, Any] = {
        "d": direction,
        "t": cursor.created_at.isoformat(),
        "i": cursor.entry_id,
        **_query_fields(query),
    }
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def decode_page_request(value: str) -> PageRequest | None:
    data = _json_object(value)
    if data is None or data.get("d") not in ("older", "newer"):
        return None
    entry_id, stamp = data.get("i"), data.get("t")
    if not isinstance(entry_id, int) or isinstance(entry_id, bool) or not isinstance(stamp, str):
        return None
    try:
        created_at = datetime.fromisoformat(stamp)
    except ValueError:
        return None
    if created_at.tzinfo is None:
        created_at = created_at.replace(tzinfo=UTC)
    query = _query_from(data)
    if query is None:
        return None
    return PageRequest(
        query=query,
        cursor=Cursor(created_at=created_at, entry_id=entry_id),
        direction=data["d"],
    )


def encode_entry_action(entry_id: int, query: HistoryQuery) -> str:
    """An Edit / Delete / Follow up button: the entry, and the filters of the page it is on."""
    return json.dumps({"e": entry_id, **_query_fields(query)}, separators=(",", ":"))


def decode_entry_action(value: Any) -> tuple[int, HistoryQuery] | None:
    data = _json_object(value)
    entry_id = data.get("e") if data else None
    if data is None or not isinstance(entry_id, int) or isinstance(entry_id, bool):
        return None
    query = _query_from(data)
    return None if query is None else (entry_id, query)


@dataclass(frozen=True)
class LogTarget:
    """What a log modal saves: a new entry for question `ref` (a follow-up of `parent`, if
    set), or an edit of entry `entry_id`. Ids here are re-checked against the submitter."""

    ref: str | None = None
    parent: int | None = None
    entry_id: int | None = None


def encode_log_metadata(
    ref: str | None = None, *, parent: int | None = None, entry_id: int | None = None
) -> str:
    data: dict[str, Any] = {}
    if ref is not None:
        data["q"] = ref
    if parent is not None:
        data["p"] = parent
    if entry_id is not None:
        data["e"] = entry_id
    return json.dumps(data, separators=(",", ":"))


def decode_log_metadata(metadata: str) -> LogTarget | None:
    """What a log modal was opened for, or None if the metadata was tampered with."""
    data = _json_object(metadata)
    if data is None:
        return None
    ref = valid_ref(data.get("q")) if "q" in data else None
    parent, entry_id = data.get("p"), data.get("e")
    for number in (parent, entry_id):
        if number is not None and (not isinstance(number, int) or isinstance(number, bool)):
            return None
    if (ref is None) == (entry_id is None):
        return None  # exactly one of: a question to answer, or an entry to edit
    return LogTarget(ref=ref, parent=parent, entry_id=entry_id)


def valid_ref(value: Any) -> str | None:
    if isinstance(value, str) and 0 < len(value) <= MAX_REF_LENGTH:
        return value
    return None


def valid_habit_filter(value: Any) -> Habit | None:
    """The habit a card's "Another question" stays within, or None for any habit."""
    try:
        return Habit(value)
    except ValueError:
        return None


def _json_object(value: Any) -> dict[str, Any] | None:
    if not isinstance(value, str) or len(value) > 3000:
        return None
    try:
        data = json.loads(value)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None
