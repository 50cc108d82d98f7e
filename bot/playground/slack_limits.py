"""Slack's rate limits on chat.postMessage, for the stand-in to refuse with 429."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class SlackLimits:
    """chat.postMessage's limits as Slack applies them: about one message per second per
    channel, and a workspace's budget (here, per token): `per_minute` on average with bursts
    of up to `burst`. Slack publishes no workspace number; these are parameters, and
    `per_token` gives a token (a workspace) its own `per_minute`, as workspaces differ."""

    per_minute: float
    burst: int = 10
    per_channel_per_second: float = 1.0
    per_token: dict[str, float] = field(default_factory=dict)
    refused: int = 0
    accepted: int = 0
    _budgets: dict[str, tuple[float, float]] = field(default_factory=dict)
    _channel_last: dict[tuple[str, str], float] = field(default_factory=dict)

    def retry_after(self, token: str, channel: str, now: float) -> float | None:
        """Seconds to wait if this message is over a limit (and it is refused), else None."""
        per_minute = self.per_token.get(token.removeprefix("Bearer "), self.per_minute)
        left, then = self._budgets.get(token, (float(self.burst), now))
        # Calls are checked in turn, not always in the order they arrived: a later one
        # checked first has already refilled the bucket up to its own moment.
        now = max(now, then)
        left = min(float(self.burst), left + (now - then) * per_minute / 60)
        waits = []
        if left < 1:
            waits.append((1 - left) * 60 / per_minute)
        last = self._channel_last.get((token, channel))
        gap = 1 / self.per_channel_per_second
        if last is not None and now - last < gap:
            waits.append(last + gap - now)
        if waits:
            self._budgets[token] = (left, now)
            self.refused += 1
            return max(waits)
        self._budgets[token] = (left - 1, now)
        self._channel_last[(token, channel)] = now
        self.accepted += 1
        return None
