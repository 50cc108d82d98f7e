"""What listeners need from the outside world, bundled so tests can pass their own."""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.engine import Connection

from bot.domain.question_bank import QuestionBank
from bot.services.workspace_bank import bank_with
from bot.store.custom_questions import question_rows
from bot.store.database import Database
from bot.store.models import utcnow


@dataclass
class Deps:
    database: Database
    bank: QuestionBank
    clock: Callable[[], datetime] = utcnow
    rng: random.Random = field(default_factory=random.Random)
    # The key of anonymous answerers' hashes (Settings.answer_secret): every process serving
    # a workspace must share it, or a person could answer twice.
    answer_secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    # Anonymous answers show once this many people answered (never fewer than 3).
    anonymous_minimum: int = 3

    def bank_for(self, connection: Connection, team_id: str) -> QuestionBank:
        """The question bank as this workspace sees it, with its own questions added."""
        return bank_with(self.bank, question_rows(connection, team_id))
