"""The playground started on a SQLite file of its own, and a visitor of its page, through the
same JSON requests its JavaScript makes."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.playground.run import Playground
from bot.playground.slack_driver import Response, request
from bot.vocabulary.config import Settings
from tests.support.blocks import block_and_button, text_of

State = dict[str, Any]
Message = dict[str, Any]

WHAT_THEY_SAID = "Reviews wait two days; we lose the thread."
TEAM = "C0TEAM"


def start_playground(database: Path) -> Playground:
    return Playground(
        Settings(
            slack_bot_token="",
            slack_signing_secret="",
            database_url=f"sqlite:///{database}",
            port=0,
        )
    )


@dataclass
class Visitor:
    """One browser tab of the playground, as one pretend user."""

    base_url: str
    user: str = "U0ANA"

    # -- what the page asks for --------------------------------------------------------------

    def post(self, verb: str, **body: Any) -> Response:
        payload = json.dumps({"user": self.user, **body}).encode()
        return request(
            "POST", f"{self.base_url}/ui/{verb}", payload, {"Content-Type": "application/json"}
        )

    def do(self, verb: str, **body: Any) -> dict[str, Any]:
        """A page request that must succeed at the HTTP level; its JSON answer."""
        answer = self.post(verb, **body)
        assert answer.status == 200, answer.text
        result: dict[str, Any] = answer.json
        return result

    def state(self) -> State:
        answer = request("GET", f"{self.base_url}/ui/state?user={self.user}&since=-1")
        assert answer.status == 200, answer.text
        result: State = answer.json
        return result

    def wait_until(self, condition: Callable[[State], Any], seconds: float = 5.0) -> State:
        """The state once `condition` holds (the bot sends after its ack)."""
        deadline = time.monotonic() + seconds
        while True:
            state = self.state()
            if condition(state):
                return state
            assert time.monotonic() < deadline, "the page never showed it"
            time.sleep(0.05)

    # -- what a person does ----------------------------------------------------------------

    def dm(self, state: State | None = None) -> list[Message]:
        state = state or self.state()
        messages: list[Message] = state["conversations"][state["dm_channel"]]
        return messages

    def in_channel(self, channel: str, state: State | None = None) -> list[Message]:
        """The messages of `channel` this person sees."""
        state = state or self.state()
        messages: list[Message] = state["conversations"][channel]
        return messages

    def command(self, text: str = "", channel: str | None = None) -> dict[str, Any]:
        """Type `/ask-team <text>` in `channel` (their DM with the app, unless said)."""
        return self.do("command", channel=channel or self.dm_channel(), text=text)

    def dm_channel(self) -> str:
        return "D" + self.user[1:]

    def click(self, message: Message, label: str, channel: str | None = None) -> dict[str, Any]:
        """Press the button labelled `label` on a message of `channel` (the DM, unless said)."""
        block, pressed = block_and_button(message["blocks"], label)
        return self.do(
            "action",
            surface="message",
            channel=channel or self.dm_channel(),
            ts=message["ts"],
            action={**pressed, "block_id": block.get("block_id", "")},
        )

    def click_in_modal(self, modal: dict[str, Any], label: str) -> dict[str, Any]:
        """Press the button labelled `label` in an open modal."""
        block, pressed = block_and_button(modal["view"]["blocks"], label)
        return self.do(
            "action",
            surface="modal",
            view_id=modal["id"],
            action={**pressed, "block_id": block.get("block_id", "")},
        )

    def top_modal(self, other_than: str | None = None) -> dict[str, Any]:
        """The modal on top, once there is one (and it is not the view `other_than`)."""
        modals = self.wait_until(lambda s: s["modals"] and s["modals"][-1]["id"] != other_than)
        top: dict[str, Any] = modals["modals"][-1]
        return top

    def submit(self, values: dict[str, Any]) -> dict[str, Any]:
        return self.do("submit", view_id=self.top_modal()["id"], values=values)

    def last_dm_saying(self, words: str) -> Message:
        state = self.wait_until(lambda s: any(words in m["text"] for m in self.dm(s)))
        return next(m for m in reversed(self.dm(state)) if words in m["text"])

    def last_saying(self, words: str, channel: str, seconds: float = 5.0) -> Message:
        """The latest message of `channel` whose text or blocks say `words`, once one does."""

        def says(message: Message) -> bool:
            return words in message["text"] or words in text_of(message["blocks"] or [])

        state = self.wait_until(
            lambda s: any(says(m) for m in self.in_channel(channel, s)), seconds
        )
        return next(m for m in reversed(self.in_channel(channel, state)) if says(m))
