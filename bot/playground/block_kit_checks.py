"""What Slack would reject in a call's Block Kit, checked with slack_sdk.models.

The stand-in checks every `blocks` and `view` it receives, so a test fails if we ever send
Block Kit Slack rejects.
"""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MESSAGE_BLOCK_LIMIT = 50
MESSAGE_TEXT_LIMIT = 40_000
# Their blocks make a view, not a message: the 50-block limit of messages does not apply.
VIEW_METHODS = frozenset({"views.open", "views.push", "views.update", "views.publish"})


def block_kit_problems(params: dict[str, Any], *, is_message: bool) -> list[str]:
    """What Slack would reject in the blocks, view or text of one call."""
    problems: list[str] = []
    blocks = params.get("blocks")
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    if blocks is not None:
        if is_message and len(blocks) > MESSAGE_BLOCK_LIMIT:
            problems.append(f"{len(blocks)} blocks in a message (limit {MESSAGE_BLOCK_LIMIT})")
        for block in blocks:
            problems.extend(_block_problems(block))
    view = params.get("view")
    if isinstance(view, str):
        view = json.loads(view)
    if view is not None:
        try:
            View(**view).validate_json()
            for block in view.get("blocks", []):
                problems.extend(_block_problems(block))
        except Exception as error:
            problems.append(f"invalid view: {error}")
    text = params.get("text")
    if isinstance(text, str) and len(text) > MESSAGE_TEXT_LIMIT:
        problems.append(f"text of {len(text)} characters")
    return problems


def _block_problems(block: dict[str, Any]) -> list[str]:
    try:
        parsed = Block.parse(block)
        if parsed is None:
            return [f"unknown block {block!r:.200}"]
        parsed.validate_json()
        # Serialising runs the element-level validators too.
        parsed.to_dict()
    except Exception as error:
        return [f"invalid block {block.get('type')}: {error}"]
    return []
