"""The playground's Slack workspace: pretend people, a channel, DMs, modals and Home tabs.

It answers the Web API calls the bot makes (through the fake Slack's responders) and keeps
what a person would see in Slack, so the page can show it. Nothing here knows the bot.
"""

from __future__ import annotations

import itertools
import json
import mimetypes
import secrets
import string
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.playground.fake_slack import Call, FakeSlack

Answer = tuple[int, dict[str, Any], dict[str, str]]

TEAM_ID = "T0PLAYGROUND"
BOT_USER_ID = "U0ASKTEAM"
# How many messages a conversation keeps: the page shows the latest, as Slack scrolls.
CONVERSATION_LIMIT = 200
# File ids in Slack's shape, random: a download's address is its file id, so the next one
# must not follow from the last.
FILE_ID_ALPHABET = string.ascii_uppercase + string.digits
FILE_ID_LENGTH = 16


def new_file_id() -> str:
    """A fresh file id: "F" and 16 random letters and digits (about 82 bits)."""
    return "F" + "".join(secrets.choice(FILE_ID_ALPHABET) for _ in range(FILE_ID_LENGTH))


@dataclass(frozen=True)
class PretendUser:
    """One person of the playground's workspace, in their own time zone."""

    id: str
    name: str
    real_name: str
    tz: str

    @property
    def dm(self) -> str:
        """The id of their DM with the bot."""
        return "D" + self.id[1:]


# Zones on both sides of the date line and of the equator, one with a half-hour offset, so a
# visitor sees each leader's nudge arrive at their own 9:00, DST included.
PRETEND_USERS = (
    PretendUser("U0ANA", "ana", "Ana Lima", "Europe/Lisbon"),
    PretendUser("U0BEN", "ben", "Ben Okafor", "America/New_York"),
    PretendUser("U0MEI", "mei", "Mei Tanaka", "Australia/Sydney"),
    PretendUser("U0DEV", "dev", "Dev Mehta", "Asia/Kolkata"),
)


@dataclass(frozen=True)
class Channel:
    id: str
    name: str


TEAM_CHANNEL = Channel("C0TEAM", "team")


@dataclass
class StoredFile:
    id: str
    name: str
    title: str
    content: bytes = b""

    @property
    def mimetype(self) -> str:
        return mimetypes.guess_type(self.name)[0] or "application/octet-stream"

    def as_json(self) -> dict[str, str]:
        return {
            "id": self.id,
            "name": self.name,
            "title": self.title,
            "url": f"/files/{self.id}/{self.name}",
            "mimetype": self.mimetype,
        }


@dataclass
class Message:
    ts: str
    # "bot", "user" (a pretend person) or "system" (what Slack itself says).
    author: str
    text: str
    blocks: list[dict[str, Any]] | None = None
    user: str | None = None
    # Who alone sees it, for an ephemeral message.
    only_for: str | None = None
    files: list[StoredFile] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "ts": self.ts,
            "author": self.author,
            "user": self.user,
            "text": self.text,
            "blocks": self.blocks,
            "ephemeral": self.only_for is not None,
            "files": [stored.as_json() for stored in self.files],
        }


@dataclass
class OpenView:
    """A modal in someone's stack, or their Home tab, as Slack keeps it."""

    id: str
    view: dict[str, Any]
    hash: str
    errors: dict[str, str] = field(default_factory=dict)

    def as_slack(self, user_id: str) -> dict[str, Any]:
        """The view as Slack puts it in payloads: our copy plus the ids Slack adds."""
        return {
            **self.view,
            "id": self.id,
            "hash": self.hash,
            "team_id": TEAM_ID,
            "app_id": "A0APP",
            "bot_id": "B0BOT",
            "user_id": user_id,
        }

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "view": {**self.view, "id": self.id, "hash": self.hash},
            "errors": self.errors,
        }


@dataclass(frozen=True)
class Origin:
    """Where a response_url answers: whose, in which conversation, about which message."""

    user_id: str
    channel: str
    ts: str | None


class Workspace:
    """What Slack would show each pretend user, kept from the bot's Web API calls."""

    def __init__(self, base_url: str, clock: Callable[[], datetime]) -> None:
        self.base_url = base_url
        # Messages are stamped with the playground's time, which jumps ahead with the nudges.
        self.clock = clock
        self.users = {user.id: user for user in PRETEND_USERS}
        self.channels = {TEAM_CHANNEL.id: TEAM_CHANNEL}
        self.conversations: dict[str, list[Message]] = {TEAM_CHANNEL.id: []}
        for user in PRETEND_USERS:
            self.conversations[user.dm] = []
        self.modals: dict[str, list[OpenView]] = {user.id: [] for user in PRETEND_USERS}
        self.homes: dict[str, OpenView] = {}
        self.files: dict[str, StoredFile] = {}
        self._origins: dict[str, Origin] = {}
        # The secret of each upload URL handed out and not used yet, and its file's id.
        self._uploads: dict[str, str] = {}
        self._triggers: dict[str, str] = {}
        self._numbers = itertools.count(1)
        self._changed = threading.Condition()
        self.version = 0

    # -- wiring ----------------------------------------------------------------------------

    def answer_for(self, fake: FakeSlack) -> None:
        """Answer the calls whose result depends on the workspace, and keep what they show."""
        for method, responder in self._responders().items():
            fake.respond_with(method, responder)
        fake.observers.append(self._note_refusal)

    def _responders(self) -> dict[str, Callable[[Call], Answer]]:
        return {
            "auth.test": self._auth_test,
            "users.info": self._users_info,
            "conversations.open": self._conversations_open,
            "chat.postMessage": self._post_message,
            "chat.postEphemeral": self._post_ephemeral,
            "chat.update": self._update_message,
            "chat.delete": self._delete_message,
            "views.open": self._views_open,
            "views.push": self._views_push,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "files.getUploadURLExternal": self._upload_url,
            "file_upload": self._file_upload,
            "files.completeUploadExternal": self._complete_upload,
            "response_url": self._response_url,
        }

    # -- what the page asks ----------------------------------------------------------------

    def user(self, user_id: str) -> PretendUser | None:
        return self.users.get(user_id)

    def can_see(self, user_id: str, channel: str) -> bool:
        return channel == TEAM_CHANNEL.id or channel == self.users[user_id].dm

    def wait_for_change(self, since: int, timeout: float) -> int:
        """Block until the version passes `since` (or `timeout` seconds); the version now."""
        with self._changed:
            self._changed.wait_for(lambda: self.version > since, timeout)
            return self.version

    def state_for(self, user_id: str) -> dict[str, Any]:
        """Everything `user_id` sees: their DM, the channel, their modals and Home."""
        user = self.users[user_id]
        with self._changed:
            return {
                "version": self.version,
                "user": user_id,
                "users": [
                    {"id": u.id, "name": u.name, "real_name": u.real_name, "tz": u.tz}
                    for u in self.users.values()
                ],
                "channels": [{"id": c.id, "name": c.name} for c in self.channels.values()],
                "dm_channel": user.dm,
                "conversations": {
                    channel: [
                        message.as_json()
                        for message in self.conversations[channel]
                        if message.only_for in (None, user_id)
                    ]
                    for channel in (user.dm, TEAM_CHANNEL.id)
                },
                "home": self.homes[user_id].as_json()["view"] if user_id in self.homes else None,
                "modals": [opened.as_json() for opened in self.modals[user_id]],
            }

    def response_url(self, origin: Origin) -> str:
        """A fresh response_url answering into `origin`."""
        token = secrets.token_urlsafe(12)
        with self._changed:
            self._origins[token] = origin
        return f"{self.base_url}/response/{token}"

    def trigger_id(self, user_id: str) -> str:
        """A fresh trigger_id: a modal opened with it opens for `user_id`."""
        trigger = f"{next(self._numbers)}.{int(time.time())}.{secrets.token_hex(8)}"
        with self._changed:
            self._triggers[trigger] = user_id
        return trigger

    def say(self, user_id: str, channel: str, text: str) -> None:
        """A pretend person writes in a conversation (the bot does not read it)."""
        self._add(channel, Message(self._ts(), "user", text, user=user_id))

    def note(self, channel: str, text: str, *, only_for: str | None = None) -> None:
        """Slack itself says something: a failed command, a click nobody answered."""
        self._add(channel, Message(self._ts(), "system", text, only_for=only_for))

    def reply(self, origin: Origin, body: dict[str, Any], *, ephemeral_default: bool) -> None:
        """Show what the bot answered, in an HTTP response or to a response_url."""
        if _flag(body.get("delete_original")) and origin.ts:
            self._remove(origin.channel, origin.ts)
            return
        text = str(body.get("text") or "")
        blocks = _json_list(body.get("blocks"))
        if not text and not blocks:
            return
        if _flag(body.get("replace_original")) and origin.ts:
            self._replace(origin.channel, origin.ts, text, blocks)
            return
        visible = body.get("response_type", "ephemeral" if ephemeral_default else "in_channel")
        only_for = origin.user_id if visible != "in_channel" else None
        self._add(origin.channel, Message(self._ts(), "bot", text, blocks, only_for=only_for))

    def message(self, channel: str, ts: str) -> Message | None:
        with self._changed:
            return next((m for m in self.conversations.get(channel, []) if m.ts == ts), None)

    def modal(self, user_id: str, view_id: str) -> OpenView | None:
        with self._changed:
            return next((v for v in self.modals[user_id] if v.id == view_id), None)

    def home(self, user_id: str) -> OpenView | None:
        with self._changed:
            return self.homes.get(user_id)

    def after_submission(self, user_id: str, view_id: str, body: dict[str, Any]) -> dict[str, str]:
        """Do what the bot's answer to a submission says; the field errors, if any."""
        action = body.get("response_action")
        with self._changed:
            stack = self.modals[user_id]
            index = next((i for i, v in enumerate(stack) if v.id == view_id), None)
            if index is None:
                return {}
            if action == "errors":
                errors = body.get("errors") or {}
                stack[index].errors = {str(k): str(v) for k, v in errors.items()}
            elif action == "update":
                stack[index] = self._new_view(_json_dict(body.get("view")), view_id)
            elif action == "push":
                stack.append(self._new_view(_json_dict(body.get("view"))))
            elif action == "clear":
                stack.clear()
            else:
                # An empty acknowledgement closes the view that was submitted.
                del stack[index:]
            self._bump()
            return dict(stack[index].errors) if action == "errors" else {}

    def close(self, user_id: str, view_id: str) -> OpenView | None:
        """The person closes a modal: it and any pushed on top of it go."""
        with self._changed:
            stack = self.modals[user_id]
            index = next((i for i, v in enumerate(stack) if v.id == view_id), None)
            if index is None:
                return None
            closed = stack[index]
            del stack[index:]
            self._bump()
            return closed

    def touch(self) -> None:
        """Something every page shows changed (the clock): wake them all."""
        with self._changed:
            self._bump()

    def file(self, file_id: str) -> StoredFile | None:
        with self._changed:
            return self.files.get(file_id)

    # -- the Web API ---------------------------------------------------------------------

    def _auth_test(self, call: Call) -> Answer:
        return _ok(
            url="http://127.0.0.1/",
            team="Playground",
            user="ask-team",
            team_id=TEAM_ID,
            user_id=BOT_USER_ID,
            bot_id="B0BOT",
        )

    def _users_info(self, call: Call) -> Answer:
        user = self.users.get(str(call.params.get("user")))
        if user is None:
            return _error("user_not_found")
        return _ok(
            user={
                "id": user.id,
                "team_id": TEAM_ID,
                "name": user.name,
                "real_name": user.real_name,
                "tz": user.tz,
                "deleted": False,
                "is_bot": False,
                "profile": {"real_name": user.real_name, "display_name": user.name},
            }
        )

    def _conversations_open(self, call: Call) -> Answer:
        user = self.users.get(str(call.params.get("users", "")).split(",")[0])
        if user is None:
            return _error("user_not_found")
        return _ok(channel={"id": user.dm})

    def _channel_of(self, value: Any) -> str | None:
        """A conversation id from a `channel` parameter: a DM, the channel, or a user's id."""
        channel = str(value or "")
        if channel in self.users:
            return self.users[channel].dm
        return channel if channel in self.conversations else None

    def _post_message(self, call: Call) -> Answer:
        channel = self._channel_of(call.params.get("channel"))
        if channel is None:
            return _error("channel_not_found")
        message = Message(
            self._ts(),
            "bot",
            str(call.params.get("text") or ""),
            _json_list(call.params.get("blocks")),
        )
        self._add(channel, message)
        return _ok(channel=channel, ts=message.ts, message={"text": message.text})

    def _post_ephemeral(self, call: Call) -> Answer:
        channel = self._channel_of(call.params.get("channel"))
        user_id = str(call.params.get("user"))
        if channel is None or user_id not in self.users:
            return _error("channel_not_found" if channel is None else "user_not_in_channel")
        message = Message(
            self._ts(),
            "bot",
            str(call.params.get("text") or ""),
            _json_list(call.params.get("blocks")),
            only_for=user_id,
        )
        self._add(channel, message)
        return _ok(message_ts=message.ts)

    def _update_message(self, call: Call) -> Answer:
        channel = self._channel_of(call.params.get("channel"))
        ts = str(call.params.get("ts"))
        text = str(call.params.get("text") or "")
        if channel is None or not self._replace(
            channel, ts, text, _json_list(call.params.get("blocks"))
        ):
            return _error("message_not_found")
        return _ok(channel=channel, ts=ts)

    def _delete_message(self, call: Call) -> Answer:
        channel = self._channel_of(call.params.get("channel"))
        ts = str(call.params.get("ts"))
        if channel is None or not self._remove(channel, ts):
            return _error("message_not_found")
        return _ok(channel=channel, ts=ts)

    def _views_open(self, call: Call) -> Answer:
        return self._open_view(call, replace_stack=True)

    def _views_push(self, call: Call) -> Answer:
        return self._open_view(call, replace_stack=False)

    def _open_view(self, call: Call, *, replace_stack: bool) -> Answer:
        with self._changed:
            user_id = self._triggers.pop(str(call.params.get("trigger_id")), None)
            if user_id is None:
                return _error("invalid_trigger_id")
            opened = self._new_view(_json_dict(call.params.get("view")))
            stack = self.modals[user_id]
            if replace_stack:
                stack.clear()
            stack.append(opened)
            self._bump()
            return _ok(view=opened.as_slack(user_id))

    def _views_update(self, call: Call) -> Answer:
        view_id = call.params.get("view_id")
        external_id = call.params.get("external_id")
        view = _json_dict(call.params.get("view"))
        with self._changed:
            for user_id, stack in self.modals.items():
                for index, opened in enumerate(stack):
                    if opened.id == view_id or (
                        external_id and opened.view.get("external_id") == external_id
                    ):
                        stack[index] = self._new_view(view, opened.id)
                        self._bump()
                        return _ok(view=stack[index].as_slack(user_id))
        return _error("not_found")

    def _views_publish(self, call: Call) -> Answer:
        user_id = str(call.params.get("user_id"))
        if user_id not in self.users:
            return _error("user_not_found")
        with self._changed:
            self.homes[user_id] = self._new_view(
                _json_dict(call.params.get("view")), "VHOME" + user_id
            )
            self._bump()
            return _ok(view=self.homes[user_id].as_slack(user_id))

    def _upload_url(self, call: Call) -> Answer:
        file_id = new_file_id()
        # The page shows file ids: the URL that takes the file's bytes holds its own secret.
        secret = secrets.token_urlsafe(16)
        name = str(call.params.get("filename") or "file")
        with self._changed:
            self.files[file_id] = StoredFile(file_id, name, name)
            self._uploads[secret] = file_id
        return _ok(upload_url=f"{self.base_url}/upload/{secret}", file_id=file_id)

    def _file_upload(self, call: Call) -> Answer:
        secret = str(call.params.get("file", "")).rsplit("/", 1)[-1]
        with self._changed:
            # Used once: the bot's bytes, once in, stay.
            stored = self.files.get(self._uploads.pop(secret, ""))
            if stored is None:
                return 404, {"ok": False, "error": "invalid_upload_url"}, {}
            stored.content = bytes(call.params.get("raw") or b"")
        return 200, {}, {}

    def _complete_upload(self, call: Call) -> Answer:
        channel = self._channel_of(call.params.get("channel_id"))
        if channel is None:
            return _error("channel_not_found")
        shared: list[StoredFile] = []
        with self._changed:
            for described in _json_list(call.params.get("files")) or []:
                stored = self.files.get(str(described.get("id")))
                if stored is not None:
                    stored.title = str(described.get("title") or stored.name)
                    shared.append(stored)
        comment = str(call.params.get("initial_comment") or "")
        self._add(channel, Message(self._ts(), "bot", comment, files=shared))
        return _ok(files=[{"id": stored.id, "title": stored.title} for stored in shared])

    def _response_url(self, call: Call) -> Answer:
        origin = self._origins.get(call.path.rsplit("/", 1)[-1])
        if origin is None:
            # Slack answers an unknown or expired response_url with 404.
            return 404, {"ok": False, "error": "expired_url"}, {}
        self.reply(origin, call.params, ephemeral_default=True)
        return 200, {}, {}

    def _note_refusal(self, call: Call, body: dict[str, Any]) -> None:
        """Slack refuses Block Kit it cannot show; say so where the person would look."""
        if body.get("error") == "invalid_blocks":
            channel = self._channel_of(call.params.get("channel")) or TEAM_CHANNEL.id
            self.note(channel, f"Slack refused the bot's {call.method}: invalid_blocks")

    # -- keeping ---------------------------------------------------------------------------

    def _new_view(self, view: dict[str, Any], view_id: str | None = None) -> OpenView:
        number = next(self._numbers)
        return OpenView(view_id or f"V{number:06d}", view, f"{time.time():.0f}.{number:08x}")

    def _ts(self) -> str:
        return f"{self.clock().timestamp():.0f}.{next(self._numbers):06d}"

    def _add(self, channel: str, message: Message) -> None:
        with self._changed:
            kept = self.conversations.setdefault(channel, [])
            kept.append(message)
            del kept[:-CONVERSATION_LIMIT]
            self._bump()

    def _replace(
        self, channel: str, ts: str, text: str, blocks: list[dict[str, Any]] | None
    ) -> bool:
        with self._changed:
            for message in self.conversations.get(channel, []):
                if message.ts == ts:
                    message.text, message.blocks = text, blocks
                    self._bump()
                    return True
            return False

    def _remove(self, channel: str, ts: str) -> bool:
        with self._changed:
            kept = self.conversations.get(channel, [])
            before = len(kept)
            kept[:] = [message for message in kept if message.ts != ts]
            self._bump()
            return len(kept) < before

    def _bump(self) -> None:
        # Called with the lock held.
        self.version += 1
        self._changed.notify_all()


def _ok(**fields: Any) -> Answer:
    return 200, {"ok": True, **fields}, {}


def _error(reason: str) -> Answer:
    return 200, {"ok": False, "error": reason}, {}


def _flag(value: Any) -> bool:
    return value is True or value == "true"


def _json_list(value: Any) -> list[dict[str, Any]] | None:
    """A list parameter, which the Web API client may send as JSON text."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    return value if isinstance(value, list) else None


def _json_dict(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    return value if isinstance(value, dict) else {}
