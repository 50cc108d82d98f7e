"""One policy for exceptions that escape a listener or a middleware: never a 500.

The edge (bot/domain/edge.py) refuses what Slack would not send, so an exception here is our bug:
it is logged with its traceback, and the person gets a polite answer in the form their
request expects. A 500 would show them Slack's own failure banner, make Slack retry events,
and throw away what they typed into a modal.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse

from bot.blocks import as_dicts
from bot.blocks.notices import NOT_SAVED, SOMETHING_WENT_WRONG, notice
from bot.senders.after_ack import AfterAckSender, Respond

logger = logging.getLogger(__name__)


def register(app: App, sender: AfterAckSender) -> None:
    def on_error(error: Exception, request: BoltRequest) -> BoltResponse:
        body = request.body if isinstance(request.body, dict) else {}
        kind = _kind(body)
        logger.error("%s failed", _NAMES[kind], exc_info=error)
        return polite_answer(kind, body, sender)

    # Bolt hands both listener and middleware exceptions to this one handler, and sends
    # what it returns in place of its 500.
    app.error(on_error)


_NAMES = {
    "command": "a command",
    "button": "a button",
    "form": "a form",
    "event": "an event",
    "request": "a request",
}


def _kind(body: dict[str, Any]) -> str:
    if "command" in body:
        return "command"
    kind = body.get("type")
    return {
        "block_actions": "button",
        "view_submission": "form",
        "event_callback": "event",
    }.get(kind if isinstance(kind, str) else "", "request")


def polite_answer(kind: str, body: dict[str, Any], sender: AfterAckSender) -> BoltResponse:
    """What the person sees instead of a failure: in the reply itself for a command, under
    the first field for a form, and in a note beside the message for a button."""
    if kind == "command":
        return BoltResponse(
            status=200,
            body={
                "response_type": "ephemeral",
                "text": SOMETHING_WENT_WRONG,
                "blocks": as_dicts(notice(SOMETHING_WENT_WRONG, ":warning:")),
            },
        )
    if kind == "form":
        field = _first_input(body.get("view"))
        if field is not None:
            return BoltResponse(
                status=200, body={"response_action": "errors", "errors": {field: NOT_SAVED}}
            )
    if kind == "button":
        blocks = as_dicts(notice(SOMETHING_WENT_WRONG, ":warning:"))
        sender.reply(body, [Respond(SOMETHING_WENT_WRONG, blocks, replace_original=False)])
    # Acknowledged: an event Slack sees refused is retried, and the same bug would fail again.
    return BoltResponse(status=200, body="")


def _first_input(view: object) -> str | None:
    """The block id of the modal's first input, where Slack can show an error."""
    blocks = view.get("blocks") if isinstance(view, dict) else None
    for block in blocks if isinstance(blocks, list) else []:
        if isinstance(block, dict) and block.get("type") == "input":
            block_id = block.get("block_id")
            if isinstance(block_id, str) and block_id:
                return block_id
    return None
