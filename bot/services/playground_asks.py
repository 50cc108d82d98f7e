"""When the next question to a team closes: read only, for a clock that can jump to it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from bot.services.deps import Deps
from bot.store.models import AskStatus, TeamAsk


def earliest_open_close(deps: Deps, team_id: str) -> datetime | None:
    """When answers close on the workspace's open ask that closes first; None if none is open."""
    with deps.database.transaction(writes=False) as session:
        # Only open asks: one still posting is not closed until it is out (claim_due_closings).
        return session.scalar(
            select(func.min(TeamAsk.closes_at)).where(
                TeamAsk.team_id == team_id, TeamAsk.status == AskStatus.OPEN
            )
        )
