"""Who is calling, set once per request by a Bolt middleware (`app.use`).

Taken from Bolt's context, which comes from Slack's signed request, never from values a
client sends. Listeners read it with `context_of`; a request that names no user (the
workspace-wide `app_uninstalled` and `tokens_revoked` events) gets None.
"""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import App, BoltContext, BoltResponse

from bot.services.context import Caller, Context
from bot.services.deps import Deps

_KEY = "ask_team_context"


def register(app: App, deps: Deps) -> None:
    """Install the middleware that puts the caller's `Context` on every request."""

    def who_is_calling(context: BoltContext, next: Callable[[], BoltResponse]) -> BoltResponse:
        caller = caller_of(context)
        context[_KEY] = Context(deps, caller, deps.clock()) if caller else None
        return next()

    app.use(who_is_calling)


def context_of(context: BoltContext) -> Context | None:
    """The caller's `Context`, as the middleware set it."""
    found = context.get(_KEY)
    return found if isinstance(found, Context) else None


def caller_of(context: BoltContext) -> Caller | None:
    """The workspace and user behind this request, or None if Slack did not say."""
    team_id = context.team_id or context.enterprise_id
    user_id = context.user_id
    if not team_id or not user_id:
        return None
    return Caller(team_id=team_id, user_id=user_id)
