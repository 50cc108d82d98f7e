"""What the playground's workspace holds, under one lock, and the ways it changes.

Both sides change it: the bot, through its Web API calls (`workspace_web_api.py`), and the
page's visitor (`workspace.py`). Every change bumps `version`, which wakes the long polls.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.playground.people import PRETEND_USERS, TEAM_CHANNEL
from bot.playground.surfaces import Message, OpenView, Origin, StoredFile
from bot.playground.web_api import is_flag_set, json_list

# How many messages a conversation keeps: the page shows the latest, as Slack scrolls.
CONVERSATION_LIMIT = 200


class WorkspaceState:
    """The pretend people's conversations, modal stacks, Home tabs and files."""

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
        # Held to read or change anything here (reentrant); notified at every change.
        self.lock = threading.Condition()
        # What each response_url handed out answers into, and whose modal each trigger_id
        # opens: the page hands them out, the bot's calls use them.
        self.origins: dict[str, Origin] = {}
        self.triggers: dict[str, str] = {}
        # The secret of each upload URL handed out and not used yet, and its file's id.
        self.uploads: dict[str, str] = {}
        self._numbers = itertools.count(1)
        self.version = 0

    def say(self, user_id: str, channel: str, text: str) -> None:
        """A pretend person writes in a conversation (the bot does not read it)."""
        self.add_message(channel, Message(self.next_ts(), "user", text, user=user_id))

    def note(self, channel: str, text: str, *, only_for: str | None = None) -> None:
        """Slack itself says something: a failed command, a click nobody answered."""
        self.add_message(channel, Message(self.next_ts(), "system", text, only_for=only_for))

    def reply(self, origin: Origin, body: dict[str, Any], *, ephemeral_default: bool) -> str | None:
        """Show what the bot answered, in an HTTP response or to a response_url; the new
        message's ts, if it added one."""
        if is_flag_set(body.get("delete_original")) and origin.ts:
            self.remove_message(origin.channel, origin.ts)
            return None
        text = str(body.get("text") or "")
        blocks = json_list(body.get("blocks"))
        if not text and not blocks:
            return None
        if is_flag_set(body.get("replace_original")) and origin.ts:
            self.replace_message(origin.channel, origin.ts, text, blocks)
            return None
        visible = body.get("response_type", "ephemeral" if ephemeral_default else "in_channel")
        only_for = origin.user_id if visible != "in_channel" else None
        ts = self.next_ts()
        self.add_message(origin.channel, Message(ts, "bot", text, blocks, only_for=only_for))
        return ts

    def channel_of(self, value: Any) -> str | None:
        """A conversation id from a `channel` parameter: a DM, the channel, or a user's id."""
        channel = str(value or "")
        if channel in self.users:
            return self.users[channel].dm
        return channel if channel in self.conversations else None

    def next_number(self) -> int:
        """The next of the numbers that keep ids, stamps and hashes apart."""
        return next(self._numbers)

    def new_view(self, view: dict[str, Any], view_id: str | None = None) -> OpenView:
        """`view` as Slack keeps it once opened: with an id (new unless given) and a hash."""
        number = self.next_number()
        return OpenView(view_id or f"V{number:06d}", view, f"{time.time():.0f}.{number:08x}")

    def next_ts(self) -> str:
        """A message timestamp at the playground's now, later than any before it."""
        return f"{self.clock().timestamp():.0f}.{self.next_number():06d}"

    def add_message(self, channel: str, message: Message) -> None:
        """Add a message to a conversation, dropping the oldest past the limit."""
        with self.lock:
            kept = self.conversations.setdefault(channel, [])
            kept.append(message)
            del kept[:-CONVERSATION_LIMIT]
            self.bump()

    def replace_message(
        self, channel: str, ts: str, text: str, blocks: list[dict[str, Any]] | None
    ) -> bool:
        """Change a message's text and blocks; False if there is no such message."""
        with self.lock:
            for message in self.conversations.get(channel, []):
                if message.ts == ts:
                    message.text, message.blocks = text, blocks
                    self.bump()
                    return True
            return False

    def remove_message(self, channel: str, ts: str) -> bool:
        """Delete a message; False if there was no such message."""
        with self.lock:
            kept = self.conversations.get(channel, [])
            before = len(kept)
            kept[:] = [message for message in kept if message.ts != ts]
            self.bump()
            return len(kept) < before

    def restore(self, conversations: dict[str, list[Message]]) -> None:
        """The conversations saved before a restart, with their files."""
        with self.lock:
            for channel, messages in conversations.items():
                if channel in self.conversations:
                    self.conversations[channel] = messages[-CONVERSATION_LIMIT:]
                    self.files.update((f.id, f) for m in messages for f in m.files)
            self.bump()

    def clear(self) -> None:
        """Every conversation, modal, Home tab and file gone, as in a new workspace."""
        with self.lock:
            for messages in self.conversations.values():
                messages.clear()
            for stack in self.modals.values():
                stack.clear()
            self.homes.clear()
            self.files.clear()
            self.origins.clear()
            self.triggers.clear()
            self.uploads.clear()
            self.bump()

    def bump(self) -> None:
        """Count a change and wake whoever waits for one; call it with the lock held."""
        self.version += 1
        self.lock.notify_all()
