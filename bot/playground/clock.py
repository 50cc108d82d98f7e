"""The playground's clock: real time, moved forward when a visitor jumps to a nudge."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from bot.store.models import utcnow


class PlaygroundClock:
    """Now, plus however far the visitor has jumped; it never goes back."""

    def __init__(self) -> None:
        self._ahead = timedelta()
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return utcnow() + self._ahead

    def jump_to(self, instant: datetime) -> None:
        """Make it `instant` now, if that is later than now."""
        with self._lock:
            self._ahead = max(self._ahead, instant - utcnow())
