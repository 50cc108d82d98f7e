"""Asking the team in Slack, as Block Kit: the ask's message in the channel or each DM, the
leader's replies under it, and the leader's word on whether it went out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.domain.team_ask_rules import AskKind
from bot.services.asks import AskMessage
from bot.vocabulary import ids
from bot.vocabulary.text import counted, escape_mrkdwn, shown


def where(channel_id: str | None, people: Sequence[str]) -> str:
    """ "in <#C…>", or "by DM to <@ana>, <@ben>"."""
    if channel_id is not None:
        return f"in <#{channel_id}>"
    names = ", ".join(f"<@{person}>" for person in people[:10])
    more = f" and {len(people) - 10} more" if len(people) > 10 else ""
    return f"by DM to {names}{more}"


def closes_text(closes_at: datetime) -> str:
    """When answers close, in each reader's own zone (UTC where Slack cannot say)."""
    stamp = int(closes_at.timestamp())
    utc = closes_at.astimezone(UTC)
    return f"<!date^{stamp}^{{date_short_pretty}} at {{time}}|{utc:%Y-%m-%d %H:%M} UTC>"


def privacy_line(message: AskMessage) -> str:
    """Who reads the team's answers, and how."""
    leader = f"<@{message.leader_user_id}>"
    if message.anonymous:
        return (
            f":lock: *Anonymous, unless you add your name.* {leader} reads anonymous answers "
            f"without names, when answers close, and only if at least {message.minimum} came in. "
            "ask-team keeps no record of who wrote them."
        )
    return f":bust_in_silhouette: *Named.* {leader} reads each answer with its author's name."


# -- the team's side ------------------------------------------------------------------------


def team_message(message: AskMessage) -> list[Block]:
    """The question as the team sees it: who asks, the privacy, how many answered, Answer."""
    asker = f"<@{message.leader_user_id}>"
    heading = "asks the team" if message.channel_id else "asks you"
    kind = " (the team's heartbeat, 1 to 5)" if message.kind is AskKind.PULSE else ""
    answered = counted(message.answered, "answer", "answers")
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text=f"{asker} {heading}{kind}:\n*{shown(message.question, 2000)}*"
            )
        ),
        ContextBlock(elements=[MarkdownTextObject(text=privacy_line(message))]),
    ]
    if message.last_promise is not None:
        # The next ask remembers the last: what the team was told, and where it stands.
        promise, done = message.last_promise
        stands = "done :white_check_mark:" if done else "in progress"
        blocks.insert(
            0,
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=f"Last time {asker} said: I'll {shown(promise, 500)} ({stands})"
                    )
                ]
            ),
        )
    if message.is_open:
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=f"{answered} so far · open until {closes_text(message.closes_at)}"
                    )
                ]
            )
        )
        blocks.append(_ask_button("team_answer", "Answer", ids.TEAM_ANSWER_OPEN, message))
    else:
        blocks.append(
            ContextBlock(
                elements=[MarkdownTextObject(text=f"Answers closed: {answered}. Thank you.")]
            )
        )
    return blocks


def _ask_button(block_id: str, text: str, action_id: str, message: AskMessage) -> ActionsBlock:
    return ActionsBlock(
        block_id=block_id,
        elements=[
            ButtonElement(
                text=text, action_id=action_id, value=str(message.ask_id), style="primary"
            )
        ],
    )


def team_message_text(message: AskMessage) -> str:
    """Notification fallback: Slack reads `text` as markup too, so it is escaped."""
    return f"A question from your lead: {escape_mrkdwn(message.question)}"


def reply_blocks(leader_user_id: str, text: str) -> list[Block]:
    """The leader's reply, posted under the question where the team answered."""
    return [
        SectionBlock(
            text=MarkdownTextObject(text=f"<@{leader_user_id}> replies:\n{shown(text, 2800)}")
        )
    ]


# -- the leader's side ------------------------------------------------------------------------


def asked_confirmation(message: AskMessage, *, default_close: bool = False) -> list[Block]:
    """The leader's reply once an ask is on its way. A default close is said in words: it
    moves into the leader's zone once Slack has told us it."""
    privacy = "anonymous" if message.anonymous else "named"
    closes = (
        "at the end of the next working day (18:00 your time)"
        if default_close
        else closes_text(message.closes_at)
    )
    return [
        SectionBlock(
            text=MarkdownTextObject(
                text=f":mega: Asking {where(message.channel_id, message.people)}: "
                f"*{shown(message.question, 700)}*"
            )
        ),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"Answers are {privacy} and close {closes}; "
                    "then the summary comes to you by DM. They also show in "
                    "`/ask-team history from:team`."
                )
            ]
        ),
    ]


def asked_text(message: AskMessage) -> str:
    """Notification fallback of `asked_confirmation`, escaped."""
    return f"Asking: {escape_mrkdwn(message.question)}"


def unposted_notice(message: AskMessage) -> list[Block]:
    """Slack would not let the bot post in the channel: how to fix it, and a way to retry."""
    channel = f"<#{message.channel_id}>"
    return [
        SectionBlock(
            text=MarkdownTextObject(
                text=f":warning: I could not post your question in {channel}: I am not a member "
                f"there. Type `/invite @ask-team` in {channel}, then press *Try again*. "
                "Your question is kept."
            )
        ),
        _ask_button("ask_retry", "Try again", ids.ASK_RETRY, message),
    ]


def unreached_notice(missed: Sequence[str], asked: int) -> list[Block]:
    """Slack would not deliver the question to some of the people asked by DM."""
    names = ", ".join(f"<@{person}>" for person in missed[:20])
    return [
        SectionBlock(
            text=MarkdownTextObject(
                text=f":warning: Slack did not deliver your question to {len(missed)} of the "
                f"{asked} people you asked: {names}. The others have it."
            )
        )
    ]
