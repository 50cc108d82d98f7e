"""Who a use case acts for: the caller Slack signed for, their workspace, and the time.

Listeners get one `Context` per request from the caller middleware and hand it to a use
case; the use case owns its transaction and finds (or creates) the caller's leader row.
Tests and the CLI (`ask-team export`) build one directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Connection

from bot.domain.question_bank import QuestionBank
from bot.services.deps import Deps
from bot.services.leaders import find_leader_id, leader_id_for


@dataclass(frozen=True)
class Caller:
    """A Slack user in a workspace, from Slack's signed request, never from a value a client
    could tamper with."""

    team_id: str
    user_id: str


@dataclass(frozen=True)
class Context:
    deps: Deps
    caller: Caller
    now: datetime

    @property
    def team_id(self) -> str:
        return self.caller.team_id

    @property
    def user_id(self) -> str:
        return self.caller.user_id

    def leader_id(self, connection: Connection) -> int | None:
        """The caller's leader row, if they have used the bot before."""
        return find_leader_id(connection, self.caller.team_id, self.caller.user_id)

    def ensure_leader_id(self, connection: Connection) -> int:
        """The caller's leader row, created on first use."""
        return leader_id_for(connection, self.caller.team_id, self.caller.user_id, self.now)

    def bank(self, connection: Connection) -> QuestionBank:
        """The question bank as the caller's workspace sees it."""
        return self.deps.bank_for(connection, self.caller.team_id)
