"""Posts under the messages that asked the team: the leader's reply, a promise, its Done."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.blocks import as_dicts
from bot.blocks.notices import notice
from bot.senders.after_ack import AfterAck, Delivery, DirectMessage
from bot.services.closing import ReplyTarget
from bot.vocabulary.slack_call import Fault, SlackCallError, slack_call


def post_in_threads(
    user_id: str, targets: list[ReplyTarget], text: str, blocks: list[dict[str, Any]], said: str
) -> AfterAck:
    """Post under each message that asked the team, then tell the leader `said`."""

    def post(client: WebClient) -> list[Delivery]:
        refused: list[str] = []
        busy: list[str] = []
        for target in targets:
            try:
                slack_call(
                    client.chat_postMessage,
                    channel=target.channel,
                    thread_ts=target.thread_ts,
                    text=text,
                    blocks=blocks,
                )
            except SlackCallError as failure:
                if failure.fault is Fault.OUR_BUG:
                    raise  # the sender logs its traceback
                (refused if failure.fault is Fault.REFUSED else busy).append(target.channel)
        told: list[Delivery] = []
        # A channel the bot has left since, or a DM closed: the leader hears it; nothing is lost.
        if refused:
            missed = NOT_POSTED_IN.format(where=_where(refused))
            told.append(DirectMessage(user_id, missed, as_dicts(notice(missed, ":warning:"))))
        # Slack busy or out of reach, after the client's own retries: the team has not seen
        # it, and the leader must not believe they have.
        if busy:
            later = NOT_POSTED_YET.format(where=_where(busy))
            told.append(DirectMessage(user_id, later, as_dicts(notice(later, ":warning:"))))
        return told or [DirectMessage(user_id, said, as_dicts(notice(said, ":mega:")))]

    return AfterAck(run=post)


NOT_POSTED_IN = (
    "I could not post in {where}, where the team answered: invite me back with "
    "`/invite @ask-team`. What you wrote is kept in your log."
)
NOT_POSTED_YET = (
    "Slack did not take my post in {where} just now, so the team has not seen it yet. "
    "What you wrote is kept in your log: do the same again in a few minutes to tell them."
)


def _where(channels: list[str]) -> str:
    return ", ".join(f"<#{channel}>" for channel in channels)
