"""Who is calling, set once per request by a Bolt middleware (`app.use`).

Taken from Bolt's context, which comes from Slack's signed request, never from values a
client sends. Listeners read it with `context_of`; a request that names no user (the
workspace-wide `app_uninstalled` and `tokens_revoked` events) gets None.

In a Slack Connect channel the request is for the host workspace (`team.id`, or a view's
`app_installed_team_id`) while the person may belong to another (`user.team_id`). Such an
outsider is answered here, politely, and no listener runs: nothing of theirs is stored
under the host, and nothing of the host's is shown to them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

from bot.blocks import as_dicts
from bot.blocks.notices import FROM_ANOTHER_WORKSPACE, another_workspace_view, notice
from bot.senders.after_ack import AfterAckSender, Respond
from bot.services.context import Caller, Context
from bot.services.deps import Deps

logger = logging.getLogger(__name__)
_KEY = "ask_team_context"


def register(app: App, deps: Deps, sender: AfterAckSender) -> None:
    """Install the middleware that puts the caller's `Context` on every request."""
    app.use(_WhoIsCalling(deps, sender))


class _WhoIsCalling(Middleware):
    """The caller middleware. A `Middleware` rather than a function: Bolt calls a function
    middleware through its argument injection, which built a dozen arguments on every request
    for the two this one reads."""

    def __init__(self, deps: Deps, sender: AfterAckSender) -> None:
        self._deps = deps
        self._sender = sender

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        context, body = req.context, req.body
        if is_outsider(context, body):
            return _turn_away(body, self._sender)
        caller = caller_of(context)
        context[_KEY] = Context(self._deps, caller, self._deps.clock()) if caller else None
        return next()


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


def own_workspace(body: dict[str, Any]) -> str | None:
    """The person's own workspace, where Slack says it apart from the request's: `user.team_id`
    on clicks and forms, and on events about a user (`user_change`).

    A slash command names only `team_id`: Slack runs a command through the app installed in
    the person's own workspace, so that one is theirs.
    """
    user = body.get("user")
    if not isinstance(user, dict):
        event = body.get("event")
        user = event.get("user") if isinstance(event, dict) else None
    team_id = user.get("team_id") if isinstance(user, dict) else None
    return team_id if isinstance(team_id, str) and team_id else None


def is_outsider(context: BoltContext, body: dict[str, Any]) -> bool:
    """Whether the person belongs to another workspace than the one the request is for."""
    own = own_workspace(body)
    return bool(context.team_id and own and own != context.team_id)


def _turn_away(body: dict[str, Any], sender: AfterAckSender) -> BoltResponse:
    """Tell an outsider, where they acted, that ask-team is not theirs here."""
    kind = body.get("type")
    # Their ids stay out of the log: who visits a shared channel is the host's business.
    logger.info("refused someone of another workspace (%s)", kind)
    if kind == "view_submission":
        view = another_workspace_view().to_dict()
        return BoltResponse(status=200, body={"response_action": "update", "view": view})
    if kind == "block_actions" and isinstance(body.get("response_url"), str):
        # Only they see it; without a response_url (a modal's button) the ack is all.
        blocks = as_dicts(notice(FROM_ANOTHER_WORKSPACE, ":wave:"))
        sender.reply(body, [Respond(FROM_ANOTHER_WORKSPACE, blocks, replace_original=False)])
    return BoltResponse(status=200, body="")
