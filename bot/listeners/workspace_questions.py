"""`/ask-team add` and `/ask-team our questions`: a workspace's own questions."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk.models.blocks import Block, MarkdownTextObject, SectionBlock
from sqlalchemy.exc import IntegrityError

from bot.blocks import as_dicts, delete_button
from bot.blocks.notices import notice
from bot.commands import AddQuestion
from bot.deps import Deps
from bot.habits import Habit
from bot.listeners.identity import Caller, caller_of
from bot.listeners.outbox import Outbox, Respond
from bot.payloads import parse_id
from bot.services.custom_questions import (
    QuestionRefusedError,
    add_question,
    remove_question,
    workspace_questions,
)
from bot.store.models import CustomQuestion
from bot.text import escape_mrkdwn
from bot.vocabulary import ids

logger = logging.getLogger(__name__)


def answer_add(ack: Ack, caller: Caller, parsed: AddQuestion, deps: Deps) -> None:
    try:
        with deps.database.transaction() as session:
            add_question(
                session, caller.team_id, caller.user_id, parsed.habit, parsed.text, deps.clock()
            )
    except QuestionRefusedError as refusal:
        text = escape_mrkdwn(str(refusal))
        ack(response_type="ephemeral", text=text, blocks=as_dicts(notice(text, ":warning:")))
        return
    except IntegrityError:
        text = "Your workspace has that question already."
        ack(response_type="ephemeral", text=text, blocks=as_dicts(notice(text)))
        return
    text = (
        f"Added to {parsed.habit.title}. Anyone in your workspace may now be asked it; "
        "`/ask-team our questions` lists them."
    )
    ack(response_type="ephemeral", text=text, blocks=as_dicts(notice(text, ":seedling:")))


def answer_list(ack: Ack, caller: Caller, deps: Deps) -> None:
    with deps.database.transaction(writes=False) as session:
        blocks = own_questions_blocks(workspace_questions(session, caller.team_id))
    ack(response_type="ephemeral", text="Your workspace's questions", blocks=as_dicts(blocks))


def own_questions_blocks(questions: list[CustomQuestion]) -> list[Block]:
    if not questions:
        return [
            SectionBlock(
                text=MarkdownTextObject(
                    text=":seedling: Your workspace has not added questions yet. "
                    "`/ask-team add vision What would make our goals feel worth it?` adds one."
                )
            )
        ]
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text=f":seedling: *Your workspace's questions* ({len(questions)})"
            )
        )
    ]
    # A message holds 50 blocks; the rest are named, not listed.
    for question in questions[:45]:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"{Habit(question.habit).emoji} {escape_mrkdwn(question.text)}\n"
                    f"_added by <@{question.added_by}>_"
                ),
                accessory=delete_button(
                    "Remove",
                    ids.CUSTOM_REMOVE,
                    str(question.id),
                    "Remove this question?",
                    "Nobody in your workspace will be asked it again. Answers logged stay.",
                ),
            )
        )
    if len(questions) > 45:
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text=f"…and {len(questions) - 45} more."))
        )
    return blocks


def register(app: App, deps: Deps, outbox: Outbox) -> None:
    def remove_pressed(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext
    ) -> None:
        ack()
        caller = caller_of(context)
        value = action.get("value")
        question_id = parse_id(value)
        if caller is None or question_id is None:
            return
        with deps.database.transaction() as session:
            # Only a question of the presser's own workspace can be removed.
            remove_question(session, caller.team_id, question_id)
            blocks = own_questions_blocks(workspace_questions(session, caller.team_id))
        outbox.reply(
            body,
            [Respond("Your workspace's questions", as_dicts(blocks))],
        )

    app.action(ids.CUSTOM_REMOVE)(remove_pressed)
