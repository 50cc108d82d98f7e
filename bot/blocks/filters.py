"""A history query's filters in words, as history and themes head their answers with."""

from __future__ import annotations

from bot.domain.history_filters import HistoryQuery
from bot.vocabulary.text import shown


def describe_query(query: HistoryQuery) -> str:
    """The filters of `query` in words, for the page's heading."""
    parts = []
    if query.from_team:
        parts.append("asked of the team in Slack")
    if query.channel:
        parts.append(f"asked in <#{query.channel}>")
    if query.habit is not None:
        parts.append(query.habit.title)
    if query.person:
        parts.append(f"with <@{query.person}>")
    if query.since:
        parts.append(f"since {query.since.isoformat()}")
    if query.until:
        parts.append(f"until {query.until.isoformat()}")
    if query.words:
        parts.append(f"matching “{shown(query.words, 220)}”")
    return " · ".join(parts)
