"""A visitor of the playground's page, through the same JSON requests its JavaScript makes."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.playground.slack_driver import Response, request
from tests.support.blocks import block_and_button

State = dict[str, Any]
Message = dict[str, Any]


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

    def command(self, text: str = "") -> dict[str, Any]:
        return self.do("command", channel=self.dm_channel(), text=text)

    def dm_channel(self) -> str:
        return "D" + self.user[1:]

    def click(self, message: Message, label: str) -> dict[str, Any]:
        """Press the button labelled `label` on a message of the DM."""
        block, pressed = block_and_button(message["blocks"], label)
        return self.do(
            "action",
            surface="message",
            channel=self.dm_channel(),
            ts=message["ts"],
            action={**pressed, "block_id": block.get("block_id", "")},
        )

    def top_modal(self) -> dict[str, Any]:
        modals = self.wait_until(lambda s: s["modals"])["modals"]
        top: dict[str, Any] = modals[-1]
        return top

    def submit(self, values: dict[str, Any]) -> dict[str, Any]:
        return self.do("submit", view_id=self.top_modal()["id"], values=values)

    def last_dm_saying(self, words: str) -> Message:
        state = self.wait_until(lambda s: any(words in m["text"] for m in self.dm(s)))
        return next(m for m in reversed(self.dm(state)) if words in m["text"])
