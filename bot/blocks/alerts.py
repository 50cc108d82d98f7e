"""The morale alert: what fell, in words, and a question to bring to the team about it."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.domain.heartbeat import label
from bot.services.alerts import MoraleAlert
from bot.vocabulary import ids
from bot.vocabulary.text import shown, slack_date


def what_fell(alert: MoraleAlert) -> str:
    """ "3.9 → 2.8 in #team since 12 Nov", or the leader's own low run, in words."""
    since = slack_date(alert.since)
    if alert.before is not None and alert.after is not None:
        where = f" in <#{alert.channel_id}>" if alert.channel_id else ""
        return (
            f"The team's pulse fell: *{alert.before:.1f} → {alert.after:.1f}*{where} since {since}."
        )
    run = ", ".join(label(beat) for beat in reversed(alert.readings))
    return f"Your last {len(alert.readings)} heartbeat readings were low: *{run}*, since {since}."


def alert_text(alert: MoraleAlert) -> str:
    """Notification and screen-reader fallback for the alert."""
    return "The team's heartbeat dropped" if alert.before is not None else "Three low heartbeats"


def alert_blocks(alert: MoraleAlert) -> list[Block]:
    """What fell, the question for a falling mood with its follow-ups, and what to do next."""
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(text=f":chart_with_downwards_trend: {what_fell(alert)}")
        )
    ]
    buttons: list[ButtonElement] = []
    if alert.question is not None:
        question = alert.question.question
        follow_ups = "\n".join(f"↳ {shown(text, 280)}" for text in question.follow_ups)
        blocks += [
            SectionBlock(
                text=MarkdownTextObject(
                    text="*A question for a falling mood:* "
                    f"{shown(question.text, 600)}\n{follow_ups}"
                )
            ),
            ContextBlock(
                elements=[MarkdownTextObject(text=f"*Why ask this:* {shown(question.why, 600)}")]
            ),
        ]
        buttons += [
            ButtonElement(
                text="Ask it out loud",
                action_id=ids.MORALE_ASK_ALOUD,
                value=alert.question.ref,
                style="primary",
            ),
            ButtonElement(
                text="Ask the team in Slack", action_id=ids.ASK_TEAM_OPEN, value=alert.question.ref
            ),
        ]
    buttons.append(
        ButtonElement(text="Turn off these alerts", action_id=ids.MORALE_ALERTS_OFF, value="off")
    )
    blocks.append(ActionsBlock(block_id="morale_alert_actions", elements=buttons))
    return blocks


ALERTS_OFF = (
    "Morale alerts are off. `/ask-team settings` turns them back on; "
    "the heartbeat trend is still on your Home tab."
)
