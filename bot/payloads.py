"""What we put in button values and modal metadata, and strict parsing of what comes back.

Everything here round-trips through the client, so it is treated as untrusted: parsing
returns None for anything malformed, and callers re-check it against the caller's identity.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.commands import MAX_SEARCH_LENGTH
from bot.habits import Habit
from bot.services.journal import Cursor, HistoryQuery

MAX_REF_LENGTH = 80


@dataclass(frozen=True)
class PageRequest:
    query: HistoryQuery
    cursor: Cursor
    direction: str  # "older" or "newer"


def encode_page_request(query: HistoryQuery, cursor: Cursor, direction: str) -> str:
    data: dict[str, Any] = {
        "d": direction,
        "t": cursor.created_at.isoformat(),
        "i": cursor.entry_id,
    }
    if query.habit is not None:
        data["h"] = query.habit.value
    if query.words:
        data["w"] = query.words
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
    habit: Habit | None = None
    if "h" in data:
        try:
            habit = Habit(data["h"])
        except ValueError:
            return None
    words = data.get("w")
    if words is not None and (not isinstance(words, str) or len(words) > MAX_SEARCH_LENGTH):
        return None
    return PageRequest(
        query=HistoryQuery(habit=habit, words=words or None),
        cursor=Cursor(created_at=created_at, entry_id=entry_id),
        direction=data["d"],
    )


def encode_log_metadata(ref: str) -> str:
    return json.dumps({"q": ref}, separators=(",", ":"))


def decode_log_metadata(metadata: str) -> str | None:
    """The question reference a log modal was opened for."""
    data = _json_object(metadata)
    if data is None:
        return None
    return valid_ref(data.get("q"))


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
