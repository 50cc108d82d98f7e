"""Pure Block Kit builders returning `slack_sdk.models` objects; `as_dicts` validates them."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block, ButtonElement, ConfirmObject


def as_dicts(blocks: Sequence[Block]) -> list[dict[str, object]]:
    """Serialise blocks; slack_sdk raises SlackObjectFormationError where Slack would refuse."""
    return [block.to_dict() for block in blocks]


def delete_button(
    text: str, action_id: str, value: str, question: str, warning: str
) -> ButtonElement:
    """A red button that asks "are you sure?" before anything is deleted."""
    return ButtonElement(
        text=text,
        action_id=action_id,
        value=value,
        style="danger",
        confirm=ConfirmObject(
            title=question, text=warning, confirm="Delete", deny="Keep it", style="danger"
        ),
    )
