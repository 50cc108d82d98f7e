"""Publishing a leader's Home tab, after any change that shows there."""

from __future__ import annotations

from typing import Any

from bot.blocks.home import home_view
from bot.deps import Deps
from bot.listeners.identity import Caller
from bot.listeners.outbox import PublishHome
from bot.services.home import gather_home
from bot.services.leaders import find_leader_id


def home_for(deps: Deps, caller: Caller) -> PublishHome:
    """Publish the leader's Home tab as it stands when the outbox gets to it."""

    def build() -> dict[str, Any]:
        with deps.database.transaction(writes=False) as session:
            leader_id = find_leader_id(session.connection(), caller.team_id, caller.user_id)
            bank = deps.bank_for(session.connection(), caller.team_id)
            data = gather_home(session, bank, leader_id, deps.clock())
        return home_view(data).to_dict()

    return PublishHome(caller.user_id, build)
