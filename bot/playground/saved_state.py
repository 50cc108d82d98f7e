"""The playground's own state, kept in a file beside its database: how far its clock has
jumped, and every conversation. A restart then shows what the database remembers: the
entries logged at the playground's time, and the messages open asks were posted as."""

from __future__ import annotations

import base64
import json
import logging
import os
import threading
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from bot.playground.clock import PlaygroundClock
from bot.playground.surfaces import Message, StoredFile
from bot.playground.workspace_state import WorkspaceState

logger = logging.getLogger(__name__)
VERSION = 1
# Changes are written at most this often, and once more when the playground stops.
SAVE_EVERY_SECONDS = 0.5


def state_file_for(database_url: str) -> Path | None:
    """`<database>.playground.json` beside a SQLite file; None for a database in memory."""
    url = make_url(database_url)
    if not url.drivername.startswith("sqlite") or url.database in (None, "", ":memory:"):
        return None
    return Path(f"{url.database}.playground.json")


@dataclass(frozen=True)
class SavedState:
    ahead: timedelta
    conversations: dict[str, list[Message]]


def _file_json(stored: StoredFile) -> dict[str, str]:
    content = base64.b64encode(stored.content).decode()
    return {"id": stored.id, "name": stored.name, "title": stored.title, "content": content}


def _message_json(message: Message) -> dict[str, Any]:
    return {
        "ts": message.ts,
        "author": message.author,
        "text": message.text,
        "blocks": message.blocks,
        "user": message.user,
        "only_for": message.only_for,
        "thread_ts": message.thread_ts,
        "files": [_file_json(stored) for stored in message.files],
    }


def _message(data: dict[str, Any]) -> Message:
    files = [
        StoredFile(f["id"], f["name"], f["title"], base64.b64decode(f["content"]))
        for f in data.get("files", [])
    ]
    return Message(
        str(data["ts"]),
        str(data["author"]),
        str(data["text"]),
        data.get("blocks"),
        data.get("user"),
        data.get("only_for"),
        files,
        data.get("thread_ts"),
    )


def save(path: Path, clock: PlaygroundClock, workspace: WorkspaceState) -> None:
    """Write the state at once, whole: a crash mid-write leaves the previous file."""
    with workspace.lock:
        conversations = {
            channel: [_message_json(message) for message in messages]
            for channel, messages in workspace.conversations.items()
        }
    data = {
        "version": VERSION,
        "ahead_seconds": clock.ahead.total_seconds(),
        "conversations": conversations,
    }
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(data), encoding="utf-8")
    os.replace(partial, path)


def load(path: Path) -> SavedState | None:
    """The state saved at `path`; None if there is none, or it cannot be read (said in the
    log: the playground then starts with its clock at real time and no messages)."""
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != VERSION:
            raise ValueError(f"version {data.get('version')!r}")
        conversations = {
            str(channel): [_message(message) for message in messages]
            for channel, messages in data["conversations"].items()
        }
        return SavedState(timedelta(seconds=float(data["ahead_seconds"])), conversations)
    except (OSError, ValueError, KeyError, TypeError) as error:
        logger.warning("playground state not restored from %s: %s", path.name, error)
        return None


class StateSaver:
    """Saves the state after each change, at most every SAVE_EVERY_SECONDS, until stopped."""

    def __init__(self, path: Path, clock: PlaygroundClock, workspace: WorkspaceState) -> None:
        self.path = path
        self._clock = clock
        self._workspace = workspace
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="playground-state", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        saved = -1
        while not self._stopped.wait(SAVE_EVERY_SECONDS):
            version = self._workspace.version
            if version != saved:
                self._save()
                saved = version

    def _save(self) -> None:
        try:
            save(self.path, self._clock, self._workspace)
        except OSError as error:
            logger.warning("playground state not saved: %s", error)

    def stop(self) -> None:
        """Save once more and stop."""
        self._stopped.set()
        self._thread.join(timeout=5)
        self._save()
