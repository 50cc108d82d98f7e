"""Publishing a leader's Home tab, after any change that shows there."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.blocks.home import home_view
from bot.senders.after_ack import PublishHome
from bot.services.context import Context
from bot.services.home import home_of


def home_for(ctx: Context) -> PublishHome:
    """Publish the caller's Home tab as it stands when the sender gets to it."""

    def build() -> dict[str, Any]:
        # Built after the ack, perhaps much later: as of then, not as of the request.
        return home_view(home_of(replace(ctx, now=ctx.deps.clock()))).to_dict()

    return PublishHome(ctx.user_id, build)
