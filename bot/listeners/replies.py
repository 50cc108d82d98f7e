"""Replies several listeners send the same way."""

from __future__ import annotations

from bot.blocks import as_dicts
from bot.blocks.notices import STALE_BUTTON, notice
from bot.senders.after_ack import Respond


def stale_button() -> Respond:
    """For a click we can no longer act on (an old message, or a value not the caller's)."""
    return Respond(STALE_BUTTON, as_dicts(notice(STALE_BUTTON)), replace_original=False)
