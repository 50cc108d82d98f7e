"""The browser's side of the playground: the page, its files, and what a click on it does.

Every click becomes what Slack would send the bot (signed, through `SlackDriver`), and the
bot's HTTP answer is shown as Slack would show it; everything the bot sends afterwards
arrives through the Web API and the workspace keeps it.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit
from zoneinfo import ZoneInfo

from bot.domain.commands import SUBCOMMANDS
from bot.playground.clock import PlaygroundClock
from bot.playground.slack_driver import Response, SlackDriver, User, event_callback
from bot.playground.workspace import (
    BOT_USER_ID,
    PRETEND_USERS,
    TEAM_ID,
    Origin,
    PretendUser,
    Workspace,
)
from bot.senders.nudges import NudgeDispatcher, PassReport
from bot.senders.team_asks import AskCloser, ClosingReport
from bot.services.context import Caller, Context
from bot.services.deps import Deps
from bot.services.playground_asks import earliest_open_close
from bot.services.schedules import next_nudge_at

# How long a state request waits for something new before answering with the same state.
LONG_POLL_SECONDS = 20.0
# The page's own requests are small; anything bigger is not from it.
MAX_BODY_BYTES = 256 * 1024
STATIC_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}
# What Slack shows when an app fails a slash command.
COMMAND_FAILED = '/ask-team failed with the error "{reason}"'
# `#team` or `@ana` as typed, not inside a word (`ana@example.com`); a name may hold dots,
# but a full stop after it ends the sentence, not the name.
TYPED_MENTION = re.compile(r"(?<![\w@#])([#@])([\w-]+(?:\.[\w-]+)*)")


class PageRequestError(ValueError):
    """The page sent something it never sends: a 400 with this text."""


@dataclass(frozen=True)
class PageReply:
    status: int
    body: bytes
    content_type: str
    headers: tuple[tuple[str, str], ...] = ()


def json_reply(value: Any, status: int = 200) -> PageReply:
    return PageReply(status, json.dumps(value).encode(), "application/json; charset=utf-8")


class Page:
    """Serves the page and turns what a person does on it into Slack's requests."""

    def __init__(
        self,
        workspace: Workspace,
        driver: SlackDriver,
        clock: PlaygroundClock,
        dispatcher: NudgeDispatcher,
        deps: Deps,
        closer: AskCloser,
    ) -> None:
        self.workspace = workspace
        self.driver = driver
        self.clock = clock
        self.dispatcher = dispatcher
        self.deps = deps
        self.closer = closer
        self._posts: dict[str, Callable[[PretendUser, dict[str, Any]], dict[str, Any]]] = {
            "command": self.command,
            "say": self.say,
            "action": self.action,
            "submit": self.submit,
            "close": self.close,
            "home": self.home_opened,
            "clock": self.move_clock,
        }

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
        request.send_response(reply.status)
        request.send_header("Content-Type", reply.content_type)
        request.send_header("Content-Length", str(len(reply.body)))
        request.send_header("Cache-Control", "no-store")
        for name, value in reply.headers:
            request.send_header(name, value)
        request.end_headers()
        if method != "HEAD":
            request.wfile.write(reply.body)
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
                user = self._user(_first(query, "user") or PRETEND_USERS[0].id)
                return json_reply(self.state(user, _since(_first(query, "since"))))
            return None
        if method == "POST" and path.startswith("/ui/"):
            handler = self._posts.get(path.removeprefix("/ui/"))
            if handler is None:
                return None
            body = _read_json(request)
            return json_reply(handler(self._user(body.get("user")), body))
        return None

    def _user(self, user_id: object) -> PretendUser:
        user = self.workspace.user(str(user_id))
        if user is None:
            raise PageRequestError(f"no pretend user {user_id!r}")
        return user

    def _channel(self, user: PretendUser, body: dict[str, Any]) -> str:
        channel = str(body.get("channel") or user.dm)
        if channel not in self.workspace.conversations or not self.workspace.can_see(
            user.id, channel
        ):
            raise PageRequestError(f"{user.name} cannot write in {channel!r}")
        return channel

    # -- reading ---------------------------------------------------------------------------

    def state(self, user: PretendUser, since: int) -> dict[str, Any]:
        """What `user` sees, as soon as it differs from version `since` (or after a while)."""
        self.workspace.wait_for_change(since, LONG_POLL_SECONDS)
        now = self.clock()
        next_nudge = next_nudge_at(self._context(user, now))
        return {
            **self.workspace.state_for(user.id),
            "now": now.isoformat(),
            "next_nudge": next_nudge.isoformat() if next_nudge else None,
            "commands": [
                {"usage": usage, "description": description}
                for subcommand in SUBCOMMANDS
                for usage, description in subcommand.help
            ],
        }

    def download(self, rest: str) -> PageReply:
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

    # -- what a person does ----------------------------------------------------------------

    def command(self, user: PretendUser, body: dict[str, Any]) -> dict[str, Any]:
        """`/ask-team <text>` typed in a conversation."""
        channel = self._channel(user, body)
        # The app's manifest sets should_escape: Slack sends `#team` as `<#C0TEAM|team>`.
        text = self._as_slack_sends(_text(body, "text"))
        origin = Origin(user.id, channel, None)
        form = self.driver.command_form(
            text,
            as_slack_user(user),
            channel,
            response_url=self.workspace.response_url(origin),
            trigger_id=self.workspace.trigger_id(user.id),
        )
        answer = self._send(lambda: self.driver.post(urlencode(form).encode()))
        if answer is None or answer.status != 200:
            reason = "operation_timeout" if answer is None else "dispatch_failed"
            self.workspace.note(channel, COMMAND_FAILED.format(reason=reason), only_for=user.id)
            return {"ok": False, "error": COMMAND_FAILED.format(reason=reason)}
        self.workspace.reply(origin, _answer_body(answer), ephemeral_default=True)
        return {"ok": True}

    def say(self, user: PretendUser, body: dict[str, Any]) -> dict[str, Any]:
        typed = self._as_slack_sends(_text(body, "text"))
        self.workspace.say(user.id, self._channel(user, body), typed)
        return {"ok": True}

    def action(self, user: PretendUser, body: dict[str, Any]) -> dict[str, Any]:
        """A click, or a choice in a menu, on a message, a modal or the Home tab."""
        action = body.get("action")
        if not isinstance(action, dict) or not isinstance(action.get("action_id"), str):
            raise PageRequestError("an action needs an action_id")
        action = {**action, "action_ts": f"{time.time():.6f}"}
        surface = body.get("surface")
        trigger_id = self.workspace.trigger_id(user.id)
        if surface == "message":
            channel = self._channel(user, body)
            message = self.workspace.message(channel, str(body.get("ts")))
            if message is None or message.only_for not in (None, user.id):
                raise PageRequestError("that message is gone")
            payload = self.driver.block_actions_payload(
                action,
                as_slack_user(user),
                container={
                    "type": "message",
                    "message_ts": message.ts,
                    "channel_id": channel,
                    "is_ephemeral": message.only_for is not None,
                },
                channel={"id": channel, "name": self._channel_name(channel)},
                # Slack leaves the message out of the payload when it is ephemeral.
                message=None
                if message.only_for
                else {
                    "type": "message",
                    "ts": message.ts,
                    "user": BOT_USER_ID,
                    "bot_id": "B0BOT",
                    "text": message.text,
                    "blocks": message.blocks or [],
                },
                response_url=self.workspace.response_url(Origin(user.id, channel, message.ts)),
                trigger_id=trigger_id,
            )
            where = channel
        elif surface in ("modal", "home"):
            opened = (
                self.workspace.modal(user.id, str(body.get("view_id")))
                if surface == "modal"
                else self.workspace.home(user.id)
            )
            if opened is None:
                raise PageRequestError("that view is closed")
            view = {**opened.as_slack(user.id), "state": _state(body.get("state"))}
            payload = self.driver.block_actions_payload(
                action,
                as_slack_user(user),
                container={"type": "view", "view_id": opened.id},
                view=view,
                trigger_id=trigger_id,
            )
            where = user.dm
        else:
            raise PageRequestError("surface must be message, modal or home")
        answer = self._send(lambda: self.driver.interaction(payload))
        if answer is None or answer.status != 200:
            self.workspace.note(where, "ask-team did not answer that click.", only_for=user.id)
            return {"ok": False, "error": "ask-team did not answer that click."}
        return {"ok": True}

    def submit(self, user: PretendUser, body: dict[str, Any]) -> dict[str, Any]:
        """The submit button of the top modal."""
        view_id = str(body.get("view_id"))
        opened = self.workspace.modal(user.id, view_id)
        if opened is None:
            raise PageRequestError("that view is closed")
        payload = self.driver.submission_payload(
            opened.as_slack(user.id),
            _state(body).get("values", {}),
            as_slack_user(user),
            trigger_id=self.workspace.trigger_id(user.id),
        )
        answer = self._send(lambda: self.driver.interaction(payload))
        if answer is None or answer.status != 200:
            # What Slack shows at the top of a modal whose app did not answer in time.
            return {"ok": False, "error": "We had some trouble connecting. Try again?"}
        errors = self.workspace.after_submission(user.id, view_id, _answer_body(answer))
        return {"ok": True, "errors": errors or None}

    def close(self, user: PretendUser, body: dict[str, Any]) -> dict[str, Any]:
        closed = self.workspace.close(user.id, str(body.get("view_id")))
        if closed is not None and closed.view.get("notify_on_close"):
            payload = {
                "type": "view_closed",
                "team": {"id": TEAM_ID, "domain": "playground"},
                "user": as_slack_user(user).payload(),
                "api_app_id": "A0APP",
                "view": closed.as_slack(user.id),
                "is_cleared": False,
            }
            self._send(lambda: self.driver.interaction(payload))
        return {"ok": True}

    def home_opened(self, user: PretendUser, body: dict[str, Any]) -> dict[str, Any]:
        """The person opens the app's Home tab: Slack tells the app."""
        event: dict[str, Any] = {
            "type": "app_home_opened",
            "user": user.id,
            "channel": user.dm,
            "tab": "home",
            "event_ts": f"{time.time():.6f}",
        }
        home = self.workspace.home(user.id)
        if home is not None:
            event["view"] = home.as_slack(user.id)
        envelope = event_callback(TEAM_ID, "Ev" + secrets.token_hex(6).upper(), event)
        body_bytes = json.dumps(envelope).encode()
        answer = self._send(lambda: self.driver.post(body_bytes, "application/json"))
        if answer is None or answer.status != 200:
            return {"ok": False, "error": "ask-team did not answer the Home tab's opening."}
        return {"ok": True}

    def move_clock(self, user: PretendUser, body: dict[str, Any]) -> dict[str, Any]:
        """Run the passes now, or jump to `user`'s next nudge or the next closing of answers."""
        action = body.get("action")
        if action == "run":
            return {"ok": True, "now": self.clock().isoformat(), "summary": self._run_passes()}
        if action == "next":
            due = next_nudge_at(self._context(user, self.clock()))
            missing = f"{user.real_name} has no nudge planned: try /ask-team schedule 9:00 weekdays"
        elif action == "close":
            due = earliest_open_close(self.deps, TEAM_ID)
            missing = "No question to the team is open: try /ask-team ask #team"
        else:
            raise PageRequestError("the clock can run, go to the next nudge or close answers")
        if due is None:
            return {"ok": False, "error": f"{missing} first."}
        self.clock.jump_to(due)
        local = self.clock().astimezone(ZoneInfo(user.tz))
        return {
            "ok": True,
            "now": self.clock().isoformat(),
            "summary": f"It is now {local:%a %d %b, %H:%M} for {user.real_name}: "
            + self._run_passes(),
        }

    def _run_passes(self) -> str:
        """What the clock's tick runs, at the playground's now; one line about it."""
        # Closings first, as the tick does: a jump past an ask's close ends it at once.
        closing = self.closer.run_pass(self.clock())
        report = self.dispatcher.run_pass(self.clock())
        # Every page shows the new time and next nudge, even where no message arrived.
        self.workspace.touch()
        return summary(report, closing)

    # -- helpers ---------------------------------------------------------------------------

    def _context(self, user: PretendUser, now: datetime) -> Context:
        return Context(self.deps, Caller(team_id=TEAM_ID, user_id=user.id), now)

    def _as_slack_sends(self, typed: str) -> str:
        """Typed text as Slack sends it: `& < >` escaped, `#team` and `@ana` linked."""
        escaped = typed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return TYPED_MENTION.sub(self._linked, escaped)

    def _linked(self, typed: re.Match[str]) -> str:
        """`#team` or `@ana` as Slack links it, if it names the channel or a pretend person."""
        sign, name = typed[1], typed[2].lower()
        if sign == "#":
            channel = next((c for c in self.workspace.channels.values() if c.name == name), None)
            return f"<#{channel.id}|{channel.name}>" if channel else typed[0]
        person = next((u for u in self.workspace.users.values() if u.name == name), None)
        return f"<@{person.id}|{person.name}>" if person else typed[0]

    def _channel_name(self, channel: str) -> str:
        found = self.workspace.channels.get(channel)
        return found.name if found else "directmessage"

    @staticmethod
    def _send(post: Callable[[], Response]) -> Response | None:
        """Post to the bot; None when it did not answer at all (Slack's timeout)."""
        try:
            return post()
        except OSError:
            return None


def as_slack_user(user: PretendUser) -> User:
    return User(user_id=user.id, team_id=TEAM_ID, name=user.name)


def summary(report: PassReport, closing: ClosingReport | None = None) -> str:
    """One line about the asks' closing pass (if it did anything) and a nudge pass."""
    sent = report.outcomes.get("sent", 0)
    parts = closing_summary(closing) if closing else []
    parts.append(f"{sent} nudge{'' if sent == 1 else 's'} sent")
    if report.missed:
        parts.append(f"{report.missed} missed (past the grace window)")
    others = {k: v for k, v in report.outcomes.items() if k != "sent" and v}
    parts.extend(f"{count} {name}" for name, count in sorted(others.items()))
    return ", ".join(parts)


def closing_summary(closing: ClosingReport) -> list[str]:
    """What the asks' closing pass did, in words; nothing if it did nothing."""
    said = []
    if closing.closed:
        said.append(f"answers closed on {closing.closed} question{_s(closing.closed)} to the team")
    if closing.posted:
        said.append(f"{closing.posted} question{_s(closing.posted)} to the team posted")
    if closing.failed:
        said.append(f"{closing.failed} summar{'y' if closing.failed == 1 else 'ies'} to retry")
    return said


def _s(count: int) -> str:
    return "" if count == 1 else "s"


def static_file(name: str) -> PageReply:
    """One of the page's own files, from the installed package."""
    suffix = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    if "/" in name or name.startswith(".") or suffix not in STATIC_TYPES:
        return PageReply(404, b"not found", "text/plain; charset=utf-8")
    try:
        content = resources.files("bot.playground").joinpath("static", name).read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        return PageReply(404, b"not found", "text/plain; charset=utf-8")
    return PageReply(200, content, STATIC_TYPES[suffix])


def is_json_media_type(content_type: str) -> bool:
    """Whether a Content-Type header is `application/json`, with at most a UTF-8 charset."""
    media_type, *parameters = content_type.split(";")
    if media_type.strip().lower() != "application/json":
        return False
    return all(_is_utf8_charset(parameter) for parameter in parameters if parameter.strip())


def _is_utf8_charset(parameter: str) -> bool:
    name, _, value = parameter.partition("=")
    return name.strip().lower() == "charset" and value.strip().strip('"').lower() == "utf-8"


def _read_json(request: BaseHTTPRequestHandler) -> dict[str, Any]:
    # Another site's page can send a form or text without asking first, but JSON only after
    # a CORS preflight, which this server never grants. Hence the media type itself, parsed:
    # `text/plain; x=application/json` is text.
    if not is_json_media_type(request.headers.get("Content-Type") or ""):
        raise PageRequestError("the page sends JSON (Content-Type: application/json)")
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        raise PageRequestError("Content-Length must be a number") from None
    if not 0 < length <= MAX_BODY_BYTES:
        raise PageRequestError("a JSON body of at most 256 KiB is needed")
    try:
        body = json.loads(request.rfile.read(length))
    except ValueError:
        raise PageRequestError("the body is not JSON") from None
    if not isinstance(body, dict):
        raise PageRequestError("the body must be a JSON object")
    return body


def _answer_body(answer: Response) -> dict[str, Any]:
    """The bot's acknowledgement as Slack reads it: JSON, plain text, or nothing."""
    if not answer.body.strip():
        return {}
    if "json" in answer.headers.get("Content-Type", answer.headers.get("content-type", "")):
        parsed = answer.json
        return parsed if isinstance(parsed, dict) else {}
    return {"text": answer.text}


def _state(value: Any) -> dict[str, Any]:
    """`{"values": …}` as the page sends it, or an empty state."""
    if isinstance(value, dict) and isinstance(value.get("values"), dict):
        return {"values": value["values"]}
    return {"values": {}}


def _text(body: dict[str, Any], name: str) -> str:
    value = body.get(name, "")
    if not isinstance(value, str):
        raise PageRequestError(f"{name} must be text")
    return value


def _first(query: dict[str, list[str]], name: str) -> str:
    return query.get(name, [""])[0]


def _since(value: str) -> int:
    return int(value) if value.isdigit() else -1
