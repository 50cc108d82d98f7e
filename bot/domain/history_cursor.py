"""Where a page of history starts: the cursor, and how it travels in Older / Newer buttons.

A page is a keyset position, the (created_at, id) of its first or last entry, plus the
filters it was showing. In a button it is compact JSON: `d` direction, `t` and `i` the
entry's time and id, and the filter keys of `payloads.query_fields` (`h`, `w`, `u`, `s`,
`t2`). Everything that comes back is untrusted: it only bounds a query over the caller's
own entries, and anything malformed decodes to None.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.domain.history_filters import HistoryQuery
from bot.domain.payloads import integer_in, json_object, query_fields, query_from
from bot.vocabulary.limits import MAX_ROW_ID


@dataclass(frozen=True)
class Cursor:
    """A position in a leader's history: the (created_at, id) of an entry."""

    created_at: datetime
    entry_id: int


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
        **query_fields(query),
    }
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def decode_page_request(value: str) -> PageRequest | None:
    data = json_object(value)
    if data is None or data.get("d") not in ("older", "newer"):
        return None
    entry_id, stamp = data.get("i"), data.get("t")
    # Only a bound on the caller's own entries, so any number the column's type can compare.
    if not integer_in(entry_id, -MAX_ROW_ID - 1, MAX_ROW_ID) or not isinstance(stamp, str):
        return None
    try:
        created_at = datetime.fromisoformat(stamp)
        if created_at.tzinfo is None:
            created_at = created_at.replace(tzinfo=UTC)
        # In UTC, as the database compares it: 9999-12-31T23:59-23:00 has no UTC date.
        created_at = created_at.astimezone(UTC)
    except (ValueError, OverflowError):
        return None
    query = query_from(data)
    if query is None:
        return None
    return PageRequest(
        query=query,
        cursor=Cursor(created_at=created_at, entry_id=entry_id),
        direction=data["d"],
    )
