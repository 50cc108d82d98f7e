"""What Slack shows a person, as the playground keeps it: messages, files, modals, Home.

Each knows its JSON for the page (`as_json`); a view knows its shape in Slack's payloads too.
"""

from __future__ import annotations

import mimetypes
import secrets
import string
from dataclasses import dataclass, field
from typing import Any

from bot.playground.people import TEAM_ID

# File ids in Slack's shape, random: a download's address is its file id, so the next one
# must not follow from the last.
FILE_ID_ALPHABET = string.ascii_uppercase + string.digits
FILE_ID_LENGTH = 16


def new_file_id() -> str:
    """A fresh file id: "F" and 16 random letters and digits (about 82 bits)."""
    return "F" + "".join(secrets.choice(FILE_ID_ALPHABET) for _ in range(FILE_ID_LENGTH))


@dataclass
class StoredFile:
    """A file the bot uploaded, and its bytes once they arrived."""

    id: str
    name: str
    title: str
    content: bytes = b""

    @property
    def mimetype(self) -> str:
        """Its media type, guessed from its name."""
        return mimetypes.guess_type(self.name)[0] or "application/octet-stream"

    def as_json(self) -> dict[str, str]:
        """The file for the page, with the address that downloads it."""
        return {
            "id": self.id,
            "name": self.name,
            "title": self.title,
            "url": f"/files/{self.id}/{self.name}",
            "mimetype": self.mimetype,
        }


@dataclass
class Message:
    """One message in a conversation."""

    ts: str
    # "bot", "user" (a pretend person) or "system" (what Slack itself says).
    author: str
    text: str
    blocks: list[dict[str, Any]] | None = None
    user: str | None = None
    # Who alone sees it, for an ephemeral message.
    only_for: str | None = None
    files: list[StoredFile] = field(default_factory=list)
    # The message whose thread it replies in; None for a message of the conversation itself.
    thread_ts: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The message for the page."""
        return {
            "ts": self.ts,
            "thread_ts": self.thread_ts,
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
        """The view for the page, with the field errors the bot last returned."""
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
