"""Who is asking: taken from Bolt's context (signed by Slack), never from values a client sends."""

from __future__ import annotations

from dataclasses import dataclass

from slack_bolt import BoltContext


@dataclass(frozen=True)
class Caller:
    team_id: str
    user_id: str


def caller_of(context: BoltContext) -> Caller | None:
    """The workspace and user behind this request, or None if Slack did not say."""
    team_id = context.team_id or context.enterprise_id
    user_id = context.user_id
    if not team_id or not user_id:
        return None
    return Caller(team_id=team_id, user_id=user_id)
