"""The browser's side of the playground: the page, its files, and what a click on it does.

Every click becomes what Slack would send the bot (signed, through `SlackDriver`, in
`page_actions.py`), and the bot's HTTP answer is shown as Slack would show it; everything the
bot sends afterwards arrives through the Web API and the workspace keeps it.
"""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from bot.domain.subcommands import SUBCOMMANDS
from bot.playground.clock import PlaygroundClock
from bot.playground.page_actions import VisitorActions, context_of
from bot.playground.page_http import (
    PageReply,
    PageRequestError,
    first_value,
    json_reply,
    read_json,
    send_page_reply,
    since_version,
    static_file,
)
from bot.playground.people import PRETEND_USERS, TEAM_ID, PretendUser
from bot.playground.workspace import Workspace
from bot.services.deps import Deps
from bot.services.playground_events import next_event
from bot.services.schedules import next_nudge_at

# How long a state request waits for something new before answering with the same state.
LONG_POLL_SECONDS = 20.0


class Page:
    """Serves the page, what each person sees on it, and their files; `VisitorActions` does
    what they do on it."""

    def __init__(
        self, workspace: Workspace, clock: PlaygroundClock, deps: Deps, actions: VisitorActions
    ) -> None:
        self.workspace = workspace
        self.clock = clock
        self.deps = deps
        # The tests watch what the page sends the bot through it.
        self.driver = actions.driver
        self._posts = actions.by_name()

    # -- HTTP ------------------------------------------------------------------------------

    def handle(self, request: BaseHTTPRequestHandler, method: str) -> bool:
        """Answer one request of the browser; False when the path is not the page's."""
        parts = urlsplit(request.path)
        try:
            reply = self._route(request, method, parts.path, parse_qs(parts.query))
        except PageRequestError as error:
            reply = json_reply({"ok": False, "error": str(error)}, 400)
        if reply is None:
            return False
        send_page_reply(request, method, reply)
        return True

    def _route(
        self,
        request: BaseHTTPRequestHandler,
        method: str,
        path: str,
        query: dict[str, list[str]],
    ) -> PageReply | None:
        # Only requests to our own address, from no page but ours, get here (door_refusal).
        if method in ("GET", "HEAD"):
            if path == "/":
                return static_file("index.html")
            if path == "/healthz":
                return PageReply(200, b"ok", "text/plain; charset=utf-8")
            if path.startswith("/static/"):
                return static_file(path.removeprefix("/static/"))
            if path.startswith("/files/"):
                return self.download(path.removeprefix("/files/"))
            if path == "/ui/state":
                # A first visit names nobody: it is the first pretend person's page.
                user = self._user(first_value(query, "user") or PRETEND_USERS[0].id)
                return json_reply(self.state(user, since_version(first_value(query, "since"))))
            return None
        if method == "POST" and path.startswith("/ui/"):
            handler = self._posts.get(path.removeprefix("/ui/"))
            if handler is None:
                return None
            body = read_json(request)
            return json_reply(handler(self._user(body.get("user")), body))
        return None

    def _user(self, user_id: object) -> PretendUser:
        user = self.workspace.user(str(user_id))
        if user is None:
            raise PageRequestError(f"no pretend user {user_id!r}")
        return user

    # -- reading ---------------------------------------------------------------------------

    def state(self, user: PretendUser, since: int) -> dict[str, Any]:
        """What `user` sees, as soon as it differs from version `since` (or after a while)."""
        self.workspace.wait_for_change(since, LONG_POLL_SECONDS)
        now = self.clock()
        next_nudge = next_nudge_at(context_of(self.deps, user, now))
        coming = next_event(self.deps, TEAM_ID, now)
        return {
            **self.workspace.state_for(user.id),
            "now": now.isoformat(),
            "next_nudge": next_nudge.isoformat() if next_nudge else None,
            # Of anyone's: a jump stops there on its way (bot/playground/page_actions.py).
            "next_event": {"at": coming.at.isoformat(), "what": coming.what} if coming else None,
            "commands": [
                {"usage": usage, "description": description}
                for subcommand in SUBCOMMANDS
                for usage, description in subcommand.help
            ],
        }

    def download(self, rest: str) -> PageReply:
        """A file the bot uploaded: shown if an image, else saved."""
        stored = self.workspace.file(rest.split("/", 1)[0])
        if stored is None:
            return PageReply(404, b"no such file", "text/plain; charset=utf-8")
        disposition = "inline" if stored.mimetype.startswith("image/") else "attachment"
        return PageReply(
            200,
            stored.content,
            stored.mimetype,
            (("Content-Disposition", f'{disposition}; filename="{stored.name}"'),),
        )
