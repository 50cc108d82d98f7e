"""What listeners need from the outside world, bundled so tests can pass their own."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.engine import Connection

from bot.question_bank import QuestionBank
from bot.services.workspace_bank import bank_for
from bot.store.database import Database
from bot.store.models import utcnow


@dataclass
class Deps:
    database: Database
    bank: QuestionBank
    clock: Callable[[], datetime] = utcnow
    rng: random.Random = field(default_factory=random.Random)

    def bank_for(self, connection: Connection, team_id: str) -> QuestionBank:
        """The question bank as this workspace sees it, with its own questions added."""
        return bank_for(connection, self.bank, team_id)
