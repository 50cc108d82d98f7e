"""Pure Block Kit builders returning `slack_sdk.models` objects; `as_dicts` validates them."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block


def as_dicts(blocks: Sequence[Block]) -> list[dict[str, object]]:
    """Serialise blocks; slack_sdk raises SlackObjectFormationError where Slack would refuse."""
    return [block.to_dict() for block in blocks]
