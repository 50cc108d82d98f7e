"""The bot's Web API calls, answered from the playground's workspace.

Each answer changes the workspace as Slack would (a message posted, a modal opened, a file
shared), so the page shows what a person would see. Nothing here knows the bot.
"""

from __future__ import annotations

import secrets
from typing import Any

from bot.playground.people import BOT_USER_ID, TEAM_CHANNEL, TEAM_ID
from bot.playground.surfaces import Message, StoredFile, new_file_id
from bot.playground.web_api import (
    Answer,
    Call,
    Responder,
    error_answer,
    json_dict,
    json_list,
    ok_answer,
)
from bot.playground.workspace_state import WorkspaceState


class WorkspaceWebApi:
    """Answers the Web API methods whose result depends on the workspace."""

    def __init__(self, state: WorkspaceState) -> None:
        self.state = state

    def responders(self) -> dict[str, Responder]:
        """The answer of each method, by name, for `FakeSlack.respond_with`."""
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

    def note_refusal(self, call: Call, body: dict[str, Any]) -> None:
        """Slack refuses Block Kit it cannot show; say so where the person would look."""
        if body.get("error") == "invalid_blocks":
            channel = self.state.channel_of(call.params.get("channel")) or TEAM_CHANNEL.id
            self.state.note(channel, f"Slack refused the bot's {call.method}: invalid_blocks")

    # -- who and where ---------------------------------------------------------------------

    def _auth_test(self, call: Call) -> Answer:
        return ok_answer(
            url="http://127.0.0.1/",
            team="Playground",
            user="ask-team",
            team_id=TEAM_ID,
            user_id=BOT_USER_ID,
            bot_id="B0BOT",
        )

    def _users_info(self, call: Call) -> Answer:
        user = self.state.users.get(str(call.params.get("user")))
        if user is None:
            return error_answer("user_not_found")
        return ok_answer(
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
        user = self.state.users.get(str(call.params.get("users", "")).split(",")[0])
        if user is None:
            return error_answer("user_not_found")
        return ok_answer(channel={"id": user.dm})

    # -- messages --------------------------------------------------------------------------

    def _post_message(self, call: Call) -> Answer:
        channel = self.state.channel_of(call.params.get("channel"))
        if channel is None:
            return error_answer("channel_not_found")
        message = self._bot_message(call)
        thread_ts = call.params.get("thread_ts")
        if thread_ts:
            message.thread_ts = str(thread_ts)
        self.state.add_message(channel, message)
        return ok_answer(channel=channel, ts=message.ts, message={"text": message.text})

    def _post_ephemeral(self, call: Call) -> Answer:
        channel = self.state.channel_of(call.params.get("channel"))
        user_id = str(call.params.get("user"))
        if channel is None or user_id not in self.state.users:
            return error_answer("channel_not_found" if channel is None else "user_not_in_channel")
        message = self._bot_message(call)
        message.only_for = user_id
        self.state.add_message(channel, message)
        return ok_answer(message_ts=message.ts)

    def _bot_message(self, call: Call) -> Message:
        text = str(call.params.get("text") or "")
        return Message(self.state.next_ts(), "bot", text, json_list(call.params.get("blocks")))

    def _update_message(self, call: Call) -> Answer:
        channel = self.state.channel_of(call.params.get("channel"))
        ts = str(call.params.get("ts"))
        text = str(call.params.get("text") or "")
        if channel is None or not self.state.replace_message(
            channel, ts, text, json_list(call.params.get("blocks"))
        ):
            return error_answer("message_not_found")
        return ok_answer(channel=channel, ts=ts)

    def _delete_message(self, call: Call) -> Answer:
        channel = self.state.channel_of(call.params.get("channel"))
        ts = str(call.params.get("ts"))
        if channel is None or not self.state.remove_message(channel, ts):
            return error_answer("message_not_found")
        return ok_answer(channel=channel, ts=ts)

    def _response_url(self, call: Call) -> Answer:
        origin = self.state.origins.get(call.path.rsplit("/", 1)[-1])
        if origin is None:
            # Slack answers an unknown or expired response_url with 404.
            return 404, {"ok": False, "error": "expired_url"}, {}
        self.state.reply(origin, call.params, ephemeral_default=True)
        return 200, {}, {}

    # -- modals and Home -------------------------------------------------------------------

    def _views_open(self, call: Call) -> Answer:
        return self._open_view(call, replace_stack=True)

    def _views_push(self, call: Call) -> Answer:
        return self._open_view(call, replace_stack=False)

    def _open_view(self, call: Call, *, replace_stack: bool) -> Answer:
        state = self.state
        with state.lock:
            user_id = state.triggers.pop(str(call.params.get("trigger_id")), None)
            if user_id is None:
                return error_answer("invalid_trigger_id")
            opened = state.new_view(json_dict(call.params.get("view")))
            stack = state.modals[user_id]
            if replace_stack:
                stack.clear()
            stack.append(opened)
            state.bump()
            return ok_answer(view=opened.as_slack(user_id))

    def _views_update(self, call: Call) -> Answer:
        view_id = call.params.get("view_id")
        external_id = call.params.get("external_id")
        view = json_dict(call.params.get("view"))
        state = self.state
        with state.lock:
            for user_id, stack in state.modals.items():
                for index, opened in enumerate(stack):
                    if opened.id == view_id or (
                        external_id and opened.view.get("external_id") == external_id
                    ):
                        stack[index] = state.new_view(view, opened.id)
                        state.bump()
                        return ok_answer(view=stack[index].as_slack(user_id))
        return error_answer("not_found")

    def _views_publish(self, call: Call) -> Answer:
        user_id = str(call.params.get("user_id"))
        state = self.state
        if user_id not in state.users:
            return error_answer("user_not_found")
        with state.lock:
            state.homes[user_id] = state.new_view(
                json_dict(call.params.get("view")), "VHOME" + user_id
            )
            state.bump()
            return ok_answer(view=state.homes[user_id].as_slack(user_id))

    # -- files -----------------------------------------------------------------------------

    def _upload_url(self, call: Call) -> Answer:
        file_id = new_file_id()
        # The page shows file ids: the URL that takes the file's bytes holds its own secret.
        secret = secrets.token_urlsafe(16)
        name = str(call.params.get("filename") or "file")
        with self.state.lock:
            self.state.files[file_id] = StoredFile(file_id, name, name)
            self.state.uploads[secret] = file_id
        return ok_answer(upload_url=f"{self.state.base_url}/upload/{secret}", file_id=file_id)

    def _file_upload(self, call: Call) -> Answer:
        secret = str(call.params.get("file", "")).rsplit("/", 1)[-1]
        with self.state.lock:
            # Used once: the bot's bytes, once in, stay.
            stored = self.state.files.get(self.state.uploads.pop(secret, ""))
            if stored is None:
                return 404, {"ok": False, "error": "invalid_upload_url"}, {}
            stored.content = bytes(call.params.get("raw") or b"")
        return 200, {}, {}

    def _complete_upload(self, call: Call) -> Answer:
        channel = self.state.channel_of(call.params.get("channel_id"))
        if channel is None:
            return error_answer("channel_not_found")
        shared: list[StoredFile] = []
        with self.state.lock:
            for described in json_list(call.params.get("files")) or []:
                stored = self.state.files.get(str(described.get("id")))
                if stored is not None:
                    stored.title = str(described.get("title") or stored.name)
                    shared.append(stored)
        comment = str(call.params.get("initial_comment") or "")
        self.state.add_message(channel, Message(self.state.next_ts(), "bot", comment, files=shared))
        return ok_answer(files=[{"id": stored.id, "title": stored.title} for stored in shared])
