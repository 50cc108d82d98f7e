"""The Web API as the Slack stand-in sees it: one call, its parameters, and Slack's answers.

`default_answer` is what the stand-in says to each method we use when nobody overrides it
(`FakeSlack.respond_with`); the playground's workspace answers with its own state instead.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# (HTTP status, JSON body, extra headers), as the stand-in sends it back.
Answer = tuple[int, dict[str, Any], dict[str, str]]
Responder = Callable[["Call"], Answer]
# Sees each call and what was answered (the playground keeps its conversations this way).
Observer = Callable[["Call", dict[str, Any]], None]


@dataclass
class Call:
    """One request the stand-in received, as the Web API method it stands for."""

    method: str  # a Web API method such as "chat.postMessage", or "response_url"
    params: dict[str, Any]
    path: str
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)
    # What the stand-in answered: 200, or 429 when over Slack's limits.
    status: int = 200


def ok_answer(**fields: Any) -> Answer:
    """Slack's success: `{"ok": true, …fields}`."""
    return 200, {"ok": True, **fields}, {}


def error_answer(reason: str) -> Answer:
    """Slack's refusal: HTTP 200 with `{"ok": false, "error": reason}`."""
    return 200, {"ok": False, "error": reason}, {}


def default_answer(call: Call) -> dict[str, Any]:
    """What Slack answers to a successful call of each method we use."""
    params = call.params
    if call.method == "auth.test":
        if "revoked" in call.headers.get("Authorization", ""):
            return {"ok": False, "error": "invalid_auth"}
        return {
            "ok": True,
            "url": "https://example.slack.com/",
            "team": "Example",
            "user": "ask-team",
            "team_id": "T0TEAM",
            "user_id": "UBOT",
            "bot_id": "BBOT",
        }
    if call.method == "chat.postMessage":
        channel = str(params.get("channel", ""))
        return {
            "ok": True,
            # A post to a person goes to their DM with the bot; to a channel, there.
            "channel": channel if channel[:1] in ("C", "G") else "D0DM",
            "ts": f"{time.time():.6f}",
            "message": {"text": params.get("text", "")},
        }
    if call.method in ("views.open", "views.update", "views.publish"):
        return {"ok": True, "view": {"id": "V0VIEW", **(params.get("view") or {})}}
    if call.method == "users.info":
        return {
            "ok": True,
            "user": {
                "id": params.get("user"),
                "tz": "Europe/Paris",
                "tz_offset": 3600,
                "deleted": False,
            },
        }
    if call.method == "conversations.open":
        return {"ok": True, "channel": {"id": "D0DM"}}
    if call.method == "files.getUploadURLExternal":
        host = call.headers.get("Host", "127.0.0.1")
        return {"ok": True, "upload_url": f"http://{host}/upload/F0FILE", "file_id": "F0FILE"}
    if call.method == "files.completeUploadExternal":
        return {"ok": True, "files": [{"id": "F0FILE", "title": "export"}]}
    if call.method in ("response_url", "file_upload"):
        return {}
    return {"ok": True}


def is_flag_set(value: Any) -> bool:
    """Whether a boolean parameter is on: JSON `true`, or "true" in a form."""
    return value is True or value == "true"


def json_list(value: Any) -> list[dict[str, Any]] | None:
    """A list parameter, which the Web API client may send as JSON text."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    return value if isinstance(value, list) else None


def json_dict(value: Any) -> dict[str, Any]:
    """An object parameter (a view), which may come as JSON text; {} if it is not one."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    return value if isinstance(value, dict) else {}
