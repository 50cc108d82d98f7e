"""What a person does on the playground's page, sent to the bot as Slack would send it.

A command, a click, a submission, a closed modal or an opened Home tab becomes Slack's signed
request (through `SlackDriver`); the bot's HTTP answer is shown as Slack would show it.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from bot.playground.clock import PlaygroundClock
from bot.playground.page_http import PageRequestError, text_field, view_state
from bot.playground.pass_summary import NOTHING_DONE, summary
from bot.playground.people import BOT_USER_ID, TEAM_ID, PretendUser
from bot.playground.slack_driver import Response, SlackDriver, User, event_callback
from bot.playground.surfaces import Origin
from bot.playground.typed_text import as_slack_sends
from bot.playground.workspace import Workspace
from bot.senders.nudges import NudgeDispatcher
from bot.senders.reminders import Reminders
from bot.senders.team_asks import AskCloser
from bot.services.context import Caller, Context
from bot.services.deps import Deps
from bot.services.playground_events import earliest_open_close, events_between
from bot.services.schedules import next_nudge_at

# What Slack shows when an app fails a slash command.
COMMAND_FAILED = '/ask-team failed with the error "{reason}"'
NO_ANSWER_TO_CLICK = "ask-team did not answer that click."

# One of the page's POSTs: the person, the JSON body it sent; the JSON to answer.
VisitorAction = Callable[[PretendUser, dict[str, Any]], dict[str, Any]]


class VisitorActions:
    """Each thing a person can do on the page, by the name the page posts it under."""

    def __init__(
        self,
        workspace: Workspace,
        driver: SlackDriver,
        clock: PlaygroundClock,
        dispatcher: NudgeDispatcher,
        deps: Deps,
        closer: AskCloser,
        reminders: Reminders,
        reset: Callable[[], None] = lambda: None,
    ) -> None:
        self.workspace = workspace
        self.driver = driver
        self.clock = clock
        self.dispatcher = dispatcher
        self.deps = deps
        self.closer = closer
        self.reminders = reminders
        self._reset = reset

    def by_name(self) -> dict[str, VisitorAction]:
        """The actions by the path the page posts them to (`/ui/<name>`)."""
        return {
            "command": self.command,
            "say": self.say,
            "action": self.action,
            "submit": self.submit,
            "close": self.close,
            "home": self.home_opened,
            "clock": self.move_clock,
            "reset": self.reset,
        }

    def reset(self, _user: PretendUser, _body: dict[str, Any]) -> dict[str, Any]:
        """Start again: no log, no schedules, no messages, the clock back at real time."""
        self._reset()
        return {"ok": True, "now": self.clock().isoformat()}

    def command(self, user: PretendUser, body: dict[str, Any]) -> dict[str, Any]:
        """`/ask-team <text>` typed in a conversation."""
        channel = self._channel(user, body)
        # The app's manifest sets should_escape: Slack sends `#team` as `<#C0TEAM|team>`.
        text = self._as_slack_sends(text_field(body, "text"))
        origin = Origin(user.id, channel, None)
        response_url = self.workspace.response_url(origin)
        form = self.driver.command_form(
            text,
            as_slack_user(user),
            channel,
            response_url=response_url,
            trigger_id=self.workspace.trigger_id(user.id),
        )
        answer = self._send(lambda: self.driver.post(urlencode(form).encode()))
        if answer is None or answer.status != 200:
            reason = "operation_timeout" if answer is None else "dispatch_failed"
            self.workspace.note(channel, COMMAND_FAILED.format(reason=reason), only_for=user.id)
            return {"ok": False, "error": COMMAND_FAILED.format(reason=reason)}
        shown = self.workspace.reply(origin, _answer_body(answer), ephemeral_default=True)
        if shown is not None:
            self.workspace.answered_with(response_url, shown)
        return {"ok": True}

    def say(self, user: PretendUser, body: dict[str, Any]) -> dict[str, Any]:
        """A message typed in a conversation: shown, and not sent to the bot."""
        typed = self._as_slack_sends(text_field(body, "text"))
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
            payload = self._message_action(user, action, channel, str(body.get("ts")), trigger_id)
            where = channel
        elif surface in ("modal", "home"):
            payload = self._view_action(user, action, body, trigger_id)
            where = user.dm
        else:
            raise PageRequestError("surface must be message, modal or home")
        answer = self._send(lambda: self.driver.interaction(payload))
        if answer is None or answer.status != 200:
            self.workspace.note(where, NO_ANSWER_TO_CLICK, only_for=user.id)
            return {"ok": False, "error": NO_ANSWER_TO_CLICK}
        return {"ok": True}

    def _message_action(
        self, user: PretendUser, action: dict[str, Any], channel: str, ts: str, trigger_id: str
    ) -> dict[str, Any]:
        """The block_actions payload of a click on the message at `ts`."""
        message = self.workspace.message(channel, ts)
        if message is None or message.only_for not in (None, user.id):
            raise PageRequestError("that message is gone")
        return self.driver.block_actions_payload(
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

    def _view_action(
        self, user: PretendUser, action: dict[str, Any], body: dict[str, Any], trigger_id: str
    ) -> dict[str, Any]:
        """The block_actions payload of a click in a modal or on the Home tab."""
        opened = (
            self.workspace.modal(user.id, str(body.get("view_id")))
            if body.get("surface") == "modal"
            else self.workspace.home(user.id)
        )
        if opened is None:
            raise PageRequestError("that view is closed")
        view = {**opened.as_slack(user.id), "state": view_state(body.get("state"))}
        return self.driver.block_actions_payload(
            action,
            as_slack_user(user),
            container={"type": "view", "view_id": opened.id},
            view=view,
            trigger_id=trigger_id,
        )

    def submit(self, user: PretendUser, body: dict[str, Any]) -> dict[str, Any]:
        """The submit button of the top modal."""
        view_id = str(body.get("view_id"))
        opened = self.workspace.modal(user.id, view_id)
        if opened is None:
            raise PageRequestError("that view is closed")
        payload = self.driver.submission_payload(
            opened.as_slack(user.id),
            view_state(body).get("values", {}),
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
        """The person closes a modal; Slack tells the bot if the view asked to know."""
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
            due = next_nudge_at(context_of(self.deps, user, self.clock()))
            missing = f"{user.real_name} has no nudge planned: try /ask-team schedule 9:00 weekdays"
        elif action == "close":
            due = earliest_open_close(self.deps, TEAM_ID)
            missing = "No question to the team is open: try /ask-team ask #team"
        else:
            raise PageRequestError("the clock can run, go to the next nudge or close answers")
        if due is None:
            return {"ok": False, "error": f"{missing} first."}
        said = self._stop_on_the_way(due)
        self.clock.jump_to(due)
        local = self.clock().astimezone(ZoneInfo(user.tz))
        return {
            "ok": True,
            "now": self.clock().isoformat(),
            "summary": f"It is now {local:%a %d %b, %H:%M} for {user.real_name}: "
            + "; ".join([*said, self._run_passes()]),
        }

    def _stop_on_the_way(self, until: datetime) -> list[str]:
        """Run the passes at each event due on the way to `until`, in order, as the clock's
        tick would have there; what each stop did, where it did anything."""
        said: list[str] = []
        while stops := events_between(self.deps, TEAM_ID, self.clock(), until):
            self.clock.jump_to(stops[0].at)
            done = self._run_passes()
            if done != NOTHING_DONE:
                said.append(f"{stops[0].at:%a %H:%M} UTC: {done}")
        return said

    def _run_passes(self) -> str:
        """What the clock's tick runs, at the playground's now; one line about it."""
        # Closings first, as the tick does: a jump past an ask's close ends it at once.
        closing = self.closer.run_pass(self.clock())
        report = self.dispatcher.run_pass(self.clock())
        reminded = self.reminders.run_pass(self.clock())
        # Every page shows the new time and next nudge, even where no message arrived.
        self.workspace.touch()
        return summary(report, closing, reminded)

    # -- helpers ---------------------------------------------------------------------------

    def _channel(self, user: PretendUser, body: dict[str, Any]) -> str:
        """The conversation the body names (the person's DM if none), if they are in it."""
        channel = str(body.get("channel") or user.dm)
        if channel not in self.workspace.conversations or not self.workspace.can_see(
            user.id, channel
        ):
            raise PageRequestError(f"{user.name} cannot write in {channel!r}")
        return channel

    def _as_slack_sends(self, typed: str) -> str:
        """Typed text as Slack sends it, linking the workspace's channel and people."""
        workspace = self.workspace
        return as_slack_sends(typed, workspace.channels.values(), workspace.users.values())

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


def context_of(deps: Deps, user: PretendUser, now: datetime) -> Context:
    """The bot's context for a pretend person at the playground's `now`."""
    return Context(deps, Caller(team_id=TEAM_ID, user_id=user.id), now)


def as_slack_user(user: PretendUser) -> User:
    """The pretend person as the driver names a Slack user."""
    return User(user_id=user.id, team_id=TEAM_ID, name=user.name)


def _answer_body(answer: Response) -> dict[str, Any]:
    """The bot's acknowledgement as Slack reads it: JSON, plain text, or nothing."""
    if not answer.body.strip():
        return {}
    if "json" in answer.headers.get("Content-Type", answer.headers.get("content-type", "")):
        parsed = answer.json
        return parsed if isinstance(parsed, dict) else {}
    return {"text": answer.text}
