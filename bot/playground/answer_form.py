"""The team's answer form filled in, as Slack sends it: what someone in a channel submits when
they answer a leader's ask (the tests and bench/team_answers.py send it; see slack_driver.py
for the leader's forms)."""

from __future__ import annotations

from typing import Any

from bot.vocabulary import ids


def answer_values(
    text: str | None, *, add_name: bool = False, score: int | None = None
) -> dict[str, Any]:
    """`view.state.values` of the answer form as Slack sends it."""
    chosen = [{"value": "named", "text": {"type": "plain_text", "text": "Put my name to it"}}]
    values: dict[str, Any] = {
        ids.TEAM_ANSWER_TEXT_BLOCK: {
            ids.TEAM_ANSWER_TEXT_ACTION: {"type": "plain_text_input", "value": text}
        },
        ids.TEAM_ANSWER_NAME_BLOCK: {
            ids.TEAM_ANSWER_NAME_ACTION: {
                "type": "checkboxes",
                "selected_options": chosen if add_name else [],
            }
        },
    }
    if score is not None:
        values[ids.TEAM_ANSWER_SCORE_BLOCK] = {
            ids.TEAM_ANSWER_SCORE_ACTION: {
                "type": "radio_buttons",
                "selected_option": {"value": str(score)},
            }
        }
    return values
