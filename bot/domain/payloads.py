"""What we put in button values and modal metadata, and strict parsing of what comes back.

Everything here round-trips through the client, so it is treated as untrusted: parsing
returns None for anything malformed, and callers re-check it against the caller's identity.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeGuard

from bot.domain.history_filters import MAX_SEARCH_LENGTH, HistoryQuery
from bot.vocabulary.habits import Habit
from bot.vocabulary.limits import MAX_REF_LENGTH, MAX_ROW_ID
from bot.vocabulary.slack_ids import CHANNEL_ID, MAX_LENGTH, USER_ID

logger = logging.getLogger(__name__)
# ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
_ROW_ID = re.compile(r"[0-9]{1,10}")
# A question id (question_bank.ID_PATTERN, or custom-<row id>) and maybe /<follow-up number>.
_REF = re.compile(r"[a-z][a-z0-9-]{1,60}(/[0-9]{1,2})?")


def query_fields(query: HistoryQuery) -> dict[str, Any]:
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
    if query.from_team:
        fields["f"] = 1
    if query.channel:
        fields["c"] = query.channel
    return fields


def query_from(data: dict[str, Any]) -> HistoryQuery | None:
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
    from_team = data.get("f", 0)
    if from_team not in (0, 1) or isinstance(from_team, bool):
        return None
    channel = data.get("c")
    if channel is not None and (not isinstance(channel, str) or not CHANNEL_ID.match(channel)):
        return None
    return HistoryQuery(
        habit=habit,
        words=words or None,
        person=person,
        since=since,
        until=until,
        from_team=from_team == 1,
        channel=channel,
    )


def encode_entry_action(entry_id: int, query: HistoryQuery) -> str:
    """An Edit / Delete / Follow up button: the entry, and the filters of the page it is on."""
    return json.dumps({"e": entry_id, **query_fields(query)}, separators=(",", ":"))


def decode_entry_action(value: Any) -> tuple[int, HistoryQuery] | None:
    data = json_object(value)
    entry_id = valid_id(data.get("e")) if data else None
    if data is None or entry_id is None:
        return None
    query = query_from(data)
    return None if query is None else (entry_id, query)


@dataclass(frozen=True)
class LogTarget:
    """What a log modal saves: a new entry for question `ref` (a follow-up of `parent`, if
    set), or an edit of entry `entry_id`. Ids here are re-checked against the submitter."""

    ref: str | None = None
    parent: int | None = None
    entry_id: int | None = None
    # A team conversation's form has no input for what the team said (re-checked when saved).
    team_answered: bool = False


def encode_log_metadata(
    ref: str | None = None,
    *,
    parent: int | None = None,
    entry_id: int | None = None,
    team_answered: bool = False,
) -> str:
    data: dict[str, Any] = {}
    if ref is not None:
        data["q"] = ref
    if parent is not None:
        data["p"] = parent
    if entry_id is not None:
        data["e"] = entry_id
    if team_answered:
        data["t"] = 1
    return json.dumps(data, separators=(",", ":"))


def decode_log_metadata(metadata: str) -> LogTarget | None:
    """What a log modal was opened for, or None if the metadata was tampered with."""
    data = json_object(metadata)
    if data is None:
        return None
    ref = valid_ref(data.get("q")) if "q" in data else None
    parent, entry_id = valid_id(data.get("p")), valid_id(data.get("e"))
    if (parent is None and data.get("p") is not None) or (
        entry_id is None and data.get("e") is not None
    ):
        return None
    if (ref is None) == (entry_id is None):
        return None  # exactly one of: a question to answer, or an entry to edit
    return LogTarget(ref=ref, parent=parent, entry_id=entry_id, team_answered=data.get("t") == 1)


@dataclass(frozen=True)
class AskFormTarget:
    """What an Ask the team form was opened for: a question of the bank, its habit, and the
    caller's entry it follows up (re-checked as theirs when saved)."""

    ref: str
    habit: Habit
    parent: int | None = None


def encode_ask_metadata(ref: str, habit: Habit, parent: int | None) -> str:
    data: dict[str, Any] = {"q": ref, "h": habit.value}
    if parent is not None:
        data["p"] = parent
    return json.dumps(data, separators=(",", ":"))


def decode_ask_metadata(metadata: Any) -> AskFormTarget | None:
    """The ask form's question, or None if tampered with; a bad follow-up link is dropped."""
    data = json_object(metadata)
    ref = valid_ref(data.get("q")) if data else None
    habit = valid_habit_filter(data.get("h")) if data else None
    if data is None or ref is None or habit is None:
        return None
    return AskFormTarget(ref, habit, valid_id(data.get("p")))


def encode_answer_target(ask_id: int, channel_id: str) -> str:
    """An answer form's metadata and its Withdraw button: the ask, and where it was pressed."""
    return json.dumps({"a": ask_id, "c": channel_id}, separators=(",", ":"))


def decode_answer_target(value: Any) -> tuple[int, str] | None:
    """(ask, channel) as `encode_answer_target` wrote them, or None if tampered with."""
    data = json_object(value)
    ask_id = valid_id(data.get("a")) if data else None
    channel = data.get("c") if data else None
    if ask_id is None or not isinstance(channel, str) or len(channel) > MAX_LENGTH:
        return None
    return ask_id, channel


def encode_reply_metadata(ask_id: int) -> str:
    return json.dumps({"a": ask_id}, separators=(",", ":"))


def decode_reply_metadata(metadata: Any) -> int | None:
    """The ask a Reply to the team form answers, or None if tampered with."""
    data = json_object(metadata)
    return valid_id(data.get("a")) if data else None


def valid_ref(value: Any) -> str | None:
    """A question reference as we write them (`vision-01`, `custom-7/2`), or None."""
    if isinstance(value, str) and len(value) <= MAX_REF_LENGTH and _REF.fullmatch(value):
        return value
    return None


def parse_id(value: object) -> int | None:
    """A row id carried as a button's text value, or None unless it could name one of ours."""
    if isinstance(value, str) and _ROW_ID.fullmatch(value):
        return valid_id(int(value))
    return None


def valid_id(value: object) -> int | None:
    """A row id carried as a JSON number, or None unless it could name one of ours."""
    return value if integer_in(value, 1, MAX_ROW_ID) else None


def integer_in(value: object, low: int, high: int) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def valid_habit_filter(value: Any) -> Habit | None:
    """The habit a card's "Another question" stays within, or None for any habit."""
    try:
        return Habit(value)
    except ValueError:
        return None


def json_object(value: Any) -> dict[str, Any] | None:
    """The JSON object a button value or modal metadata holds, or None for anything else."""
    if not isinstance(value, str) or len(value) > 3000:
        return None
    try:
        data = json.loads(value)
    except ValueError:
        return None
    except RecursionError:
        # Only a crafted value nests this deep (ours are flat): the sender's doing, so one line
        # and no traceback, and never the value.
        logger.warning("a value sent back to us nests too deeply to read")
        return None
    return data if isinstance(data, dict) else None
