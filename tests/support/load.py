"""Log answers, submitted continuously from several threads, every outcome recorded.

Each submission carries an answer text used nowhere else, so a test can look each one up in
the database afterwards: whatever the app acknowledged must be there, whatever happened to
the processes serving it in between.
"""

from __future__ import annotations

import http.client
import threading
import time
from dataclasses import dataclass
from typing import Any

from bot.playground.slack_driver import Response, SlackDriver, User, log_values

# A request the server never answered (refused while it restarts, reset when it was killed)
# is retried by the next loop turn after this pause, so a dead server is not hammered.
_PAUSE_AFTER_NO_ANSWER = 0.05


@dataclass(frozen=True)
class Outcome:
    """One Save pressed on the Log answers modal, and what came back."""

    answer: str
    phase: str
    status: int | None  # None: no HTTP answer at all (refused, reset, timed out)
    body: bytes

    @property
    def acknowledged(self) -> bool:
        """Slack closes the modal on an empty 200, or shows our "thank you" view in its place:
        the person was told it is saved."""
        return self.status == 200 and (
            self.body in (b"", b"{}") or b'"response_action": "update"' in self.body
        )


class LogAnswersLoad:
    """`threads` leaders pressing Save on `view` in a loop, each answer text unique.

    Bounded three ways: `stop()`, `max_per_thread` submissions, and `max_seconds`.
    """

    def __init__(
        self,
        slack: SlackDriver,
        view: dict[str, Any],
        *,
        marker: str,
        threads: int = 6,
        max_per_thread: int = 2_000,
        max_seconds: float = 120.0,
    ) -> None:
        self.slack = slack
        self.view = view
        self.marker = marker
        self.phase = "start"
        self._max_per_thread = max_per_thread
        self._deadline = time.monotonic() + max_seconds
        self._stop = threading.Event()
        self._changed = threading.Condition()
        self._outcomes: list[Outcome] = []
        self._threads = [
            threading.Thread(target=self._run, args=(n,), name=f"load-{n}", daemon=True)
            for n in range(threads)
        ]

    def start(self) -> LogAnswersLoad:
        for thread in self._threads:
            thread.start()
        return self

    def stop(self, timeout: float = 20.0) -> None:
        """Stop submitting and wait for the requests in flight to come back."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout)
        assert not any(thread.is_alive() for thread in self._threads), "load threads hung"

    @property
    def outcomes(self) -> list[Outcome]:
        with self._changed:
            return list(self._outcomes)

    def acknowledged(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.acknowledged]

    def wait_for_acknowledged(self, count: int, timeout: float) -> bool:
        """Block until at least `count` submissions in all were acknowledged."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while sum(outcome.acknowledged for outcome in self._outcomes) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not any(t.is_alive() for t in self._threads):
                    return False
                self._changed.wait(min(remaining, 0.5))
        return True

    def submit(self, number: int, sequence: int, answer: str) -> Response:
        """Thread `number`'s leader saves `answer`."""
        user = User(f"U0LOAD{number}", "T0TEAM", f"load{number}")
        return self.slack.submit(self.view, log_values(answer), user)

    def _run(self, number: int) -> None:
        for sequence in range(self._max_per_thread):
            if self._stop.is_set() or time.monotonic() > self._deadline:
                return
            answer = f"{self.marker} t{number} n{sequence}: the team said it plainly"
            phase = self.phase
            try:
                response = self.submit(number, sequence, answer)
                outcome = Outcome(answer, phase, response.status, response.body)
            except (OSError, http.client.HTTPException):
                outcome = Outcome(answer, phase, None, b"")
            with self._changed:
                self._outcomes.append(outcome)
                self._changed.notify_all()
            if outcome.status is None:
                time.sleep(_PAUSE_AFTER_NO_ANSWER)
