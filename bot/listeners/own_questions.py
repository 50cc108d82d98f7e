"""Your workspace's own questions: `/ask-team add` and `/ask-team our questions` (routed
here by bot/listeners/commands.py), and the Remove button beside each listed question."""

from __future__ import annotations

from slack_bolt import Ack, App

from bot.blocks import as_dicts
from bot.blocks.notices import notice
from bot.blocks.own_questions import own_questions_blocks
from bot.blocks.refusals import words
from bot.domain.commands import AddQuestion
from bot.domain.interactions import Click
from bot.domain.payloads import parse_id
from bot.listeners.replies import button, stale_button
from bot.senders.after_ack import AfterAckSender, Delivery, Respond
from bot.services.context import Context
from bot.services.own_questions import (
    add_own_question,
    list_own_questions,
    remove_own_question,
)
from bot.vocabulary import ids
from bot.vocabulary.refusals import Reason, Refusal
from bot.vocabulary.text import escape_mrkdwn

LISTED = "Your workspace's questions"


def answer_add(ack: Ack, ctx: Context, parsed: AddQuestion) -> None:
    added = add_own_question(ctx, parsed.habit, parsed.text)
    if isinstance(added, Refusal):
        text = escape_mrkdwn(words(added))
        # A twin added in the same instant is no mistake of theirs: a note, not a warning.
        emoji = ":information_source:" if added.reason is Reason.ALREADY_THERE else ":warning:"
        ack(response_type="ephemeral", text=text, blocks=as_dicts(notice(text, emoji)))
        return
    text = (
        f"Added to {parsed.habit.title}. Anyone in your workspace may now be asked it; "
        "`/ask-team our questions` lists them."
    )
    ack(response_type="ephemeral", text=text, blocks=as_dicts(notice(text, ":seedling:")))


def answer_list(ack: Ack, ctx: Context) -> None:
    blocks = as_dicts(own_questions_blocks(list_own_questions(ctx)))
    ack(response_type="ephemeral", text=LISTED, blocks=blocks)


def register(app: App, sender: AfterAckSender) -> None:
    def remove_pressed(ctx: Context, click: Click) -> list[Delivery]:
        question_id = parse_id(click.value)
        if question_id is None:
            return [stale_button()]
        # Only a question of the presser's own workspace is removed; the list is theirs too.
        left = remove_own_question(ctx, question_id)
        return [Respond(LISTED, as_dicts(own_questions_blocks(left)))]

    button(app, sender, ids.CUSTOM_REMOVE, remove_pressed)
