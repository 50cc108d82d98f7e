"""Publishing a leader's Home tab, after any change that shows there."""

from __future__ import annotations

from typing import Any

from bot.blocks.home import home_view
from bot.senders.after_ack import PublishHome
from bot.services.context import Caller, Context
from bot.services.deps import Deps
from bot.services.home import home_of


def home_for(deps: Deps, caller: Caller) -> PublishHome:
    """Publish the leader's Home tab as it stands when the sender gets to it."""

    def build() -> dict[str, Any]:
        return home_view(home_of(Context(deps, caller, deps.clock()))).to_dict()

    return PublishHome(caller.user_id, build)
