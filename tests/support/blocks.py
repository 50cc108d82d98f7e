"""Find things in Block Kit the way a person does: by the words and labels they see.

Every finder takes the blocks of a message, modal or Home tab, or anything that holds them:
a command's reply body, a view, or a call the app made to the fake Slack.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from bot.playground.fake_slack import Call
from bot.playground.slack_driver import Response, SlackDriver, User

if TYPE_CHECKING:
    from tests.support.harness import Harness

Block = dict[str, Any]
Blocks = Sequence[Block]
Showing = Blocks | Mapping[str, Any] | Call
"""Blocks, or what holds them: a reply body, a view, a call's params, a call."""

# Slack gives a block sent without a `block_id` one of its own, and sends it with a click.
SLACK_MADE_BLOCK_ID = "Xq3z"

# Text a person does not see until they act: a button's "Are you sure?", a menu's choices.
_HIDDEN_KEYS = frozenset({"confirm", "accessibility_label", "dispatch_action_config"})
_MENU_CHOICES = frozenset({"options", "option_groups"})
# Checkboxes and radio buttons show their choices; which are picked is no new text.
_PICKED = frozenset({"initial_option", "initial_options"})
# Where a block's parts sit on screen, top to bottom and left to right.
_READING_ORDER = {
    key: rank
    for rank, key in enumerate(
        ("title", "label", "text", "fields", "elements", "element", "accessory", "hint")
    )
}


def blocks_in(showing: Showing) -> list[Block]:
    """The blocks of `showing`."""
    if isinstance(showing, Call):
        showing = showing.params
    if isinstance(showing, Mapping):
        found = showing.get("blocks")
        if found is None and isinstance(showing.get("view"), Mapping):
            found = showing["view"].get("blocks")
        assert found is not None, f"no blocks in {showing!r}"
        # The Web API takes `blocks` as a JSON string as well as a list.
        return list(json.loads(found) if isinstance(found, str) else found)
    return list(showing)


def _texts(node: object) -> Iterator[str]:
    """Every piece of text a person sees in `node`, in reading order."""
    if isinstance(node, list):
        for item in node:
            yield from _texts(item)
        return
    if not isinstance(node, Mapping):
        return
    if node.get("type") in ("mrkdwn", "plain_text") and isinstance(node.get("text"), str):
        yield node["text"]
        return
    hidden = _HIDDEN_KEYS | (
        _MENU_CHOICES if str(node.get("type", "")).endswith("select") else _PICKED
    )
    keys = [key for key in node if key not in hidden]
    for key in sorted(keys, key=lambda key: _READING_ORDER.get(key, len(_READING_ORDER))):
        yield from _texts(node[key])


def text_of(showing: Showing) -> str:
    """All the text a person sees, mrkdwn and plain, top to bottom, one piece a line."""
    return "\n".join(_texts(blocks_in(showing)))


def headline(showing: Showing) -> str:
    """The first thing a person reads."""
    first = next(_texts(blocks_in(showing)), None)
    assert first is not None, "nothing to read"
    return first


def section_with(showing: Showing, words: str) -> Block:
    """The first block that says `words`."""
    blocks = blocks_in(showing)
    for block in blocks:
        if words in text_of([block]):
            return block
    raise AssertionError(f"no block says {words!r}; what shows:\n{text_of(blocks)}")


def lines_under(showing: Showing, words: str) -> list[str]:
    """What a person reads under the block that says `words`, block by block, top to bottom."""
    blocks = blocks_in(showing)
    above = section_with(blocks, words)
    below = blocks[next(n for n, block in enumerate(blocks) if block is above) + 1 :]
    return [text for text in (text_of([block]) for block in below) if text]


def line_under(showing: Showing, words: str) -> str:
    """What a person reads right under the block that says `words`."""
    lines = lines_under(showing, words)
    assert lines, f"nothing shows under {words!r}"
    return lines[0]


def question_of(showing: Showing) -> str:
    """The question a person is given to ask their team: the line all in bold, without stars."""
    blocks = blocks_in(showing)
    bold = next(
        (text for text in _texts(blocks) if len(text) > 2 and text[0] == text[-1] == "*"), None
    )
    assert bold is not None, f"no question in bold; what shows:\n{text_of(blocks)}"
    return bold.strip("*")


# -- buttons -----------------------------------------------------------------------------------


def _buttons(blocks: Blocks) -> Iterator[tuple[Block, Block]]:
    """(block, button) for every button a person sees: in rows, and beside text."""
    for block in blocks:
        for element in [*block.get("elements", []), block.get("accessory") or {}]:
            if element.get("type") == "button":
                yield block, element


def _beside(blocks: Blocks, words: str) -> list[Block]:
    """The blocks with the buttons that go with what says `words`: the button beside it, or
    else the first row of buttons under it."""
    said = section_with(blocks, words)
    if (said.get("accessory") or {}).get("type") == "button":
        return [said]
    below = blocks[next(n for n, block in enumerate(blocks) if block is said) + 1 :]
    row = next((block for block in below if block["type"] == "actions"), None)
    assert row is not None, f"no buttons go with {words!r}"
    return [row]


def buttons(showing: Showing, *, beside: str | None = None) -> dict[str, Block]:
    """Every button a person sees, by label, top to bottom; only those that go with `beside`,
    if said. Of two buttons with one label, the lower one is kept."""
    blocks = blocks_in(showing)
    if beside is not None:
        blocks = _beside(blocks, beside)
    return {element["text"]["text"]: element for _, element in _buttons(blocks)}


def block_and_button(
    showing: Showing, label: str, beside: str | None = None
) -> tuple[Block, Block]:
    """The one button labelled `label` (that goes with `beside`, if said), and its block."""
    blocks = blocks_in(showing)
    scope = blocks if beside is None else _beside(blocks, beside)
    found = [(block, b) for block, b in _buttons(scope) if b["text"]["text"] == label]
    where = "" if beside is None else f" beside {beside!r}"
    seen = [b["text"]["text"] for _, b in _buttons(scope)]
    assert found, f"no button {label!r}{where}; buttons: {seen}"
    assert len(found) == 1, f"{len(found)} buttons {label!r}{where}: say which with `beside`"
    return found[0]


def button(showing: Showing, label: str, *, beside: str | None = None) -> Block:
    """The one button labelled `label` (that goes with `beside`, if said)."""
    return block_and_button(showing, label, beside)[1]


def press(
    who: Harness | SlackDriver,
    showing: Showing,
    label: str,
    *,
    beside: str | None = None,
    user: User | None = None,
    block_id: str | None = None,
) -> Response:
    """`user` (the leader, unless said) clicks the button labelled `label` (that goes with
    `beside`, if said) as Slack sends it: its action, its value, the id of its block."""
    block, pressed = block_and_button(showing, label, beside)
    slack = who if isinstance(who, SlackDriver) else who.slack
    return slack.click(
        pressed["action_id"],
        pressed.get("value", ""),
        user or User(),
        block_id=block_id or block.get("block_id") or SLACK_MADE_BLOCK_ID,
    )
