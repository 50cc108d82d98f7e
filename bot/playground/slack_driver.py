"""Sends what Slack sends: signed, form-encoded slash commands and `payload=` interactions.

The tests drive the bot with it, and so does the playground's page.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import time
from dataclasses import dataclass, field
from itertools import count
from typing import Any
from urllib.parse import urlencode, urlsplit

from slack_sdk.signature import SignatureVerifier

_trigger_numbers = count(1)


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode()


@dataclass(frozen=True)
class User:
    """A Slack user in a workspace, as the payloads name them."""

    user_id: str = "U0LEADER"
    team_id: str = "T0TEAM"
    name: str = "leader"

    def payload(self) -> dict[str, str]:
        """The `user` object of an interaction payload."""
        return {
            "id": self.user_id,
            "username": self.name,
            "name": self.name,
            "team_id": self.team_id,
        }


class SlackDriver:
    """Posts signed requests to the app's `/slack/events` like Slack's servers would."""

    def __init__(self, events_url: str, signing_secret: str, response_url_base: str) -> None:
        self.events_url = events_url
        self.signer = SignatureVerifier(signing_secret)
        self.secret = signing_secret.encode()
        self.response_url_base = response_url_base

    # -- raw -------------------------------------------------------------------------------

    def post(
        self,
        body: bytes,
        content_type: str = "application/x-www-form-urlencoded",
        *,
        timestamp: int | str | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        signed = signature or self.sign(stamp, body)
        all_headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": signed,
            **(headers or {}),
        }
        return request("POST", self.events_url, body, all_headers)

    def sign(self, timestamp: str, body: bytes) -> str:
        try:
            signature: str | None = self.signer.generate_signature(timestamp=timestamp, body=body)
        except UnicodeDecodeError:
            # SignatureVerifier only signs text; sign raw bytes the same way (v0:ts:body).
            signature = None
        if signature is None:
            digest = hmac.new(
                self.secret, b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256
            )
            return "v0=" + digest.hexdigest()
        return signature

    # -- shapes Slack sends ----------------------------------------------------------------

    def command(self, text: str = "", user: User = User(), channel: str = "C0CHANNEL") -> Response:
        """`/ask-team <text>` typed by `user`."""
        return self.post(urlencode(self.command_form(text, user, channel)).encode())

    def command_form(
        self,
        text: str = "",
        user: User = User(),
        channel: str = "C0CHANNEL",
        *,
        response_url: str | None = None,
        trigger_id: str | None = None,
    ) -> dict[str, str]:
        """The fields Slack sends for `/ask-team <text>` (form-encoded over HTTP)."""
        return {
            "token": "legacy-verification-token",
            "team_id": user.team_id,
            "team_domain": "example",
            "channel_id": channel,
            "channel_name": "general",
            "user_id": user.user_id,
            "user_name": user.name,
            "command": "/ask-team",
            "text": text,
            "api_app_id": "A0APP",
            "is_enterprise_install": "false",
            "response_url": response_url or f"{self.response_url_base}/command",
            "trigger_id": trigger_id or self.trigger_id(),
        }

    def click(
        self,
        action_id: str,
        value: str,
        user: User = User(),
        *,
        response_url: str | None = None,
        block_id: str = "question_actions",
    ) -> Response:
        """`user` presses a button with `action_id` and `value` on an ephemeral message."""
        payload = self.click_payload(
            action_id, value, user, response_url=response_url, block_id=block_id
        )
        return self.interaction(payload)

    def click_payload(
        self,
        action_id: str,
        value: str,
        user: User = User(),
        *,
        response_url: str | None = None,
        block_id: str = "question_actions",
        channel: str = "C0CHANNEL",
        ephemeral: bool = True,
    ) -> dict[str, Any]:
        """The `block_actions` payload Slack sends for that press, on a message in `channel`
        (one only `user` sees, unless `ephemeral` is False)."""
        action = {
            "action_id": action_id,
            "block_id": block_id,
            "text": {"type": "plain_text", "text": "Button", "emoji": True},
            "value": value,
            "type": "button",
            "action_ts": f"{time.time():.6f}",
        }
        return self.block_actions_payload(
            action,
            user,
            container={
                "type": "message",
                "message_ts": "1700000000.000100",
                "channel_id": channel,
                "is_ephemeral": ephemeral,
            },
            channel={"id": channel, "name": "general"},
            response_url=response_url or f"{self.response_url_base}/click",
        )

    def block_actions_payload(
        self,
        action: dict[str, Any],
        user: User = User(),
        *,
        container: dict[str, Any],
        channel: dict[str, str] | None = None,
        message: dict[str, Any] | None = None,
        view: dict[str, Any] | None = None,
        response_url: str | None = None,
        trigger_id: str | None = None,
    ) -> dict[str, Any]:
        """`block_actions` for one `action` on a message (with its response_url) or a view."""
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": user.payload(),
            "api_app_id": "A0APP",
            "token": "legacy-verification-token",
            "container": container,
            "trigger_id": trigger_id or self.trigger_id(),
            "team": {"id": user.team_id, "domain": "example"},
            "enterprise": None,
            "is_enterprise_install": False,
            "state": {"values": {}},
            "actions": [action],
        }
        if channel is not None:
            payload["channel"] = channel
        if message is not None:
            payload["message"] = message
        if view is not None:
            payload["view"] = view
            payload["state"] = view.get("state", {"values": {}})
        if response_url is not None:
            payload["response_url"] = response_url
        return payload

    def submit(self, view: dict[str, Any], values: dict[str, Any], user: User = User()) -> Response:
        """`user` presses Save on the modal `view` (as we sent it) with these input `values`."""
        return self.interaction(self.submission_payload(view, values, user))

    def submission_payload(
        self,
        view: dict[str, Any],
        values: dict[str, Any],
        user: User = User(),
        *,
        trigger_id: str | None = None,
    ) -> dict[str, Any]:
        """The `view_submission` payload Slack sends for that Save."""
        return {
            "type": "view_submission",
            "team": {"id": user.team_id, "domain": "example"},
            "user": user.payload(),
            "api_app_id": "A0APP",
            "token": "legacy-verification-token",
            "trigger_id": trigger_id or self.trigger_id(),
            "view": {
                "id": view.get("id", "V0VIEW"),
                "team_id": user.team_id,
                "type": "modal",
                "blocks": view.get("blocks", []),
                "private_metadata": view.get("private_metadata", ""),
                "callback_id": view.get("callback_id", ""),
                "state": {"values": values},
                "hash": view.get("hash", "1700000000.abcdef"),
                "title": view.get("title"),
                "app_id": "A0APP",
                "bot_id": "B0BOT",
            },
            "response_urls": [],
            "is_enterprise_install": False,
            "enterprise": None,
        }

    def interaction(self, payload: dict[str, Any]) -> Response:
        return self.post(urlencode({"payload": json.dumps(payload)}).encode())

    @staticmethod
    def trigger_id() -> str:
        return f"{next(_trigger_numbers)}.1234567890.abcdef"


def request(
    method: str, url: str, body: bytes = b"", headers: dict[str, str] | None = None
) -> Response:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    try:
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request(method, target, body=body, headers=headers or {})
        answer = connection.getresponse()
        return Response(answer.status, answer.read(), dict(answer.getheaders()))
    finally:
        connection.close()


def event_callback(team_id: str, event_id: str, event: dict[str, Any]) -> dict[str, Any]:
    """The Events API envelope Slack wraps around one `event` of a workspace."""
    return {
        "type": "event_callback",
        "team_id": team_id,
        "api_app_id": "A0APP",
        "event_id": event_id,
        "event_time": 1_700_000_000,
        "event": event,
    }


def log_values(
    answer: str | None = "",
    people: list[str] | None = None,
    heartbeat: str | None = None,
    promise: str | None = None,
    due: str | None = None,
) -> dict[str, Any]:
    """`view.state.values` as Slack sends it for the log modal."""
    return {
        "promise_due": {"promise_due_date": {"type": "datepicker", "selected_date": due}},
        "answer": {"answer_text": {"type": "plain_text_input", "value": answer}},
        "people": {"people_select": {"type": "multi_users_select", "selected_users": people or []}},
        "heartbeat": {
            "heartbeat_select": {
                "type": "static_select",
                "selected_option": None
                if heartbeat is None
                else {"text": {"type": "plain_text", "text": heartbeat}, "value": heartbeat},
            }
        },
        "promise": {"promise_text": {"type": "plain_text_input", "value": promise}},
    }
