"""What listeners need from the outside world, bundled so tests can pass their own."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from bot.prompts import QuestionBank
from bot.store.database import Database
from bot.store.models import utcnow


@dataclass
class Deps:
    database: Database
    bank: QuestionBank
    clock: Callable[[], datetime] = utcnow
    rng: random.Random = field(default_factory=random.Random)
