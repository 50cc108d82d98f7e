"""What `/ask-team history …` filters by, parsed from the leader's words. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.vocabulary.habits import Habit, habit_for_word
from bot.vocabulary.slack_ids import CHANNEL_MENTION, USER_MENTION

MAX_SEARCH_LENGTH = 200
# A word with no letter or digit in it (`%`, `--`) has nothing to search for.
_SEARCHABLE = re.compile(r"[^\W_]")


class FilterError(ValueError):
    """A filter the leader typed cannot be read; the message shows how to write it."""


@dataclass(frozen=True)
class HistoryQuery:
    habit: Habit | None = None
    words: str | None = None
    person: str | None = None
    since: date | None = None
    until: date | None = None
    # Only questions asked of the team in Slack (`from:team`).
    from_team: bool = False
    # Only questions asked of the team in this channel (`#team`).
    channel: str | None = None

    @property
    def is_filtered(self) -> bool:
        return any(
            (self.habit, self.words, self.person, self.since, self.until, self.from_team)
        ) or bool(self.channel)


def searchable_words(words: str) -> list[str]:
    """The words of a search that can match something, in the order typed."""
    return [word for word in words.split() if _SEARCHABLE.search(word)]


def parse_history_filters(text: str) -> HistoryQuery:
    """`habit:vision person:@ana since:2026-01-01 until:2026-03-31 budget`, in any order.

    A lone habit word (`history morale`) filters by habit; other words search.
    """
    rest = " ".join(text.split())
    whole = habit_for_word(rest) or habit_for_word(rest.replace(" ", "-"))
    if whole is not None:
        return HistoryQuery(habit=whole)
    habit = person = since = until = channel = None
    from_team = False
    words: list[str] = []
    for token in rest.split(" ") if rest else []:
        key, colon, value = token.partition(":")
        key = key.lower()
        if colon and key == "habit":
            habit = habit_for_word(value)
            if habit is None:
                raise FilterError(
                    f"No habit called “{value}”. Try habit:questions, people, heartbeat, "
                    "vision or follow-through."
                )
        elif colon and key == "from":
            if value.lower() != "team":
                raise FilterError("from: takes one value, as in from:team.")
            from_team = True
        elif colon and key == "person":
            person = _person(value)
        elif colon and key in ("since", "until"):
            day = _day(key, value)
            since, until = (day, until) if key == "since" else (since, day)
        elif USER_MENTION.match(token):
            person = _person(token)
        elif found := CHANNEL_MENTION.match(token):
            channel = found[1]
        else:
            words.append(token)
    if since and until and since > until:
        raise FilterError("since: comes after until:, so nothing could match. Swap them?")
    searched = " ".join(words) or None
    if searched and len(searched) > MAX_SEARCH_LENGTH:
        raise FilterError(
            f"Search words can be up to {MAX_SEARCH_LENGTH} characters; yours were "
            f"{len(searched):,}. Try a few distinctive words."
        )
    if searched and not searchable_words(searched):
        raise FilterError(
            f"“{searched}” has no letters or numbers to search for. Try a word the team "
            "said, as in `/ask-team history budget`."
        )
    return HistoryQuery(
        habit=habit,
        words=searched,
        person=person,
        since=since,
        until=until,
        from_team=from_team,
        channel=channel,
    )


def _person(value: str) -> str:
    match = USER_MENTION.match(value)
    if match is None:
        raise FilterError("Name the person with an @mention, as in person:@ana.")
    return match[1]


def _day(key: str, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FilterError(f"{key}: wants a date such as {key}:2026-01-31.") from None
