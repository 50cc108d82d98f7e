"""Socket Mode with the same shape policy as `POST /slack/events` (bot/domain/edge.py).

Envelopes arrive decoded over a connection we opened, so there is no signature to check,
but Bolt would still choke on a payload in a shape Slack does not send: it builds its
context before any middleware runs, so the check has to come before Bolt.
"""

from __future__ import annotations

import logging

from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from bot.domain.edge import check_socket_payload
from bot.domain.shape_fields import MalformedError
from bot.listeners import SLASH_COMMANDS
from bot.vocabulary.response_urls import response_url_origins

logger = logging.getLogger(__name__)


class GuardedSocketModeHandler(SocketModeHandler):
    """Bolt's Socket Mode handler, refusing what bot/domain/edge.py refuses over HTTP."""

    # Bolt's own handler narrows the client type the same way.
    def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:  # type: ignore[override]
        try:
            # The app's client was made with SLACK_API_URL, the stand-in's address in tests.
            origins = response_url_origins(self.app.client.base_url)
            check_socket_payload(req.type, req.payload, SLASH_COMMANDS, origins)
        except MalformedError as problem:
            logger.warning("refused a Socket Mode envelope: %s", problem)
            # Acknowledged all the same: the sender's retries would be refused just the same.
            client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))
            return
        super().handle(client, req)
