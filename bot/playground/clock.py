"""The playground's clock: real time, moved forward when a visitor jumps to a nudge."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from bot.store.models import utcnow


class PlaygroundClock:
    """Now, plus however far the visitor has jumped; it goes back only on a reset."""

    def __init__(self) -> None:
        self._ahead = timedelta()
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return utcnow() + self._ahead

    @property
    def ahead(self) -> timedelta:
        """How far ahead of real time the playground is."""
        with self._lock:
            return self._ahead

    def jump_to(self, instant: datetime) -> None:
        """Make it `instant` now, if that is later than now."""
        with self._lock:
            self._ahead = max(self._ahead, instant - utcnow())

    def carry_on(self, ahead: timedelta) -> None:
        """After a restart: as far ahead as the playground was (never behind real time)."""
        with self._lock:
            self._ahead = max(self._ahead, ahead)

    def reset(self) -> None:
        """Back to real time, as the playground is reset with its database."""
        with self._lock:
            self._ahead = timedelta()
