"""Follow the questions: what many answers add up to, grouped by the workplace themes they
raise (bot/domain/themes.py). A theme shows only with enough answers in it to say nothing
about any one person: the minimum group size of anonymous answers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from bot.domain.history_filters import HistoryQuery
from bot.domain.themes import group_into_themes
from bot.services.context import Context
from bot.services.team_conversations import conversations_by_entry
from bot.store.log import history_rows
from bot.store.team_answers import answers_to_entries

# Fewer written answers than this say too little to group.
THEMES_FROM = 8
# `/ask-team themes` reads this far back unless told `since:`, and at most this many entries.
LOOKED_BACK = timedelta(days=90)
ENTRIES_READ = 500
EXAMPLES = 2


@dataclass(frozen=True)
class ThemeShown:
    """A theme, how many answers it holds, and up to two of them."""

    label: str
    count: int
    examples: tuple[str, ...]


@dataclass(frozen=True)
class Themes:
    """The themes of the answers the filters found."""

    query: HistoryQuery
    answers: int
    themes: tuple[ThemeShown, ...]
    minimum: int
    # The query said no `since:`, so the last LOOKED_BACK days were read.
    looked_back: bool = False


def themes_of(texts: Sequence[str], minimum: int) -> tuple[ThemeShown, ...]:
    """The themes of these written answers with `minimum` or more answers each; none for
    fewer than THEMES_FROM answers."""
    written = [text for text in texts if text.strip()]
    if len(written) < THEMES_FROM:
        return ()
    return tuple(
        ThemeShown(
            theme.label, len(theme.answers), tuple(written[i] for i in theme.answers[:EXAMPLES])
        )
        for theme in group_into_themes(written, min_size=minimum)
    )


def themes_in_log(ctx: Context, query: HistoryQuery) -> Themes:
    """The themes of what the caller logged and their teams answered, as far as they may read
    it, over the filters of `query` (the last 90 days unless it says since when)."""
    minimum = ctx.deps.anonymous_minimum
    applied = query if query.since else replace(query, since=(ctx.now - LOOKED_BACK).date())
    with ctx.transaction(writes=False) as session:
        leader_id = ctx.leader_id(session.connection())
        if leader_id is None:
            return Themes(applied, 0, (), minimum, query.since is None)
        entries, _, _ = history_rows(session, leader_id, applied, None, None, ENTRIES_READ, minimum)
        texts = [entry.answer for entry in entries if entry.answer.strip()]
        asked = answers_to_entries(session, [entry.id for entry in entries])
        for conversation in conversations_by_entry(asked, minimum).values():
            texts += [
                answer.text
                for answer in conversation.answers
                if answer.text.strip() and query.person in (None, answer.user_id)
            ]
    return Themes(applied, len(texts), themes_of(texts, minimum), minimum, query.since is None)
