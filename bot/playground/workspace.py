"""The playground's Slack workspace: pretend people, a channel, DMs, modals and Home tabs.

It answers the Web API calls the bot makes (through the fake Slack's responders) and keeps
what a person would see in Slack, so the page can show it. Nothing here knows the bot.
What it holds is `workspace_state.py`; how it answers the bot, `workspace_web_api.py`.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import replace
from typing import Any

from bot.playground.fake_slack import FakeSlack
from bot.playground.people import TEAM_CHANNEL, TEAM_ID, PretendUser
from bot.playground.surfaces import Message, OpenView, Origin, StoredFile
from bot.playground.web_api import json_dict
from bot.playground.workspace_state import WorkspaceState
from bot.playground.workspace_web_api import WorkspaceWebApi

# The tests and scripts import TEAM_ID from here, where it always was.
__all__ = ["TEAM_ID", "Workspace"]


class Workspace(WorkspaceState):
    """What Slack would show each pretend user, kept from the bot's Web API calls."""

    def answer_for(self, fake: FakeSlack) -> None:
        """Answer the calls whose result depends on the workspace, and keep what they show."""
        web_api = WorkspaceWebApi(self)
        for method, responder in web_api.responders().items():
            fake.respond_with(method, responder)
        fake.observers.append(web_api.note_refusal)

    # -- what the page asks ----------------------------------------------------------------

    def user(self, user_id: str) -> PretendUser | None:
        """The pretend person with this id, if there is one."""
        return self.users.get(user_id)

    def can_see(self, user_id: str, channel: str) -> bool:
        """Whether the person is in the conversation: the channel, or their own DM."""
        return channel == TEAM_CHANNEL.id or channel == self.users[user_id].dm

    def wait_for_change(self, since: int, timeout: float) -> int:
        """Block until the version passes `since` (or `timeout` seconds); the version now."""
        with self.lock:
            self.lock.wait_for(lambda: self.version > since, timeout)
            return self.version

    def state_for(self, user_id: str) -> dict[str, Any]:
        """Everything `user_id` sees: their DM, the channel, their modals and Home."""
        user = self.users[user_id]
        with self.lock:
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
        with self.lock:
            self.origins[token] = origin
        return f"{self.base_url}/response/{token}"

    def answered_with(self, response_url: str, ts: str) -> None:
        """A command's response_url now names the reply its HTTP answer showed, so that
        `replace_original` replaces it, as in Slack."""
        token = response_url.rsplit("/", 1)[-1]
        with self.lock:
            origin = self.origins.get(token)
            if origin is not None:
                self.origins[token] = replace(origin, ts=ts)

    def trigger_id(self, user_id: str) -> str:
        """A fresh trigger_id: a modal opened with it opens for `user_id`."""
        trigger = f"{self.next_number()}.{int(time.time())}.{secrets.token_hex(8)}"
        with self.lock:
            self.triggers[trigger] = user_id
        return trigger

    def message(self, channel: str, ts: str) -> Message | None:
        """The message at `ts` in a conversation, if it is still there."""
        with self.lock:
            return next((m for m in self.conversations.get(channel, []) if m.ts == ts), None)

    def modal(self, user_id: str, view_id: str) -> OpenView | None:
        """The modal `view_id` in the person's stack, if it is open."""
        with self.lock:
            return next((v for v in self.modals[user_id] if v.id == view_id), None)

    def home(self, user_id: str) -> OpenView | None:
        """The person's Home tab, if the bot published one."""
        with self.lock:
            return self.homes.get(user_id)

    def after_submission(self, user_id: str, view_id: str, body: dict[str, Any]) -> dict[str, str]:
        """Do what the bot's answer to a submission says; the field errors, if any."""
        action = body.get("response_action")
        with self.lock:
            stack = self.modals[user_id]
            index = next((i for i, v in enumerate(stack) if v.id == view_id), None)
            if index is None:
                return {}
            if action == "errors":
                errors = body.get("errors") or {}
                stack[index].errors = {str(k): str(v) for k, v in errors.items()}
            elif action == "update":
                stack[index] = self.new_view(json_dict(body.get("view")), view_id)
            elif action == "push":
                stack.append(self.new_view(json_dict(body.get("view"))))
            elif action == "clear":
                stack.clear()
            else:
                # An empty acknowledgement closes the view that was submitted.
                del stack[index:]
            self.bump()
            return dict(stack[index].errors) if action == "errors" else {}

    def close(self, user_id: str, view_id: str) -> OpenView | None:
        """The person closes a modal: it and any pushed on top of it go."""
        with self.lock:
            stack = self.modals[user_id]
            index = next((i for i, v in enumerate(stack) if v.id == view_id), None)
            if index is None:
                return None
            closed = stack[index]
            del stack[index:]
            self.bump()
            return closed

    def touch(self) -> None:
        """Something every page shows changed (the clock): wake them all."""
        with self.lock:
            self.bump()

    def file(self, file_id: str) -> StoredFile | None:
        """A file the bot uploaded, by id."""
        with self.lock:
            return self.files.get(file_id)
